"""Split a deployment's gallery into parts held by different shard workers (the shard plan)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from recognition.models import DeploymentKey
from recognition.shards import shard_queue


class Command(BaseCommand):
    help = "Set how many parts a deployment's gallery is split into across shard workers."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("deployment_id", type=int)
        parser.add_argument("parts", type=int)

    def handle(self, *args: object, deployment_id: int, parts: int, **options: object) -> None:
        if not 1 <= parts <= 64:
            raise CommandError("parts must be between 1 and 64")
        updated = DeploymentKey.objects.filter(deployment_id=deployment_id).update(
            gallery_parts=parts, gallery_version=F("gallery_version") + 1)
        if not updated:
            raise CommandError(f"Deployment {deployment_id} has no gallery yet.")
        queues = ", ".join(shard_queue(deployment_id, p) for p in range(parts))
        self.stdout.write(f"Deployment {deployment_id}: {parts} part(s) on {queues}")

