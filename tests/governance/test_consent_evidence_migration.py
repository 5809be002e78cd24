"""The migration that seals the consent evidence stored in plain bytes before the upload
service existed: the plaintext is gone afterwards, the form reads back, its hash matches."""

import hashlib
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from governance.models import Consent
from governance.platform.uploads import upload_read

BEFORE = [("governance", "0008_notifications_and_mail_outbox")]
AFTER = [("governance", "0010_consent_evidence_file_removed")]
LEGACY_NAME = "consent-evidence/2026/01/form.pdf"
SIGNED = b"%PDF-1.4\nsigned before the upload service\n%%EOF"


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_plain_evidence_in_the_working_directory_is_sealed_and_removed(
        world, gate, give, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the old default storage wrote: the process's cwd
    kept = give(gate, subject_ref="s-1")
    lost = give(gate, subject_ref="s-2")
    executor = migrate(BEFORE)
    OldConsent = executor.loader.project_state(BEFORE).apps.get_model("governance", "Consent")
    legacy = tmp_path / LEGACY_NAME
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(SIGNED)
    OldConsent.objects.filter(pk=kept.pk).update(
        evidence_file=LEGACY_NAME, evidence_sha256=hashlib.sha256(SIGNED).hexdigest())
    OldConsent.objects.filter(pk=lost.pk).update(evidence_file="consent-evidence/gone.pdf",
                                                 evidence_sha256="ab" * 32)

    migrate(AFTER)
    # Later migrations change Consent too: read through today's model at today's schema.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    kept, lost = Consent.objects.get(pk=kept.pk), Consent.objects.get(pk=lost.pk)
    assert not legacy.exists()
    assert upload_read(sealed=kept.evidence_upload) == SIGNED
    assert kept.evidence_upload.content_type == "application/pdf"
    assert (lost.evidence_upload, lost.evidence_sha256) == (None, "ab" * 32)
    assert not any(p.is_file() for p in Path(tmp_path).rglob("*"))
