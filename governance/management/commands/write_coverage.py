"""Write docs/coverage.md from the rule packs and the coverage table."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from governance.compliance.coverage_doc import render

COVERAGE_DOC = Path(settings.BASE_DIR) / "docs" / "coverage.md"


class Command(BaseCommand):
    help = "Write docs/coverage.md (which articles of each instrument the rules cover)."

    def handle(self, *args: object, **options: object) -> None:
        COVERAGE_DOC.parent.mkdir(exist_ok=True)
        COVERAGE_DOC.write_text(render(), encoding="utf-8")
        self.stdout.write(f"Wrote {COVERAGE_DOC}")
