"""Evidence with chain of custody: uploads are sealed with their SHA-256, a wrong type stores
nothing, the platform snapshot holds the named subject's consent entries with proofs (and no
one else's), and the custody log records collected, viewed and exported."""

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import EvidenceItem, Investigation, InvestigationLogEntry
from complaints.services.evidence import custody_log, evidence_open
from governance.models import SealedFile
from governance.platform.uploads import _storage, upload_read
from governance.services.consent import consent_give
from tests.factories import CLICK

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def investigation(world, file_complaint, api_as):
    complaint = file_complaint()
    response = api_as(world.inspector).post(
        f"/api/v1/complaints/{complaint.id}/triage/",
        {"decision": "investigate", "reasons": "Look."}, format="json")
    assert response.status_code == 200, response.json()
    return Investigation.objects.get(id=response.json()["investigation_id"])


def upload(client, investigation, name, body, title="Site photo report"):
    return client.post(f"/api/v1/investigations/{investigation.id}/evidence/",
                       {"file": SimpleUploadedFile(name, body), "title": title},
                       format="multipart")


def test_an_uploaded_document_is_sealed_with_its_sha256(world, investigation, api_as):
    response = upload(api_as(world.inspector), investigation, "report.pdf", PDF)
    assert response.status_code == 201, response.json()
    item = EvidenceItem.objects.get(id=response.json()["id"])
    assert item.kind == "upload" and item.title == "Site photo report"
    assert item.sha256 == hashlib.sha256(PDF).hexdigest() == response.json()["sha256"]
    assert item.sealed.sha256 == item.sha256 and item.sealed.content_type == "application/pdf"
    assert item.sealed.wrapped_key  # sealed at rest under its own data key
    with _storage().open(item.sealed.storage_name, "rb") as handle:
        assert PDF not in handle.read()
    assert upload_read(sealed=item.sealed) == PDF


def test_an_upload_of_the_wrong_type_is_refused_and_stores_nothing(world, investigation,
                                                                   api_as):
    before = InvestigationLogEntry.objects.count()
    response = upload(api_as(world.inspector), investigation, "tool.exe",
                      b"MZ\x90\x00\x03\x00\x00\x00")
    assert response.status_code == 415
    assert not EvidenceItem.objects.exists() and not SealedFile.objects.exists()
    assert InvestigationLogEntry.objects.count() == before


def test_the_enterprise_cannot_add_evidence_to_its_own_case(world, investigation, api_as):
    response = upload(api_as(world.acme_admin), investigation, "report.pdf", PDF)
    assert response.status_code == 403
    assert not EvidenceItem.objects.exists() and not SealedFile.objects.exists()


def record_consent(gate, world, subject_ref):
    return consent_give(deployment=gate, actor=world.acme_admin, subject_ref=subject_ref,
                        purposes=["access_control"], method="in_app_explicit",
                        evidence=dict(CLICK))


def test_the_platform_snapshot_holds_the_named_subjects_consents_with_proofs_only(
        world, gate, investigation, api_as):
    record_consent(gate, world, "alice-1")
    record_consent(gate, world, "bob-1")
    response = api_as(world.inspector).post(
        f"/api/v1/investigations/{investigation.id}/evidence/",
        {"platform": True, "subject_refs": ["alice-1"]}, format="json")
    assert response.status_code == 201, response.json()
    item = EvidenceItem.objects.get(id=response.json()["id"])
    assert item.kind == "platform"
    data = upload_read(sealed=item.sealed)
    assert hashlib.sha256(data).hexdigest() == item.sha256
    snapshot = json.loads(data)
    assert snapshot["subjects"] == ["alice-1"]
    assert snapshot["deployment"]["id"] == gate.id
    proofs = snapshot["consent_ledger"]
    assert [p["entry"]["fields"]["subject_ref"] for p in proofs] == ["alice-1"]
    assert all(p["entry"]["entry_hash"] and p["ledger"] for p in proofs)
    assert "bob-1" not in data.decode()
    assert {c["rule"] for c in snapshot["rule_checks"]} >= {"prohibited_place"}


def test_the_platform_snapshot_cannot_be_edited_afterwards(world, investigation, api_as):
    api_as(world.inspector).post(f"/api/v1/investigations/{investigation.id}/evidence/",
                                 {"platform": True}, format="json")
    item = EvidenceItem.objects.get()
    from django.core.files.base import ContentFile

    storage = _storage()
    name = item.sealed.storage_name
    tampered = bytearray(storage.open(name, "rb").read())
    tampered[-1] ^= 0x01
    storage.delete(name)
    storage.save(name, ContentFile(bytes(tampered)))
    with pytest.raises(Exception):  # noqa: B017 — any refusal: auth tag or hash mismatch
        upload_read(sealed=item.sealed)


def test_the_custody_log_records_collected_viewed_and_exported_by_whom(
        world, investigation, api_as):
    upload(api_as(world.inspector), investigation, "report.pdf", PDF)
    item = EvidenceItem.objects.get()
    assert evidence_open(item=item, actor=world.inspector) == PDF
    assert evidence_open(item=item, actor=world.inspector, export=True) == PDF
    log = custody_log(item=item)
    assert [(e.kind, e.actor, e.detail["sha256"]) for e in log] == [
        ("evidence_collected", world.inspector, item.sha256),
        ("evidence_viewed", world.inspector, item.sha256),
        ("evidence_exported", world.inspector, item.sha256)]
    sequences = [e.sequence for e in log]
    assert sequences == sorted(sequences)


def test_the_enterprise_cannot_open_evidence_and_leaves_no_custody_entry(
        world, investigation, api_as):
    upload(api_as(world.inspector), investigation, "report.pdf", PDF)
    item = EvidenceItem.objects.get()
    from governance.errors import NotPermitted

    with pytest.raises(NotPermitted):
        evidence_open(item=item, actor=world.acme_admin)
    assert [e.kind for e in custody_log(item=item)] == ["evidence_collected"]
