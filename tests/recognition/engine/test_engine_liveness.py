"""Liveness: the live head-turn clip passes what it performs; photo attacks do not."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from recognition.engine import ACTIONS, evaluate, frame_digest, load_image, new_challenge_actions
from recognition.engine.liveness import (
    MIN_FRAMES,
    MIN_PARALLAX,
    actions_performed,
    evaluate_measurements,
    measure_frame,
    parallax,
)
from recognition.engine.liveness_attacks import photo_attack_sequence


@pytest.mark.parametrize(
    "actions", [["turn_left"], ["turn_right"], ["turn_left", "turn_right"]]
)
def test_live_head_turn_clip_passes_the_turns_it_performs(live_measurements, actions):
    result = evaluate_measurements(live_measurements, actions)
    assert result.passed, result
    assert result.code == "liveness_passed" and result.reason is None
    assert result.parallax >= MIN_PARALLAX
    assert len(result.action_frames) == len(actions)
    assert list(result.action_frames) == sorted(result.action_frames)


@pytest.mark.parametrize("actions", [["turn_right", "turn_left"], ["blink"]])
def test_live_clip_fails_actions_it_does_not_perform(live_measurements, actions):
    # The clip turns to the person's left first, then right, and never closes the eyes.
    result = evaluate_measurements(live_measurements, actions)
    assert not result.passed
    assert (result.code, result.reason) == ("liveness_failed", "action_not_performed")


def test_live_clip_passes_end_to_end_from_frames(live_frames):
    frames = live_frames[4:16]  # 12 frames: the turn to the person's left
    result = evaluate(frames, ["turn_left"])
    assert result.passed, result


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_photo_attack_from_a_live_frame_is_refused_as_planar_motion(live_frames, seed):
    frames = photo_attack_sequence(live_frames[9 + 4 * seed], seed=seed, n_frames=10)
    result = evaluate(frames, ["turn_left", "turn_right"])
    assert not result.passed
    assert result.reason == "planar_motion", result
    assert result.parallax < MIN_PARALLAX


def test_photo_attack_from_a_portrait_turned_left_and_right_is_refused(read_face):
    photo = load_image(read_face("people/lin_manuel_miranda/lin_manuel_miranda_1.png"))
    frames = photo_attack_sequence(photo, seed=11, n_frames=10, turn="left_right")
    result = evaluate(frames, ["turn_left"])
    assert not result.passed and result.reason == "planar_motion", result


def test_attack_generator_is_deterministic_for_a_seed(live_frames):
    a = photo_attack_sequence(live_frames[0], seed=5, n_frames=3)
    b = photo_attack_sequence(live_frames[0], seed=5, n_frames=3)
    c = photo_attack_sequence(live_frames[0], seed=6, n_frames=3)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])


def test_parallax_separates_a_rotating_3d_head_from_a_rotating_flat_one(live_measurements):
    # Synthetic check of the geometry: give frame 0's landmarks depth (nose out of the
    # plane) and rotate them; the same points flattened to z=0 move by a homography.
    base = live_measurements[0].landmarks
    xy = base - base.mean(axis=0)
    depth = np.zeros(68)
    depth[27:36] = -np.linspace(0.1, 0.45, 9) * np.linalg.norm(base[45] - base[36])
    depth[0:17] = 0.4 * np.linalg.norm(base[45] - base[36])

    def project(z_scale: float) -> np.ndarray:
        frames = []
        for angle in np.deg2rad(np.linspace(-20, 20, 9)):
            c, s = np.cos(angle), np.sin(angle)
            x = c * xy[:, 0] + s * depth * z_scale
            z = -s * xy[:, 0] + c * depth * z_scale + 2000.0
            frames.append(np.stack([2000.0 * x / z, 2000.0 * xy[:, 1] / z], axis=1))
        return np.stack(frames)

    assert parallax(project(1.0)) > 2 * MIN_PARALLAX
    assert parallax(project(0.0)) < 1e-6


def test_a_repeated_frame_is_refused_as_replayed(live_frames):
    frames = list(live_frames[4:14])
    again = io.BytesIO()
    Image.fromarray(frames[2]).save(again, format="JPEG", quality=90)  # re-encoded copy
    frames[7] = load_image(again.getvalue())
    result = evaluate(frames, ["turn_left"])
    assert not result.passed and result.reason == "replayed_frame", result


def test_too_few_frames_are_refused_before_any_work(live_frames):
    result = evaluate(live_frames[: MIN_FRAMES - 1], ["turn_left"])
    assert (result.passed, result.reason) == (False, "too_few_frames")


def test_a_frame_without_a_face_is_refused(live_measurements, read_face):
    frames = list(live_measurements[4:14])
    frames[5] = measure_frame(load_image(read_face("no_face/coffee.png")))
    result = evaluate_measurements(frames, ["turn_left"])
    assert (result.passed, result.reason) == (False, "no_face_in_frame")


def test_a_face_swapped_mid_sequence_is_refused_as_identity_changed(live_measurements, read_face):
    others = [
        measure_frame(load_image(read_face(p)))
        for p in ("people/obama/obama_1.jpg", "people/obama/obama_2.jpg",
                  "people/obama/obama_4_480p.jpg", "people/obama/obama_5_small.jpg")
    ]
    frames = list(live_measurements[4:10]) + others
    result = evaluate_measurements(frames, ["turn_left"])
    assert (result.passed, result.reason) == (False, "identity_changed")


def test_a_live_clip_of_someone_else_than_the_reference_is_refused(
    live_measurements, people_templates
):
    biden = people_templates["people/biden/biden_1.jpg"].vector
    result = evaluate_measurements(live_measurements, ["turn_left"], reference_vector=biden)
    assert (result.passed, result.reason) == (False, "identity_changed")
    lin = people_templates["people/lin_manuel_miranda/lin_manuel_miranda_1.png"].vector
    assert evaluate_measurements(live_measurements, ["turn_left"], reference_vector=lin).passed


def test_actions_are_detected_in_order_from_yaw_and_eye_aspect_ratio():
    yaw = np.array([0.0, 0.1, 0.3, 0.3, 0.1, -0.1, -0.1, -0.1])
    ear = np.array([0.30, 0.30, 0.30, 0.30, 0.30, 0.12, 0.29, 0.30])
    assert actions_performed(yaw, ear, ["turn_left", "turn_right"]) == (2, 5)
    assert actions_performed(yaw, ear, ["turn_left", "blink"]) == (2, 6)
    assert actions_performed(yaw, ear, ["turn_right", "turn_left"]) is None
    assert actions_performed(yaw, ear, ["blink", "turn_left"]) is None  # left came first
    eyes_open = np.full(8, 0.3)
    assert actions_performed(yaw, eyes_open, ["blink"]) is None


def test_challenge_actions_are_distinct_known_and_seeded():
    first = new_challenge_actions(np.random.default_rng(1), count=3)
    assert sorted(first) == sorted(ACTIONS)
    assert new_challenge_actions(np.random.default_rng(1), count=3) == first
    orders = {tuple(new_challenge_actions(np.random.default_rng(s))) for s in range(40)}
    assert len(orders) == 6  # all ordered pairs of 3 actions occur
    with pytest.raises(ValueError):
        new_challenge_actions(np.random.default_rng(0), count=4)


def test_frame_digest_is_the_sha256_of_the_bytes():
    assert frame_digest(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
