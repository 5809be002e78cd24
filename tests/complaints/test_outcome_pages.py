"""The citizen's outcome page (their complaint's outcome with reasons; the evidence package
requested, its progress and the download) and the public package verification page."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import EvidencePackage, InformationRequest, Investigation
from governance.models import SealedFile, SubjectLink


def post(client, path, **payload):
    return client.post(path, payload, format="json")


def move(api_as, user, investigation, to, **extra):
    response = post(api_as(user), f"/api/v1/investigations/{investigation.id}/transition/",
                    to=to, **extra)
    assert response.status_code == 200, response.json()


@pytest.fixture
def decided_complaint(world, gate, file_complaint, api_as):
    """Alice's complaint, investigated and decided, a fine on the processor and one on a
    named manager."""
    SubjectLink.objects.create(citizen=world.citizen, deployment=gate, subject_ref="alice-1")
    SubjectLink.objects.create(citizen=world.other_citizen, deployment=gate,
                               subject_ref="bob-1")
    complaint = file_complaint()
    response = post(api_as(world.inspector), f"/api/v1/complaints/{complaint.id}/triage/",
                    decision="investigate", reasons="Look into it.")
    case = Investigation.objects.get(id=response.json()["investigation_id"])
    move(api_as, world.inspector, case, "gathering_evidence", reason="Go.")
    post(api_as(world.inspector), f"/api/v1/investigations/{case.id}/findings/",
         rule_reference="PIPL Art. 29", text="The gate took no separate consent.")
    move(api_as, world.inspector, case, "preliminary_findings", reason="Findings ready.")
    hearing = InformationRequest.objects.get(investigation=case, kind="hearing")
    post(api_as(world.acme_admin), f"/api/v1/rfis/{hearing.id}/answer/", answer="Noted.")
    move(api_as, world.inspector, case, "decided", reason="Consent was never asked.",
         legal_basis="PIPL Art. 29, 66")
    post(api_as(world.inspector), f"/api/v1/investigations/{case.id}/penalties/",
         amount_cny="20000", basis="ordinary", responsible_person="Manager Li")
    complaint.refresh_from_db()
    return complaint


def page(client, complaint):
    return client.get(reverse("complaint-mine-detail", args=[complaint.id]))


def test_the_complainant_reads_the_outcome_with_its_reasons(world, decided_complaint, client):
    client.force_login(world.citizen)
    body = page(client, decided_complaint).content.decode()
    outcome = body.split('id="outcome"')[1].split("</section>")[0]
    assert "Consent was never asked." in outcome and "PIPL Art. 29, 66" in outcome
    assert "The gate took no separate consent." in outcome
    assert "people&#x27;s court" in outcome or "people's court" in outcome
    assert "Decided" in outcome and "decided" not in outcome.replace("Decided", "")
    assert "Manager Li" not in body
    assert "Ask for the evidence package" in body


def test_another_citizen_cannot_open_the_outcome_or_ask_for_the_package(
        world, decided_complaint, client):
    client.force_login(world.other_citizen)
    assert page(client, decided_complaint).status_code == 404
    response = client.post(reverse("complaint-mine-package", args=[decided_complaint.id]))
    assert response.status_code == 404 and not EvidencePackage.objects.exists()
    download = client.get(reverse("complaint-mine-package-download",
                                  args=[decided_complaint.id]))
    assert download.status_code == 404


def test_the_complainant_asks_for_the_package_sees_it_ready_and_downloads_only_their_data(
        world, decided_complaint, client, django_capture_on_commit_callbacks, eager):
    client.force_login(world.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaint-mine-package", args=[decided_complaint.id]))
    assert response.status_code == 302
    package = EvidencePackage.objects.get()
    assert package.requested_by == world.citizen and package.status == "done"
    body = page(client, decided_complaint).content.decode()
    assert "Ready" in body and 'id="package-download"' in body
    download = client.get(reverse("complaint-mine-package-download",
                                  args=[decided_complaint.id]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)
                                         if download.streaming else download.content))
    records = archive.read("own_records.json").decode()
    assert "alice-1" in records and "bob-1" not in records
    assert "Consent was never asked." in archive.read("decision.json").decode()


def test_before_the_package_is_built_the_page_shows_its_progress(
        world, decided_complaint, client):
    client.force_login(world.citizen)
    client.post(reverse("complaint-mine-package", args=[decided_complaint.id]))
    EvidencePackage.objects.update(status="running", progress=40)
    body = page(client, decided_complaint).content.decode()
    assert "Being built" in body and 'value="40"' in body
    assert 'id="package-download"' not in body
    download = client.get(reverse("complaint-mine-package-download",
                                  args=[decided_complaint.id]))
    assert download.status_code == 404


@pytest.fixture
def package_zip(world, decided_complaint, client, django_capture_on_commit_callbacks, eager):
    client.force_login(world.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("complaint-mine-package", args=[decided_complaint.id]))
    data = client.get(reverse("complaint-mine-package-download", args=[decided_complaint.id]))
    client.logout()
    return data.content


def _altered(data: bytes, name: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, body + b" " if info.filename == name else body)
    return out.getvalue()


def verify(client, name, data):
    return client.post(reverse("package-verify"),
                       {"file": SimpleUploadedFile(name, data)}).content.decode()


def test_the_public_page_accepts_the_package_and_names_the_first_altered_file(
        package_zip, client):
    files_before = SealedFile.objects.count()
    genuine = verify(client, "package.zip", package_zip)
    assert 'data-valid="true"' in genuine and "is genuine" in genuine
    changed = verify(client, "copy.zip", _altered(package_zip, "summary.txt"))
    assert 'data-valid="false"' in changed
    assert "The first file that does not match: summary.txt." in changed
    assert SealedFile.objects.count() == files_before  # nothing uploaded here is kept


def test_the_public_page_says_when_a_file_is_not_a_package(db, client):
    body = verify(client, "notes.zip", b"not a zip at all")
    assert 'data-valid="false"' in body and "not a readable ZIP file" in body
    assert client.get(reverse("package-verify")).status_code == 200
