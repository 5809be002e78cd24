"""Liveness through the API: a real head passes, a moved photo fails, challenges are single-use
and short-lived, and a passed challenge admits one call by the same face."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from recognition.engine.liveness_attacks import photo_attack_sequence
from recognition.models import LivenessChallenge, RecognitionEvent, VaultSubject
from tests.factories import active_gate
from tests.recognition.service.conftest import BIDEN, OBAMA

LIVE = [f"liveness/live_head_turn/frame_{i:02d}.jpg" for i in range(30)]
LIN = "people/lin_manuel_miranda/lin_manuel_miranda_1.png"


@pytest.fixture
def strict_gate(world):
    return active_gate(world.acme, name="Bank door", requires_liveness=True)


def challenge(client, actions=("turn_left", "turn_right")):
    response = client.post("/api/v1/recognition/liveness/")
    assert response.status_code == 201
    body = response.json()
    assert set(body["actions"]) <= {"turn_left", "turn_right", "blink"}
    # The live clip turns left then right; fix the random order so it can be answered.
    LivenessChallenge.objects.filter(id=body["challenge_id"]).update(actions=list(actions))
    return body["challenge_id"]


def answer(client, challenge_id, frames):
    return client.post(f"/api/v1/recognition/liveness/{challenge_id}/", {"frames": frames},
                       format="multipart")


@pytest.fixture(scope="module")
def attack_frames(read_face_module):
    from recognition.engine import load_image

    frames = photo_attack_sequence(load_image(read_face_module(LIVE[10])), seed=7, n_frames=12)
    encoded = []
    for frame in frames:
        buffer = io.BytesIO()
        Image.fromarray(frame).save(buffer, format="JPEG", quality=92)
        encoded.append(buffer.getvalue())
    return encoded


@pytest.fixture(scope="module")
def read_face_module(faces_dir):
    return lambda relative: (faces_dir / relative).read_bytes()


def test_a_live_head_passes_and_admits_one_enrolment_by_the_same_face(strict_gate, consent,
                                                                      device, enroll, upload):
    consent(strict_gate, "client-1")
    client = device(strict_gate)
    challenge_id = challenge(client)
    result = answer(client, challenge_id, [upload(path) for path in LIVE])
    assert result.status_code == 200
    assert result.json()["passed"] is True, result.json()
    response = enroll(client, "client-1", photo=LIN, liveness_challenge=challenge_id)
    assert response.status_code == 201, response.json()
    event = RecognitionEvent.objects.get(id=response.json()["event_id"])
    assert event.liveness == f"passed:{challenge_id}"
    again = enroll(client, "client-1", photo=LIN, liveness_challenge=challenge_id)
    assert (again.status_code, again.json()["code"]) == (403, "liveness_challenge_used")


def test_a_passed_challenge_does_not_admit_another_face(strict_gate, consent, device, enroll,
                                                        upload):
    consent(strict_gate, "client-1")
    client = device(strict_gate)
    challenge_id = challenge(client)
    assert answer(client, challenge_id, [upload(p) for p in LIVE]).json()["passed"] is True
    response = enroll(client, "client-1", photo=OBAMA, liveness_challenge=challenge_id)
    assert (response.status_code, response.json()["code"]) == (403,
                                                               "liveness_identity_mismatch")
    assert not VaultSubject.objects.exists()


def test_a_photo_moved_in_front_of_the_camera_fails(strict_gate, device, upload, attack_frames):
    client = device(strict_gate)
    challenge_id = challenge(client, actions=("turn_left",))
    frames = [upload(LIVE[0], name=f"f{i}.jpg", content=data)
              for i, data in enumerate(attack_frames)]
    body = answer(client, challenge_id, frames).json()
    assert body["passed"] is False
    assert body["reason"] in {"planar_motion", "action_not_performed"}


def test_enrolment_without_liveness_is_refused_where_it_is_required(strict_gate, consent, device,
                                                                    enroll):
    consent(strict_gate, "client-1")
    response = enroll(device(strict_gate), "client-1", photo=BIDEN)
    assert (response.status_code, response.json()["code"]) == (403, "liveness_required")
    assert not VaultSubject.objects.exists()


def test_a_challenge_is_answered_once_and_expires(strict_gate, device, upload):
    client = device(strict_gate)
    challenge_id = challenge(client)
    first = answer(client, challenge_id, [upload(p) for p in LIVE[:8]])
    assert first.status_code == 200
    second = answer(client, challenge_id, [upload(p) for p in LIVE[:8]])
    assert (second.status_code, second.json()["code"]) == (400, "liveness_challenge_used")
    expired = challenge(client)
    LivenessChallenge.objects.filter(id=expired).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    late = answer(client, expired, [upload(p) for p in LIVE[:8]])
    assert (late.status_code, late.json()["code"]) == (400, "liveness_challenge_expired")


def test_frames_replayed_from_an_earlier_answer_fail(strict_gate, device, upload):
    client = device(strict_gate)
    first = challenge(client)
    assert answer(client, first, [upload(p) for p in LIVE]).json()["passed"] is True
    second = challenge(client)
    body = answer(client, second, [upload(p) for p in LIVE]).json()
    assert (body["passed"], body["reason"]) == (False, "replayed_frame")
