"""A further photo for an enrolled subject must be the same person: Obama's face enrolled
onto Biden's subject would let Obama be verified as Biden."""

from recognition.models import RecognitionEvent, Template, VaultSubject
from tests.recognition.service.conftest import BIDEN, OBAMA, OBAMA_2


def verify(client, subject_ref, photo, upload):
    return client.post("/api/v1/recognition/verify/",
                       {"subject_ref": subject_ref, "purpose": "access_control",
                        "image": upload(photo)}, format="multipart")


def test_another_persons_photo_on_an_enrolled_subject_is_refused_and_nothing_is_stored(
        gate, consent, device, enroll, upload):
    consent(gate, "biden")
    client = device()
    assert enroll(client, "biden", photo=BIDEN).status_code == 201
    stored = list(Template.objects.values_list("id", "sealed_vector"))
    response = enroll(client, "biden", photo=OBAMA)
    assert response.status_code == 409
    assert response.json()["code"] == "identity_mismatch"
    assert list(Template.objects.values_list("id", "sealed_vector")) == stored
    assert VaultSubject.objects.count() == 1
    event = RecognitionEvent.objects.order_by("-id").first()
    assert (event.operation, event.outcome, event.refusal_code, event.subject_ref) == (
        "enroll", "refused", "identity_mismatch", "biden")
    # The attack's goal fails: Obama is still not Biden.
    assert verify(client, "biden", OBAMA_2, upload).json()["match"] is False


def test_a_second_photo_of_the_same_person_is_accepted(gate, consent, device, enroll, upload):
    consent(gate, "obama")
    client = device()
    enroll(client, "obama", photo=OBAMA)
    response = enroll(client, "obama", photo=OBAMA_2)
    assert response.status_code == 201
    assert response.json()["templates"] == 2
    assert Template.objects.filter(subject__subject_ref="obama").count() == 2


def test_the_new_photo_must_match_every_stored_template_at_the_deployments_threshold(
        world, consent, device, enroll):
    from tests.factories import central_gate

    # obama_1 and obama_2 are 0.37 apart: at a strict 0.25 the second is not "the same".
    strict = central_gate(world.acme, name="Vault door", threshold=0.25)
    consent(strict, "obama")
    client = device(strict)
    assert enroll(client, "obama", photo=OBAMA).status_code == 201
    response = enroll(client, "obama", photo=OBAMA_2)
    assert (response.status_code, response.json()["code"]) == (409, "identity_mismatch")
    assert Template.objects.count() == 1
