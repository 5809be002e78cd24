"""`manage.py publish_ledger_heads [--all]`: publish the signed ledger heads whose publication
was missed — what the beat catch-up does every 30 s for its recent window; `--all` looks back
over every head ever signed (after a long outage of the publication, when verify_ledger says
LAGGING). It never signs anything: it appends the heads signed when their entries were."""

from typing import Any

from django.core.management.base import BaseCommand

from governance.platform.ledger_heads import heads_publisher, ledger_heads_publish_missed


class Command(BaseCommand):
    help = "Publish signed ledger heads whose publication was missed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true",
                            help="every head ever signed, not only the recent window")

    def handle(self, *args: Any, **options: Any) -> None:
        window: dict[str, Any] = {"window": None} if options["all"] else {}
        published = ledger_heads_publish_missed(**window)
        self.stdout.write(f"{published} heads published to {heads_publisher().location}.")
