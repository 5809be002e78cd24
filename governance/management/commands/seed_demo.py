"""Demo data for `make run`: idempotent, so it can run on every start.

Each room of the platform adds its demo data through a seeder registered in
`governance.demo` (apps register theirs in AppConfig.ready()).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from governance.demo import run_seeders


class Command(BaseCommand):
    help = "Create (or refresh) the demo organisations, people and data. Safe to run again."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--enrol-faces", action="store_true",
            help="Also enrol demo faces through a real liveness check (FACEGOV_DEMO_ENROL_FACES "
                 "is off otherwise, and in production settings).")

    def handle(self, *args: object, **options: object) -> None:
        enrol = bool(options.get("enrol_faces")) or settings.FACEGOV_DEMO_ENROL_FACES
        with override_settings(FACEGOV_DEMO_ENROL_FACES=enrol), transaction.atomic():
            lines = run_seeders(password=settings.FACEGOV_DEMO_PASSWORD)
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
