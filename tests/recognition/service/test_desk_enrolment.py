"""Desk enrolment: staff record a signed consent (the form sealed) and enrol the photo at the
counter, through the same services as the API; refusals in words, nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import Consent, ConsentLedgerEntry, SealedFile
from recognition.models import Outcome, RecognitionEvent, Template, VaultSubject
from tests.recognition.service.conftest import BIDEN, OBAMA

SIGNED_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def desk(world, client, gate, upload):
    """desk(photo=..., **fields) → the response of posting the desk form as Acme's admin."""
    client.force_login(world.acme_admin)

    def post(photo=OBAMA, signed=True, **fields):
        data = {"deployment": gate.id, "subject_ref": "resident-17", "purpose": "access_control",
                "consent": "new", "method": "written_signature",
                "consent_purposes": ["access_control"], "photo": upload(photo),
                # The gate stores centrally, which needs the person's separate consent to it.
                "central_storage": "on", **fields}
        if signed:
            data["signed_form"] = SimpleUploadedFile("form.pdf", SIGNED_PDF,
                                                     content_type="application/pdf")
        return client.post(reverse("desk-enrol"), data, follow=True)

    return post


def nothing_stored() -> bool:
    return not (Consent.objects.exists() or VaultSubject.objects.exists()
                or Template.objects.exists() or SealedFile.objects.exists())


def test_a_signed_consent_and_a_photo_enrol_the_person(desk, gate, world):
    page = desk().content.decode()
    assert "resident-17 is enrolled at Block A gate." in page
    consent = Consent.objects.get()
    assert (consent.subject_ref, consent.method, consent.recorded_by) == (
        "resident-17", "written_signature", world.acme_admin)
    assert consent.evidence_upload is not None  # the signed form, sealed
    assert consent.evidence_upload.sha256 == consent.evidence_sha256
    assert Template.objects.filter(subject__subject_ref="resident-17").count() == 1
    assert RecognitionEvent.objects.get().outcome == Outcome.ENROLLED
    assert f"/consents/{consent.receipt_id}/" in page


def test_a_photo_without_a_face_is_refused_in_words_and_nothing_is_stored(desk):
    page = desk(photo="no_face/coffee.png").content.decode()
    assert "No face was found in the image." in page
    assert nothing_stored()
    assert RecognitionEvent.objects.get().refusal_code == "no_face"


def test_two_faces_are_refused_and_nothing_is_stored(desk):
    page = desk(photo="groups/two_people.jpg").content.decode()
    assert "2 faces were found; the image must show exactly one face." in page
    assert nothing_stored()


def test_without_the_signed_form_no_consent_and_no_enrolment(desk):
    page = desk(signed=False).content.decode()
    assert "Upload the form the person signed" in page
    assert nothing_stored()
    assert not RecognitionEvent.objects.exists()


def test_no_consent_on_record_is_refused_in_words_and_nothing_is_stored(desk):
    page = desk(signed=False, consent="on_record").content.decode()
    assert "The person has not consented to this purpose here." in page
    assert nothing_stored()
    assert RecognitionEvent.objects.get().refusal_code == "no_consent"


def test_a_refusal_after_the_consent_rolls_the_consent_back(desk):
    desk()
    entries, files = ConsentLedgerEntry.objects.count(), SealedFile.objects.count()
    page = desk(photo=BIDEN).content.decode()  # someone else under the same reference
    assert "does not match the person already enrolled" in page
    assert ConsentLedgerEntry.objects.count() == entries  # the renewal was rolled back
    assert SealedFile.objects.count() == files
    assert Template.objects.count() == 1


def test_an_operator_of_another_enterprise_cannot_enrol_here(world, client, gate, upload):
    client.force_login(world.other_admin)
    response = client.post(reverse("desk-enrol"), {
        "deployment": gate.id, "subject_ref": "x", "purpose": "access_control",
        "consent": "on_record", "photo": upload(OBAMA)})
    assert response.status_code == 200  # the form does not offer another enterprise's gate
    assert "Block A gate" not in response.content.decode()
    assert nothing_stored()
    assert not RecognitionEvent.objects.exists()


def test_an_on_device_deployment_is_refused_at_the_desk_and_nothing_is_stored(desk, gate):
    # Its templates stay on its devices (issue 14): the desk may not put one in the vault.
    gate.storage = "on_device"
    gate.save(update_fields=["storage"])
    page = desk().content.decode()
    assert "storage_on_device" not in page  # a code is never shown to a person
    assert nothing_stored()
    refusal = RecognitionEvent.objects.get()
    assert refusal.outcome == Outcome.REFUSED and refusal.refusal_code == "storage_on_device"
