"""Consent evidence moves onto the sealed upload service.

Before, a signed form was saved in plain bytes by Django's default storage, whose MEDIA_ROOT
was unset: the files landed under `consent-evidence/YYYY/MM/` in the working directory of
whichever process received the upload. This migration seals each one into a SealedFile (the
SHA-256 must match what the consent and its ledger entry recorded), links it, and deletes
the plaintext. A file that cannot be found is reported and left unlinked: the consent keeps
its `evidence_sha256`, and the ledger still proves which form was recorded. (0010 drops the
old column in its own migration: PostgreSQL refuses to alter a table with pending deferred
constraint checks.)
"""

import hashlib
import uuid
from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import migrations, models


def _candidates(name: str) -> list[Path]:
    # Where the default storage may have put it: the working directory (no MEDIA_ROOT), the
    # project root (make run's working directory), or the MEDIA_ROOT set since.
    roots = [Path.cwd(), Path(settings.BASE_DIR), Path(settings.MEDIA_ROOT)]
    return [root / name for root in roots]


def seal_existing_evidence(apps, schema_editor):
    from governance.platform.sniff import sniff_content_type
    from governance.platform.uploads import seal_file_bytes, storage_name_for

    Consent = apps.get_model("governance", "Consent")
    SealedFile = apps.get_model("governance", "SealedFile")
    for consent in Consent.objects.exclude(evidence_file="").exclude(evidence_file__isnull=True):
        found = next((p for p in _candidates(consent.evidence_file.name) if p.is_file()), None)
        if found is None:
            print(f"\n  consent {consent.receipt_id}: evidence file {consent.evidence_file.name} "
                  "not found; its SHA-256 stays on the consent and in the ledger")
            continue
        data = found.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if consent.evidence_sha256 and digest != consent.evidence_sha256:
            print(f"\n  consent {consent.receipt_id}: {found} does not match the recorded "
                  "SHA-256; left in place for investigation, not linked")
            continue
        file_id = uuid.uuid4()
        wrapped_key, ciphertext = seal_file_bytes(file_id, data)
        stored = storages["uploads"].save(storage_name_for(file_id, "consent_evidence"),
                                          ContentFile(ciphertext))
        consent.evidence_upload = SealedFile.objects.create(
            id=file_id, purpose="consent_evidence", policy="document",
            name=Path(found.name).name[:200], content_type=sniff_content_type(data),
            size=len(data), sha256=digest, storage_name=stored, wrapped_key=wrapped_key,
            uploaded_by_id=consent.recorded_by_id)
        consent.evidence_sha256 = digest
        consent.save(update_fields=["evidence_upload", "evidence_sha256"])
        found.unlink()  # the plaintext must not outlive the migration


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0008_notifications_and_mail_outbox'),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='evidence_upload',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consent', to='governance.sealedfile'),
        ),
        # Not reversible into plaintext on purpose; going back leaves the sealed files in place.
        migrations.RunPython(seal_existing_evidence, migrations.RunPython.noop),
    ]
