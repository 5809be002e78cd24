"""Liveness: the live head-turn clip passes what it performs; photo attacks do not; each cue
catches an attack and passes the live clip."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from recognition.engine import evaluate, frame_digest, load_image, new_challenge_actions
from recognition.engine.liveness import (
    MIN_FRAMES,
    MIN_PARALLAX,
    MIN_SURROUNDINGS,
    NON_RIGID,
    TURNS,
    actions_performed,
    evaluate_measurements,
    measure_frame,
)
from recognition.engine.liveness_attacks import photo_attack_sequence
from recognition.engine.liveness_cues import parallax, scene_copy, surroundings

#: Challenges the clip answers without mirroring (the clip turns left first).
LEFT_FIRST = [["turn_left", "turn_right", "open_mouth"], ["turn_left", "open_mouth", "turn_right"],
              ["open_mouth", "turn_left", "turn_right"]]


@pytest.fixture(scope="module")
def print_attack():
    """Measurements of a photo of a live frame moved and turned like a head (10 frames)."""
    frames = {}

    def make(live_frames, seed=0):
        if seed not in frames:
            sequence = photo_attack_sequence(live_frames[9 + 4 * seed], seed=seed, n_frames=10)
            frames[seed] = [measure_frame(f) for f in sequence]
        return frames[seed]

    return make


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
def test_photo_attack_from_a_live_frame_is_refused_as_planar_motion(live_frames, print_attack,
                                                                    seed):
    result = evaluate_measurements(print_attack(live_frames, seed), LEFT_FIRST[0])
    assert not result.passed
    assert result.reason == "planar_motion", result
    assert result.parallax < MIN_PARALLAX
    assert result.cues["parallax"] == {"passed": False, "score": result.parallax,
                                       "threshold": MIN_PARALLAX, "decisive": True}


def test_the_actions_cue_catches_a_print_that_cannot_open_its_mouth(live_frames, print_attack):
    for seed in (0, 1, 2):
        cues = evaluate_measurements(print_attack(live_frames, seed), LEFT_FIRST[0]).cues
        assert cues["actions"]["passed"] is False


def test_the_surroundings_cue_sees_a_print_carry_its_background(live_frames, print_attack):
    measured = print_attack(live_frames, 0)
    score = surroundings([m.scene for m in measured], [m.scene_scale for m in measured],
                         np.stack([m.landmarks for m in measured]))
    assert score < -0.5


def test_the_surroundings_cue_passes_the_live_clip_where_the_camera_stands_still(
    live_frames, live_measurements
):
    # Frames 12-26: the camera is fixed (before frame 13 it pans to follow the performer, which
    # is why the cue is recorded but not decisive).
    window = range(12, 27)
    scenes = [scene_copy(live_frames[i]) for i in window]
    score = surroundings([s for s, _ in scenes], [k for _, k in scenes],
                         np.stack([live_measurements[i].landmarks for i in window]))
    assert score >= MIN_SURROUNDINGS


@pytest.mark.parametrize("actions", LEFT_FIRST)
def test_live_clip_with_a_synthetic_mouth_opening_answers_every_left_first_challenge(
    clip_answer_measurements, actions
):
    result = evaluate_measurements(clip_answer_measurements(actions), actions)
    assert result.passed, result
    assert result.cues["parallax"]["passed"] and result.cues["actions"]["passed"]
    assert result.cues["actions"]["score"] == 3


def test_the_live_clip_answer_to_one_order_fails_another(clip_answer_measurements):
    # What a replayed recording faces: the random order.
    recorded = clip_answer_measurements(LEFT_FIRST[0])
    result = evaluate_measurements(recorded, ["turn_right", "turn_left", "open_mouth"])
    assert (result.passed, result.reason) == (False, "action_not_performed")


def test_photo_attack_from_a_portrait_turned_left_and_right_is_refused(read_face):
    photo = load_image(read_face("people/lin_manuel_miranda/lin_manuel_miranda_1.png"))
    frames = photo_attack_sequence(photo, seed=11, n_frames=10, turn="left_right")
    result = evaluate(frames, ["turn_left", "open_mouth"])
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


def test_actions_are_detected_in_order_from_yaw_eyes_and_mouth():
    yaw = np.array([0.0, 0.1, 0.3, 0.3, 0.1, -0.1, -0.1, -0.1])
    ear = np.array([0.30, 0.30, 0.30, 0.30, 0.30, 0.12, 0.29, 0.30])
    mouth = np.array([0.05, 0.05, 0.05, 0.06, 0.40, 0.40, 0.10, 0.05])
    assert actions_performed(yaw, ear, ["turn_left", "turn_right"], mouth) == (2, 5)
    assert actions_performed(yaw, ear, ["turn_left", "blink"], mouth) == (2, 6)
    assert actions_performed(yaw, ear, ["turn_left", "open_mouth"], mouth) == (2, 4)
    assert actions_performed(yaw, ear, ["turn_right", "turn_left"], mouth) is None
    assert actions_performed(yaw, ear, ["blink", "turn_left"], mouth) is None  # left came first
    assert actions_performed(yaw, ear, ["turn_right", "open_mouth"], mouth) is None
    assert actions_performed(yaw, np.full(8, 0.3), ["blink"], mouth) is None
    assert actions_performed(yaw, ear, ["open_mouth"], np.full(8, 0.2)) is None


def test_every_challenge_has_both_turns_and_a_non_rigid_action_in_random_order():
    orders = {tuple(new_challenge_actions(np.random.default_rng(s))) for s in range(60)}
    for order in orders:
        assert sorted(order) == sorted([*TURNS, *NON_RIGID])
    assert len(orders) == 6  # every order of the three occurs
    assert new_challenge_actions(np.random.default_rng(1)) == new_challenge_actions(
        np.random.default_rng(1))
    one_turn = new_challenge_actions(np.random.default_rng(2), turns=1)
    assert len(one_turn) == 2 and set(one_turn) & set(NON_RIGID)
    with pytest.raises(ValueError):
        new_challenge_actions(np.random.default_rng(0), turns=3)


def test_frame_digest_is_the_sha256_of_the_bytes():
    assert frame_digest(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
