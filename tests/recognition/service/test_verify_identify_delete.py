"""Verification, identification and deletion: real faces, one threshold, consent rechecked."""

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from governance.services.consent import consent_withdraw
from recognition.engine import encode_for_enrolment, load_image
from recognition.models import RecognitionEvent, Template, VaultSubject
from recognition.services.vault import deployment_key_ensure, deployment_secrets, subject_vectors
from recognition.vault.crypto import vector_to_bytes
from tests.factories import central_gate
from tests.recognition.service.conftest import BIDEN, OBAMA, OBAMA_2


@pytest.fixture
def enrolled(gate, consent, device, enroll):
    """Obama as resident-1 and Biden as resident-2, enrolled through the API."""
    client = device()
    consents = {ref: consent(gate, ref) for ref in ("resident-1", "resident-2")}
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    assert enroll(client, "resident-2", photo=BIDEN).status_code == 201
    client.consents = consents
    return client


def verify(client, subject_ref, photo, upload, purpose="access_control"):
    return client.post("/api/v1/recognition/verify/",
                       {"subject_ref": subject_ref, "purpose": purpose, "image": upload(photo)},
                       format="multipart")


def test_the_same_person_matches_under_the_deployments_threshold(enrolled, upload, gate):
    response = verify(enrolled, "resident-1", OBAMA_2, upload)
    assert response.status_code == 200
    body = response.json()
    assert body["match"] is True
    assert body["distance"] < body["threshold"] == gate.threshold == 0.6
    event = RecognitionEvent.objects.get(id=body["event_id"])
    assert (event.operation, event.outcome, event.subject_ref) == ("verify", "match", "resident-1")


def test_another_person_does_not_match(enrolled, upload):
    body = verify(enrolled, "resident-2", OBAMA_2, upload).json()
    assert body["match"] is False
    assert body["distance"] > 0.6


def test_verifying_someone_not_enrolled_is_404_with_an_event(gate, consent, device, upload):
    consent(gate, "resident-9")
    response = verify(device(), "resident-9", OBAMA, upload)
    assert response.status_code == 404
    assert response.json()["code"] == "subject_not_enrolled"
    assert RecognitionEvent.objects.get().refusal_code == "subject_not_enrolled"


def test_identify_finds_both_people_in_a_group_photo(enrolled, upload):
    before = timezone.now()
    response = enrolled.post("/api/v1/recognition/identify/",
                             {"purpose": "access_control",
                              "image": upload("groups/two_people.jpg"), "top_k": 3},
                             format="multipart")
    assert response.status_code == 200
    faces = response.json()["faces"]
    assert len(faces) == 2
    best = sorted(face["candidates"][0]["subject_ref"] for face in faces)
    assert best == ["resident-1", "resident-2"]
    event = RecognitionEvent.objects.get(id=response.json()["event_id"])
    assert sorted(event.matched_refs) == ["resident-1", "resident-2"]
    touched = VaultSubject.objects.values_list("last_interaction_at", flat=True)
    assert all(moment >= before for moment in touched)


def test_identify_says_unknown_when_nobody_is_within_the_threshold(enrolled, upload):
    response = enrolled.post("/api/v1/recognition/identify/",
                             {"purpose": "access_control",
                              "image": upload("people/kit_harington/kit_harington_1.jpg")},
                             format="multipart")
    face = response.json()["faces"][0]
    assert (face["candidates"], face["unknown"]) == ([], True)


def test_withdrawal_destroys_the_templates_and_the_gallery_forgets_the_subject(
        world, enrolled, upload, django_capture_on_commit_callbacks, eager):
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=enrolled.consents["resident-1"], actor=world.acme_admin)
    assert not VaultSubject.objects.filter(subject_ref="resident-1").exists()
    assert Template.objects.count() == 1  # resident-2's
    response = enrolled.post("/api/v1/recognition/identify/",
                             {"purpose": "access_control", "image": upload(OBAMA_2)},
                             format="multipart")
    assert response.json()["faces"][0]["unknown"] is True
    deletion = RecognitionEvent.objects.filter(operation="delete").get()
    assert (deletion.subject_ref, deletion.purpose) == ("resident-1", "consent_withdrawn")


def test_a_withdrawn_consent_refuses_verification_before_the_purge_has_run(world, enrolled,
                                                                          upload):
    # No on-commit execution here: the purge task never runs, the gate must still refuse.
    consent_withdraw(consent=enrolled.consents["resident-1"], actor=world.acme_admin)
    response = verify(enrolled, "resident-1", OBAMA_2, upload)
    assert response.status_code == 403
    assert response.json()["code"] == "consent_withdrawn"
    identify = enrolled.post("/api/v1/recognition/identify/",
                             {"purpose": "access_control", "image": upload(OBAMA_2)},
                             format="multipart")
    assert identify.json()["faces"][0]["unknown"] is True


def test_delete_subject_shreds_it_and_a_second_delete_is_404(enrolled):
    response = enrolled.delete("/api/v1/recognition/subjects/resident-1/")
    assert response.status_code == 200
    assert response.json()["deleted"] is True
    assert not VaultSubject.objects.filter(subject_ref="resident-1").exists()
    again = enrolled.delete("/api/v1/recognition/subjects/resident-1/")
    assert (again.status_code, again.json()["code"]) == (404, "subject_not_enrolled")


def test_stored_bytes_contain_no_plaintext_vector(enrolled, read_face, gate):
    template = encode_for_enrolment(load_image(read_face(OBAMA)))
    secrets = deployment_secrets(deployment_key_ensure(deployment=gate))
    plain = vector_to_bytes(template.vector)
    transformed = vector_to_bytes(secrets.transform.apply(template.vector))
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed_vector FROM recognition_template")
        stored = [bytes(row[0]) for row in cursor.fetchall()]
    assert len(stored) == 2
    for blob in stored:
        for needle in (plain, transformed, plain[:64], transformed[:64]):
            assert needle not in blob


def test_one_face_enrolled_in_two_deployments_gives_unlinkable_stored_vectors(
        world, gate, consent, device, enroll):
    other = central_gate(world.acme, name="Block B gate")
    consent(gate, "resident-1")
    consent(other, "resident-1")
    enroll(device(gate), "resident-1", photo=OBAMA)
    enroll(device(other), "resident-1", photo=OBAMA)
    stored = []
    for deployment in (gate, other):
        secrets = deployment_secrets(deployment_key_ensure(deployment=deployment))
        subject = VaultSubject.objects.get(deployment=deployment)
        stored.append(subject_vectors(subject=subject, secrets=secrets)[0])
    assert float(np.linalg.norm(stored[0] - stored[1])) > 1.0
