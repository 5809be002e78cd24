"""The provenance engine (pure numpy): exact copies name their space and version, canaries
name their copy in any space, same people are no copy, random vectors name nobody."""

import numpy as np
import pytest

from recognition.engine.provenance import (
    CanarySet,
    DumpError,
    Identity,
    Space,
    analyse,
    canaries_draw,
    count_matches,
    guilt_score,
    validate_dump,
)
from recognition.vault.crypto import TemplateTransform

RNG = np.random.default_rng(7)


def _people(n: int) -> np.ndarray:
    v = RNG.standard_normal((n, 128)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True) * 1.4


def _space(raw, deployment_id, version, current=True):
    t = TemplateTransform(bytes([deployment_id, version]) * 16)
    return Space("deployment", deployment_id, None, version, t, t.apply(raw),
                 [f"s{deployment_id}-{i}" for i in range(len(raw))], current=current)


@pytest.fixture(scope="module")
def world():
    raws = {d: _people(50) for d in (1, 2, 3)}
    spaces = [_space(raws[1], 1, 1, current=False), _space(raws[1], 1, 2),
              _space(raws[2], 2, 1), _space(raws[3], 3, 1)]
    return raws, spaces


def test_one_exact_copy_names_deployment_version_and_subject(world):
    raws, spaces = world
    report = analyse(spaces[2].stored[[7]], spaces)
    assert [(s["deployment_id"], s["transform_version"], s["matched"])
            for s in report["sources"]] == [(2, 1, 1)]
    assert report["sources"][0]["score"] > 0.98
    assert report["affected_subjects"][0]["subject_refs"] == ["s2-7"]


def test_copy_taken_before_rotation_names_old_version(world):
    raws, spaces = world
    report = analyse(spaces[0].stored[:5], spaces)
    (source,) = report["sources"]
    assert (source["deployment_id"], source["transform_version"],
            source["current_version"]) == (1, 1, False)


def test_same_people_are_not_a_copy_and_random_names_nobody(world):
    raws, spaces = world
    same = raws[3][:10] + RNG.standard_normal((10, 128)).astype(np.float32) * 0.02
    report = analyse(same, spaces)
    assert report["sources"] == []
    assert report["same_people"] == [{"kind": "deployment", "deployment_id": 3,
                                      "device_id": None, "matched": 10}]
    report = analyse(_people(500), spaces)
    assert report["sources"] == [] and report["canary_hits"] == []


def test_canary_names_its_copy_even_re_encoded(world):
    raws, spaces = world
    draw = canaries_draw(raws[2], 3, np.random.default_rng(1))
    assert draw.min_distance_to_real >= 0.75
    canaries = [CanarySet("deployment", 2, None, draw.vectors, ["k1", "k2", "k3"])]
    # Re-encoded into deployment 3's space: still deployment 2's copy.
    dump = spaces[3].transform.apply(draw.vectors[:1])
    report = analyse(dump, spaces, canaries)
    (hit,) = report["canary_hits"]
    assert (hit["deployment_id"], hit["re_encoded"], hit["found_in"]) == (2, True,
                                                                        "deployment:3:v1")
    assert report["sources"][0]["deployment_id"] == 2
    # In raw space too.
    assert analyse(draw.vectors, spaces, canaries)["canary_vectors"] == 3


def test_canaries_look_like_real_templates():
    real = _people(200)
    draw = canaries_draw(real, 10, np.random.default_rng(2))
    norms = np.linalg.norm(draw.vectors, axis=1)
    assert np.allclose(norms, np.median(np.linalg.norm(real, axis=1)), atol=1e-3)
    assert draw.min_distance_to_real >= 0.75


def test_guilt_score_follows_the_paper():
    assert guilt_score([], 0.01) == 0
    assert guilt_score([1], 0.01) == pytest.approx(0.99)
    assert guilt_score([2, 2], 0.5) == pytest.approx(1 - 0.75 ** 2)
    assert guilt_score([1] * 5000, 0.01) == 1.0


def test_after_rotation_the_leak_matches_nothing(world):
    raws, spaces = world
    leaked = spaces[2].stored
    rotated = TemplateTransform(b"\x09" * 32).apply(raws[2])
    assert count_matches(leaked, spaces[2].stored, 0.6) == 50
    assert count_matches(leaked, rotated, 0.6) == 0


@pytest.mark.parametrize(("array", "code"), [
    (np.zeros((3, 127)), "bad_shape"),
    (np.array([["a"] * 128]), "bad_dtype"),
    (np.full((2, 128), np.nan), "not_finite"),
    (np.zeros((0, 128)), "empty_dump"),
    (np.zeros((11, 128)), "too_many_vectors"),
])
def test_bad_dumps_are_named(array, code):
    with pytest.raises(DumpError) as err:
        validate_dump(array, max_vectors=10)
    assert err.value.code == code


def test_raw_identity_space_is_supported():
    raw = _people(5)
    report = analyse(raw[:2], [Space("device", 1, 9, 1, Identity(), raw, list("abcde"))])
    assert report["sources"][0]["device_id"] == 9


def test_a_copy_perturbed_to_dodge_exact_matching_is_still_a_copy(world):
    raws, spaces = world
    noise = RNG.standard_normal((5, 128)).astype(np.float32)
    noise *= 0.03 / np.linalg.norm(noise, axis=1, keepdims=True)
    report = analyse(spaces[1].stored[:5] + noise, spaces)
    (source,) = report["sources"]
    assert (source["deployment_id"], source["transform_version"], source["matched"],
            source["perturbed"]) == (1, 2, 5, 5)
    assert report["perturbed_copies"] == 5
