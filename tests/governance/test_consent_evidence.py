"""Signed consent forms go through the upload service: refused when too large or not a
document (nothing stored), sealed when accepted, downloadable only by who may see the consent."""

import hashlib
import os
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import Consent, ConsentLedgerEntry, SealedFile

SIGNED = b"%PDF-1.7\n% signed consent form of Zhang Min\n%%EOF\n"


def post_written_consent(client, gate, evidence_file):
    return client.post(f"/api/v1/deployments/{gate.id}/consents/", {
        "subject_ref": "s-1", "purposes": ["access_control"], "method": "written_signature",
        "evidence_file": evidence_file}, format="multipart")


def nothing_stored() -> bool:
    return not (Consent.objects.exists() or SealedFile.objects.exists()
                or ConsentLedgerEntry.objects.exists())


def test_a_50_mb_html_upload_is_refused_with_413_and_stores_nothing(world, api_as, gate):
    page = b"<html><body>" + b"x" * (50 * 1024 * 1024) + b"</body></html>"
    response = post_written_consent(api_as(world.acme_admin), gate,
                                    SimpleUploadedFile("form.pdf", page, "text/html"))
    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large"
    assert nothing_stored()


def test_an_html_page_posing_as_a_pdf_is_refused_with_415_and_stores_nothing(
        world, api_as, gate):
    page = SimpleUploadedFile("form.pdf", b"<!doctype html><script>steal()</script>",
                              "application/pdf")
    response = post_written_consent(api_as(world.acme_admin), gate, page)
    assert response.status_code == 415
    body = response.json()
    assert (body["code"], body["detected_type"]) == ("upload_type_not_allowed", "text/html")
    assert nothing_stored()


def test_an_empty_form_is_refused_with_400(world, api_as, gate):
    response = post_written_consent(api_as(world.acme_admin), gate,
                                    SimpleUploadedFile("form.pdf", b"", "application/pdf"))
    assert response.status_code == 400
    assert nothing_stored()


def test_an_accepted_form_is_sealed_outside_the_working_directory(world, api_as, gate):
    cwd_before = set(os.listdir(Path.cwd()))
    response = post_written_consent(api_as(world.acme_admin), gate,
                                    SimpleUploadedFile("form.pdf", SIGNED, "application/pdf"))
    assert response.status_code == 201
    consent = Consent.objects.get(receipt_id=response.json()["receipt_id"])
    sealed = consent.evidence_upload
    assert sealed.sha256 == consent.evidence_sha256 == hashlib.sha256(SIGNED).hexdigest()
    on_disk = Path(storages["uploads"].path(sealed.storage_name))
    assert on_disk.is_file() and b"Zhang Min" not in on_disk.read_bytes()
    assert set(os.listdir(Path.cwd())) == cwd_before  # no consent-evidence/ beside the code


@pytest.fixture
def written_consent(world, api_as, gate) -> Consent:
    response = post_written_consent(api_as(world.acme_admin), gate,
                                    SimpleUploadedFile("form.pdf", SIGNED, "application/pdf"))
    return Consent.objects.get(receipt_id=response.json()["receipt_id"])


@pytest.mark.parametrize(("persona", "allowed"), [
    ("acme_admin", True), ("acme_operator", True), ("inspector", True),
    ("other_admin", False), ("distant_inspector", False), ("auditor", False),
    ("citizen", False), ("anonymous", False),
])
def test_only_who_may_see_the_consent_downloads_its_form_through_the_api(
        world, api_as, written_consent, persona, allowed):
    response = api_as(world.user(persona)).get(
        f"/api/v1/consents/{written_consent.receipt_id}/evidence/")
    if allowed:
        assert response.status_code == 200
        assert response.content == SIGNED
        assert response["Content-Disposition"] == 'attachment; filename="form.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
    else:
        assert response.status_code in (401, 404)
        assert SIGNED not in response.content


def test_the_page_download_is_404_for_someone_elses_consent(world, client, written_consent):
    url = f"/consents/{written_consent.receipt_id}/evidence/"
    client.force_login(world.other_admin)
    assert client.get(url).status_code == 404
    client.force_login(world.acme_admin)
    response = client.get(url)
    assert response.status_code == 200 and response.content == SIGNED
    receipt = client.get(f"/consents/{written_consent.receipt_id}/").content.decode()
    assert url in receipt


def test_a_consent_without_a_form_has_no_download(world, api_as, gate, give):
    consent = give(gate)
    response = api_as(world.acme_admin).get(f"/api/v1/consents/{consent.receipt_id}/evidence/")
    assert response.status_code == 404


def test_a_destroyed_form_can_no_longer_be_downloaded(
        world, api_as, written_consent, django_capture_on_commit_callbacks):
    from governance.platform.uploads import upload_destroy

    with django_capture_on_commit_callbacks(execute=True):
        upload_destroy(sealed=written_consent.evidence_upload)
    response = api_as(world.acme_admin).get(
        f"/api/v1/consents/{written_consent.receipt_id}/evidence/")
    assert response.status_code == 404
