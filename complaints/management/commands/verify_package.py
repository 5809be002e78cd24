"""`manage.py verify_package PATH`: check an evidence package's signed manifest and files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from complaints.services.packages import package_verify


class Command(BaseCommand):
    help = "Verify a FaceGov evidence package (ZIP): names the first altered or missing file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        verdict = package_verify(path.read_bytes())
        if not verdict.valid:
            raise CommandError(f"INVALID: {verdict.first_altered or '-'}: {verdict.detail}")
        self.stdout.write(self.style.SUCCESS(f"VALID: {verdict.detail}"))
