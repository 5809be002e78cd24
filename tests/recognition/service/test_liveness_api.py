"""Liveness through the API, answering the REAL random challenge: the live clip (with a
synthetic mouth opening painted on real frames where the challenge asks for it) passes, a moved
photo fails, challenges are single-use, short-lived, rate-limited and refused on inactive
deployments, frames are checked from their headers before decoding, and a passed challenge
admits one call by the same face whose event records the cues."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from governance.models import DeploymentStatus
from recognition.engine.liveness_attacks import photo_attack_sequence
from recognition.models import LivenessChallenge, RecognitionEvent, SeenFrame, VaultSubject
from tests.factories import central_gate
from tests.recognition.service.conftest import BIDEN, OBAMA

LIVE = [f"liveness/live_head_turn/frame_{i:02d}.jpg" for i in range(30)]
LIN = "people/lin_manuel_miranda/lin_manuel_miranda_1.png"


def jpeg(frame, quality=92) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


@pytest.fixture
def strict_gate(world):
    return central_gate(world.acme, name="Bank door", requires_liveness=True)


@pytest.fixture(scope="session")
def answer_bytes(clip_answer_frames):
    """answer_bytes(actions) -> JPEG frames answering those actions from the live clip."""
    cache = {}

    def build(actions):
        key = tuple(actions)
        if key not in cache:
            cache[key] = [jpeg(f) for f in clip_answer_frames(actions)]
        return cache[key]

    return build


def challenge(client, **headers):
    response = client.post("/api/v1/recognition/liveness/", **headers)
    assert response.status_code == 201, response.json()
    return response.json()


def answer(client, challenge_id, frames):
    return client.post(f"/api/v1/recognition/liveness/{challenge_id}/", {"frames": frames},
                       format="multipart")


def perform(client, upload, answer_bytes):
    """Ask for a challenge and answer whatever it asks, as a live person would."""
    body = challenge(client)
    frames = [upload(LIVE[0], name=f"f{i}.jpg", content=data)
              for i, data in enumerate(answer_bytes(body["actions"]))]
    return body, answer(client, body["challenge_id"], frames)


def test_a_live_head_answers_the_random_challenge_and_admits_one_enrolment_by_the_same_face(
    strict_gate, consent, device, enroll, upload, answer_bytes
):
    consent(strict_gate, "client-1")
    client = device(strict_gate)
    body, result = perform(client, upload, answer_bytes)
    assert result.status_code == 200
    assert result.json()["passed"] is True, (body["actions"], result.json())
    challenge_id = body["challenge_id"]
    response = enroll(client, "client-1", photo=LIN, liveness_challenge=challenge_id)
    assert response.status_code == 201, response.json()
    event = RecognitionEvent.objects.get(id=response.json()["event_id"])
    assert event.liveness == f"passed:{challenge_id}"
    # The event records how the person was admitted: every cue, its score and its verdict.
    assert set(event.liveness_cues) == {"parallax", "surroundings", "actions"}
    assert event.liveness_cues["parallax"]["passed"] is True
    assert event.liveness_cues["parallax"]["score"] >= event.liveness_cues["parallax"][
        "threshold"]
    assert event.liveness_cues["actions"] == {"passed": True, "score": 3, "threshold": 3,
                                              "decisive": True}
    again = enroll(client, "client-1", photo=LIN, liveness_challenge=challenge_id)
    assert (again.status_code, again.json()["code"]) == (403, "liveness_challenge_used")


def test_a_recorded_answer_to_one_order_fails_a_challenge_of_another(strict_gate, device,
                                                                      upload, answer_bytes):
    # What a replayed recording of the real person faces: the random order.
    client = device(strict_gate)
    body = challenge(client)
    LivenessChallenge.objects.filter(id=body["challenge_id"]).update(
        actions=["turn_right", "open_mouth", "turn_left"])
    recorded = ["turn_left", "turn_right", "open_mouth"]
    frames = [upload(LIVE[0], name=f"f{i}.jpg", content=data)
              for i, data in enumerate(answer_bytes(recorded))]
    result = answer(client, body["challenge_id"], frames).json()
    assert (result["passed"], result["reason"]) == (False, "action_not_performed")
    assert result["cues"]["parallax"]["passed"] is True  # a real head: only the order stops it


def test_a_passed_challenge_does_not_admit_another_face(strict_gate, consent, device, enroll,
                                                        upload, answer_bytes):
    consent(strict_gate, "client-1")
    client = device(strict_gate)
    _, result = perform(client, upload, answer_bytes)
    assert result.json()["passed"] is True
    response = enroll(client, "client-1", photo=OBAMA,
                      liveness_challenge=LivenessChallenge.objects.get().id)
    assert (response.status_code, response.json()["code"]) == (403,
                                                               "liveness_identity_mismatch")
    assert not VaultSubject.objects.exists()


@pytest.fixture(scope="module")
def attack_frames(faces_dir):
    from recognition.engine import load_image

    still = load_image((faces_dir / LIVE[10]).read_bytes())
    return [jpeg(frame) for frame in photo_attack_sequence(still, seed=7, n_frames=12)]


def test_a_photo_moved_in_front_of_the_camera_fails(strict_gate, device, upload, attack_frames):
    client = device(strict_gate)
    body = challenge(client)
    frames = [upload(LIVE[0], name=f"f{i}.jpg", content=data)
              for i, data in enumerate(attack_frames)]
    result = answer(client, body["challenge_id"], frames).json()
    assert result["passed"] is False
    assert result["reason"] == "planar_motion"
    assert result["cues"]["parallax"]["passed"] is False
    stored = LivenessChallenge.objects.get()
    assert (stored.passed, stored.failure_reason) == (False, "planar_motion")
    assert stored.cues == result["cues"]


def test_enrolment_without_liveness_is_refused_where_it_is_required(strict_gate, consent, device,
                                                                    enroll):
    consent(strict_gate, "client-1")
    response = enroll(device(strict_gate), "client-1", photo=BIDEN)
    assert (response.status_code, response.json()["code"]) == (403, "liveness_required")
    assert not VaultSubject.objects.exists()


def test_a_challenge_is_answered_once_and_expires(strict_gate, device, upload):
    client = device(strict_gate)
    challenge_id = challenge(client)["challenge_id"]
    first = answer(client, challenge_id, [upload(p) for p in LIVE[:8]])
    assert first.status_code == 200
    second = answer(client, challenge_id, [upload(p) for p in LIVE[:8]])
    assert (second.status_code, second.json()["code"]) == (400, "liveness_challenge_used")
    expired = challenge(client)["challenge_id"]
    LivenessChallenge.objects.filter(id=expired).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    late = answer(client, expired, [upload(p) for p in LIVE[:8]])
    assert (late.status_code, late.json()["code"]) == (400, "liveness_challenge_expired")


def test_frames_replayed_from_an_earlier_answer_fail(strict_gate, device, upload):
    client = device(strict_gate)
    first = challenge(client)["challenge_id"]
    assert answer(client, first, [upload(p) for p in LIVE[:8]]).status_code == 200
    second = challenge(client)["challenge_id"]
    body = answer(client, second, [upload(p) for p in LIVE[:8]]).json()
    assert (body["passed"], body["reason"]) == (False, "replayed_frame")


def test_challenges_are_limited_per_device_and_each_request_is_an_event(strict_gate, device,
                                                                        settings):
    settings.FACEGOV_LIVENESS_CHALLENGES_PER_DEVICE = 2
    client = device(strict_gate)
    phone = {"HTTP_X_DEVICE_ID": "phone-1"}
    challenge(client, **phone)
    challenge(client, **phone)
    refused = client.post("/api/v1/recognition/liveness/", **phone)
    assert (refused.status_code, refused.json()["code"]) == (429, "liveness_rate_limited")
    assert LivenessChallenge.objects.filter(device_id="phone-1").count() == 2
    events = RecognitionEvent.objects.filter(deployment=strict_gate, operation="liveness")
    assert sorted(events.values_list("outcome", "refusal_code")) == [
        ("issued", ""), ("issued", ""), ("refused", "liveness_rate_limited")]
    # Another device of the same key is not held back by this one.
    challenge(client, HTTP_X_DEVICE_ID="phone-2")


def test_challenges_are_limited_per_key(strict_gate, device, settings):
    settings.FACEGOV_LIVENESS_CHALLENGES_PER_KEY = 1
    client = device(strict_gate)
    challenge(client, HTTP_X_DEVICE_ID="phone-1")
    refused = client.post("/api/v1/recognition/liveness/", HTTP_X_DEVICE_ID="phone-2")
    assert (refused.status_code, refused.json()["code"]) == (429, "liveness_rate_limited")
    assert LivenessChallenge.objects.count() == 1
    # Old challenges leave the window.
    LivenessChallenge.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    challenge(client)


@pytest.mark.parametrize("status", [DeploymentStatus.SUSPENDED, DeploymentStatus.DECOMMISSIONED])
def test_liveness_is_refused_on_an_inactive_deployment(strict_gate, device, upload, status):
    client = device(strict_gate)
    open_challenge = challenge(client)["challenge_id"]
    type(strict_gate).objects.filter(id=strict_gate.id).update(status=status)
    refused = client.post("/api/v1/recognition/liveness/")
    assert (refused.status_code, refused.json()["code"]) == (403, "deployment_not_active")
    late = answer(client, open_challenge, [upload(p) for p in LIVE[:8]])
    assert (late.status_code, late.json()["code"]) == (403, "deployment_not_active")
    assert LivenessChallenge.objects.count() == 1
    assert LivenessChallenge.objects.get().answered_at is None
    assert not SeenFrame.objects.exists()


def _png(width, height) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 90, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_oversized_frame_is_refused_from_its_header_and_nothing_is_stored(
    strict_gate, device, upload, settings
):
    client = device(strict_gate)
    challenge_id = challenge(client)["challenge_id"]
    frames = [upload(p) for p in LIVE[:8]]
    frames.append(upload(LIVE[0], name="huge.png", content=_png(2000, 1200)))
    refused = answer(client, challenge_id, frames)
    assert (refused.status_code, refused.json()["code"]) == (413, "image_too_large")
    assert LivenessChallenge.objects.get().answered_at is None
    assert not SeenFrame.objects.exists()


def test_an_answer_over_the_total_pixel_cap_is_refused_before_decoding(strict_gate, device,
                                                                       upload, settings):
    settings.FACEGOV_LIVENESS_MAX_ANSWER_PIXELS = 8 * 640 * 360 - 1
    client = device(strict_gate)
    challenge_id = challenge(client)["challenge_id"]
    refused = answer(client, challenge_id, [upload(p) for p in LIVE[:8]])
    assert (refused.status_code, refused.json()["code"]) == (413, "image_too_large")
    assert refused.json()["pixels"] == 8 * 640 * 360
    assert LivenessChallenge.objects.get().answered_at is None
    assert not SeenFrame.objects.exists()


def test_a_frame_over_the_byte_limit_is_refused_by_its_declared_size(strict_gate, device,
                                                                     upload, settings):
    settings.FACEGOV_LIVENESS_MAX_FRAME_BYTES = 1000
    client = device(strict_gate)
    challenge_id = challenge(client)["challenge_id"]
    refused = answer(client, challenge_id, [upload(p) for p in LIVE[:8]])
    assert (refused.status_code, refused.json()["code"]) == (413, "image_too_big_bytes")
    assert LivenessChallenge.objects.get().answered_at is None
