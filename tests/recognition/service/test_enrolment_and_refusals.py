"""Enrolment through the device API: consent gates it, every refusal stores nothing and is
logged, and every bad image has its own code."""

import io

import pytest
from PIL import Image

from governance.models import DeploymentStatus
from recognition.models import FaceImage, RecognitionEvent, Template, VaultSubject
from recognition.services.apikeys import api_key_revoke
from tests.factories import central_gate
from tests.recognition.service.conftest import BIDEN, OBAMA


def stored_nothing():
    return (VaultSubject.objects.count(), Template.objects.count(),
            FaceImage.objects.count()) == (0, 0, 0)


def last_event():
    return RecognitionEvent.objects.order_by("-id").first()


def test_enrolment_with_consent_stores_one_sealed_template_and_an_event(gate, consent, device,
                                                                       enroll):
    consent(gate, "resident-1")
    response = enroll(device(), "resident-1")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["subject_ref"], body["templates"]) == ("resident-1", 1)
    template = Template.objects.get()
    assert template.subject.subject_ref == "resident-1"
    assert template.engine_version.startswith("facegov-engine/")
    assert "dlib" in template.model_version
    event = RecognitionEvent.objects.get(id=body["event_id"])
    assert (event.operation, event.outcome, event.purpose, event.subject_ref) == (
        "enroll", "enrolled", "access_control", "resident-1")
    assert FaceImage.objects.count() == 0  # keeps_images is off


def test_an_image_is_kept_sealed_only_when_the_deployment_declares_it(world, consent, device,
                                                                      enroll, read_face):
    keeper = central_gate(world.acme, name="Bank vault", keeps_images=True,
                       keeps_images_justification="Dispute resolution needs the photo.")
    consent(keeper, "client-1")
    assert enroll(device(keeper), "client-1").status_code == 201
    image = FaceImage.objects.get()
    assert read_face(OBAMA)[:2000] not in bytes(image.sealed_image)


@pytest.mark.parametrize(
    ("setup", "purpose", "code"),
    [
        ("no_consent", "access_control", "no_consent"),
        ("consent", "attendance", "no_consent"),  # consented to access_control only
        ("consent", "customer_analytics", "purpose_not_allowed"),
        ("suspended", "access_control", "deployment_not_active"),
    ],
)
def test_policy_refusals_store_nothing_and_write_a_refused_event(gate, consent, device, enroll,
                                                                 setup, purpose, code):
    client = device()
    if setup != "no_consent":
        consent(gate, "resident-1")
    if setup == "suspended":
        type(gate).objects.filter(pk=gate.pk).update(status=DeploymentStatus.SUSPENDED)
    response = enroll(client, "resident-1", purpose=purpose)
    assert response.status_code == 403
    assert response.json()["code"] == code
    assert stored_nothing()
    event = last_event()
    assert (event.outcome, event.refusal_code, event.subject_ref) == (
        "refused", code, "resident-1")


def test_a_revoked_key_is_refused_at_the_next_call_and_the_attempt_is_logged(world, gate, consent,
                                                                             device, enroll):
    consent(gate, "resident-1")
    client = device()
    from recognition.models import ApiKey

    api_key_revoke(api_key=ApiKey.objects.get(), actor=world.acme_admin)
    response = enroll(client, "resident-1")
    assert response.status_code == 401
    assert response.json()["code"] == "api_key_revoked"
    assert stored_nothing()
    assert (last_event().outcome, last_event().refusal_code) == ("refused", "api_key_revoked")


def test_an_unknown_key_is_401_and_touches_no_deployment(db, api, upload):
    api.credentials(HTTP_X_API_KEY="fgk_not-a-key")
    response = api.post("/api/v1/recognition/enroll/",
                        {"subject_ref": "x", "purpose": "access_control",
                         "image": upload(OBAMA)}, format="multipart")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_api_key"
    assert RecognitionEvent.objects.count() == 0


def test_a_user_token_cannot_call_the_device_api(world, api_as, upload):
    response = api_as(world.acme_admin).post(
        "/api/v1/recognition/enroll/",
        {"subject_ref": "x", "purpose": "access_control", "image": upload(OBAMA)},
        format="multipart")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert (Template.objects.count(), VaultSubject.objects.count(),
            RecognitionEvent.objects.count()) == (0, 0, 0)


def png_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 128).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("photo", "content", "status", "code"),
    [
        (OBAMA, "truncated", 400, "image_invalid"),
        (OBAMA, "text", 400, "image_invalid"),
        (OBAMA, "60mp", 413, "image_too_large"),
        ("no_face/coffee.png", None, 422, "no_face"),
        ("groups/two_people.jpg", None, 422, "multiple_faces"),
        ("edge/obama_partial_face_1.jpg", None, 422, "face_partial"),
    ],
)
def test_every_bad_image_gets_its_own_code_and_changes_nothing(gate, consent, device, enroll,
                                                               read_face, upload, photo, content,
                                                               status, code):
    consent(gate, "resident-1")
    data = {"truncated": read_face(OBAMA)[:5000], "text": b"this is not a photo\n" * 50,
            "60mp": png_bytes(10_000, 6_000), None: None}[content]
    response = device().post("/api/v1/recognition/enroll/",
                              {"subject_ref": "resident-1", "purpose": "access_control",
                               "image": upload(photo, name="face.jpg", content=data)},
                              format="multipart")
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert stored_nothing()
    assert (last_event().outcome, last_event().refusal_code) == ("refused", code)


def test_a_second_photo_adds_a_template_to_the_same_subject(gate, consent, device, enroll):
    consent(gate, "resident-1")
    client = device()
    enroll(client, "resident-1")
    response = enroll(client, "resident-1", photo="people/obama/obama_2.jpg")
    assert response.json()["templates"] == 2
    assert VaultSubject.objects.count() == 1


def test_a_key_reaches_only_its_own_deployment(world, gate, consent, device, enroll):
    other = central_gate(world.other_enterprise, name="Globex door")
    consent(gate, "resident-1")
    response = enroll(device(other), "resident-1", photo=BIDEN)
    # The Globex key speaks for Globex's deployment, where nobody consented.
    assert response.json()["code"] == "no_consent"
    assert not VaultSubject.objects.filter(deployment=gate).exists()


def test_a_withdrawn_consent_flipped_back_to_active_by_sql_does_not_let_enrolment_run(
        world, gate, consent, device, enroll):
    from django.db import connection

    from governance.models import Consent
    from governance.services.consent import consent_withdraw

    given = consent(gate, "resident-1")
    consent_withdraw(consent=given, actor=world.acme_admin)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_consent SET state = 'active', withdrawn_at = NULL "
                       "WHERE id = %s", [given.id])
    assert Consent.objects.get(id=given.id).state == "active"
    response = enroll(device(), "resident-1")
    assert response.status_code == 403
    assert response.json()["code"] == "consent_ledger_mismatch"
    assert stored_nothing()
    assert (last_event().outcome, last_event().refusal_code) == (
        "refused", "consent_ledger_mismatch")
