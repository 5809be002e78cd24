"""Breach reports (72 hours, review, notices to the affected) and the court evidence package
(only the requester's data, signed manifest, every flipped byte detected)."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import BreachReport, EvidencePackage, Investigation
from complaints.services.packages import package_verify
from governance.models import Notification, SubjectLink


def test_a_breach_reported_after_72_hours_is_late_and_the_linked_people_are_told(
        world, gate, api_as, django_capture_on_commit_callbacks, eager):
    SubjectLink.objects.create(citizen=world.citizen, deployment=gate, subject_ref="s-1")
    discovered = timezone.now() - dt.timedelta(hours=80)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.acme_admin).post("/api/v1/breaches/", {
            "discovered_at": discovered.isoformat(), "description": "Gallery exported.",
            "deployment_ids": [gate.id], "people_affected": 120}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["late"] is True
    assert body["notify_due"] == (discovered + dt.timedelta(hours=72)).isoformat().replace(
        "+00:00", "Z")
    assert Notification.objects.filter(recipient=world.citizen).count() == 1
    assert not Notification.objects.filter(recipient=world.other_citizen).exists()


def test_a_breach_on_another_enterprises_deployment_stores_nothing(world, gate, api_as):
    response = api_as(world.other_admin).post("/api/v1/breaches/", {
        "discovered_at": timezone.now().isoformat(), "description": "x",
        "deployment_ids": [gate.id], "people_affected": 1}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_deployments"
    assert not BreachReport.objects.exists()


def test_the_regulator_reviews_a_breach_and_opens_an_investigation(world, gate, api_as):
    breach = api_as(world.acme_admin).post("/api/v1/breaches/", {
        "discovered_at": timezone.now().isoformat(), "description": "Leak",
        "deployment_ids": [gate.id], "people_affected": 3}, format="json").json()
    assert breach["late"] is False
    response = api_as(world.inspector).post(f"/api/v1/breaches/{breach['id']}/review/", {
        "note": "Serious.", "open_investigation": True}, format="json")
    assert response.status_code == 200, response.json()
    investigation = Investigation.objects.get()
    assert investigation.origin == "breach" and investigation.legal_holds.count() == 1
    assert api_as(world.distant_inspector).post(f"/api/v1/breaches/{breach['id']}/review/", {
        "note": "x"}, format="json").status_code == 404


@pytest.fixture
def package_bytes(world, gate, file_complaint, api_as, django_capture_on_commit_callbacks,
                  eager):
    from governance.services.consent import consent_give  # noqa: F401  (ledger entries exist)

    SubjectLink.objects.create(citizen=world.citizen, deployment=gate, subject_ref="alice-1")
    SubjectLink.objects.create(citizen=world.other_citizen, deployment=gate,
                               subject_ref="bob-1")
    complaint = file_complaint()
    api_as(world.inspector).post(f"/api/v1/complaints/{complaint.id}/triage/", {
        "decision": "investigate", "reasons": "Look."}, format="json")
    citizen = api_as(world.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post(f"/api/v1/complaints/{complaint.id}/evidence-package/")
    assert response.status_code == 202, response.json()
    status = citizen.get(f"/api/v1/complaints/{complaint.id}/evidence-package/").json()
    assert (status["status"], status["progress"]) == ("done", 100)
    download = citizen.get(f"/api/v1/complaints/{complaint.id}/evidence-package/?download=1")
    assert download.status_code == 200
    others = api_as(world.other_citizen).post(
        f"/api/v1/complaints/{complaint.id}/evidence-package/")
    assert others.status_code == 404 and EvidencePackage.objects.count() == 1
    return download.content


def test_the_package_holds_only_the_requesters_records_and_verifies(package_bytes):
    archive = zipfile.ZipFile(io.BytesIO(package_bytes))
    assert sorted(archive.namelist()) == ["complaint.json", "decision.json", "deployment.json",
                                          "manifest.json", "manifest.sig", "own_records.json",
                                          "summary.txt"]
    records = archive.read("own_records.json").decode()
    assert "alice-1" in records and "bob-1" not in records
    summary = archive.read("summary.txt").decode()
    for cite in ("PIPL Art. 50", "PIPL Art. 69", "PIPL Art. 70", "Art. 6"):
        assert cite in summary
    assert package_verify(package_bytes).valid


def _rezip(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == name else body)
    return out.getvalue()


def test_one_flipped_byte_in_every_file_of_the_package_is_detected(package_bytes):
    names = zipfile.ZipFile(io.BytesIO(package_bytes)).namelist()
    for name in names:
        for position in (0, -1):
            def flip(body: bytes, at=position) -> bytes:
                i = at % len(body)
                return body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1:]

            verdict = package_verify(_rezip(package_bytes, name, flip))
            assert not verdict.valid, (name, position)
            assert verdict.first_altered in (name, "manifest.json"), (name, verdict)
            if name not in ("manifest.json", "manifest.sig"):
                assert verdict.first_altered == name


def test_the_public_verification_endpoint_accepts_the_package_and_rejects_a_copy(
        package_bytes, api):
    ok = api.post("/api/v1/evidence-packages/verify/",
                  {"file": SimpleUploadedFile("p.zip", package_bytes)}, format="multipart")
    assert ok.json()["valid"] is True and ok.json()["first_altered"] is None
    altered = _rezip(package_bytes, "summary.txt", lambda body: body + b" ")
    bad = api.post("/api/v1/evidence-packages/verify/",
                   {"file": SimpleUploadedFile("p.zip", altered)}, format="multipart")
    assert bad.json() == {"valid": False, "first_altered": "summary.txt",
                          "detail": bad.json()["detail"]}
    missing = zipfile.ZipFile(io.BytesIO(package_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for n in missing.namelist():
            if n != "decision.json":
                target.writestr(n, missing.read(n))
    assert package_verify(out.getvalue()).first_altered == "decision.json"
