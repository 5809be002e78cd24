"""Rotate deployment keys and/or re-issue templates under a new transform, with a progress bar.

    python manage.py rotate_vault_keys                    # new key for every deployment
    python manage.py rotate_vault_keys --deployment 3 --transform
"""

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from recognition.models import DeploymentKey, VaultSubject
from recognition.services.vault import deployment_vault_rotate


class Command(BaseCommand):
    help = "Rotate vault keys (and, with --transform, re-issue every template)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--deployment", type=int, action="append",
                            help="Only this deployment (repeatable). Default: all.")
        parser.add_argument("--transform", action="store_true",
                            help="Also re-issue templates under a new secret transform.")
        parser.add_argument("--no-key", action="store_true",
                            help="Keep the deployment key (use with --transform).")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = DeploymentKey.objects.select_related("deployment").order_by("deployment_id")
        if options["deployment"]:
            rows = rows.filter(deployment_id__in=options["deployment"])
        total = VaultSubject.objects.filter(
            deployment_id__in=rows.values("deployment_id")).count()
        with tqdm(total=total, unit="subject", file=self.stderr._out,
                  disable=total == 0) as bar:
            for row in rows:
                report = deployment_vault_rotate(
                    deployment=row.deployment, rotate_key=not options["no_key"],
                    rotate_transform=options["transform"], progress=bar.update)
                self.stdout.write(
                    f"{row.deployment.name}: key v{report.key_version}, transform "
                    f"v{report.transform_version}, {report.subjects} subjects, "
                    f"{report.templates} templates re-issued")
