"""Evaluation figures on hand-made distances, where every rate can be counted by hand, and on
the real people/ photos."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from recognition.engine.evaluation import (
    PairScores,
    calibrate,
    clopper_pearson,
    equal_error_rate,
    evaluate_scores,
    fairness_discrepancy_rate,
    fmr_at,
    fnmr_at,
    score_pairs,
)


def _scores(genuine, impostor, genuine_pairs=None, impostor_pairs=None) -> PairScores:
    g = np.asarray(genuine, np.float32)
    i = np.asarray(impostor, np.float32)
    return PairScores(
        genuine=g, impostor=i,
        genuine_pairs=np.asarray(genuine_pairs if genuine_pairs is not None
                                 else np.zeros((len(g), 2)), np.int64),
        impostor_pairs=np.asarray(impostor_pairs if impostor_pairs is not None
                                  else np.zeros((len(i), 2)), np.int64),
        total_impostor_pairs=len(i), sampled=False,
    )


def test_score_pairs_matches_a_double_loop_on_random_templates():
    rng = np.random.default_rng(3)
    templates = rng.normal(size=(40, 128)).astype(np.float32)
    labels = np.repeat(np.arange(10), 4)
    scores = score_pairs(templates, labels)
    genuine, impostor = [], []
    for a, b in itertools.combinations(range(40), 2):
        d = float(np.linalg.norm(templates[a] - templates[b]))
        (genuine if labels[a] == labels[b] else impostor).append(d)
    assert len(scores.genuine) == 10 * 6 and len(scores.impostor) == 780 - 60
    np.testing.assert_allclose(np.sort(scores.genuine), np.sort(genuine), rtol=1e-4)
    np.testing.assert_allclose(np.sort(scores.impostor), np.sort(impostor), rtol=1e-4)
    assert not scores.sampled and scores.total_impostor_pairs == 720


def test_impostor_pairs_above_the_limit_are_a_seeded_stated_sample():
    templates = np.random.default_rng(0).normal(size=(60, 128)).astype(np.float32)
    labels = np.repeat(np.arange(30), 2)
    first = score_pairs(templates, labels, max_impostor_pairs=100, seed=7)
    again = score_pairs(templates, labels, max_impostor_pairs=100, seed=7)
    assert first.sampled and len(first.impostor) == 100
    assert first.total_impostor_pairs == 60 * 59 // 2 - 30
    np.testing.assert_array_equal(first.impostor_pairs, again.impostor_pairs)
    result = evaluate_scores(first, labels, 0.6)
    assert "seeded uniform sample" in result.warnings[0]


def test_rates_count_matches_at_or_below_the_threshold():
    # Binary fractions, so float32 storage does not move them across the threshold.
    impostor = np.sort(np.array([0.25, 0.5, 0.625, 0.875], np.float32))
    genuine = np.sort(np.array([0.125, 0.375, 0.625, 0.75], np.float32))
    assert (fmr_at(impostor, 0.625).errors, fmr_at(impostor, 0.625).trials) == (3, 4)
    assert fnmr_at(genuine, 0.625).errors == 1  # only 0.75 is rejected
    assert fmr_at(impostor, 0.24).value == 0.0


def test_clopper_pearson_bounds_known_values():
    low, high = clopper_pearson(0, 300)
    assert low == 0.0 and high == pytest.approx(0.01222, abs=2e-4)  # "rule of three" region
    low, high = clopper_pearson(5, 10)
    assert low == pytest.approx(0.1871, abs=1e-3) and high == pytest.approx(0.8129, abs=1e-3)
    assert clopper_pearson(0, 0) == (0.0, 1.0)


def test_equal_error_rate_where_the_curves_cross():
    genuine = np.sort(np.array([0.1, 0.2, 0.3, 0.7], np.float32))  # one genuine far away
    impostor = np.sort(np.array([0.4, 0.8, 0.9, 1.0], np.float32))  # one impostor close
    eer, threshold = equal_error_rate(genuine, impostor)
    assert eer == pytest.approx(0.25, abs=1e-6)
    assert 0.4 <= threshold <= 0.7


def test_fdr_is_one_when_groups_are_served_alike_and_drops_with_the_gaps():
    assert fairness_discrepancy_rate([0.01, 0.01], [0.05, 0.05]) == 1.0
    assert fairness_discrepancy_rate([0.0, 0.2], [0.1, 0.1]) == pytest.approx(0.9)
    assert fairness_discrepancy_rate([0.1], [0.1]) is None


def _two_groups():
    """Identities 0,1 in group A and 2,3 in group B; B's impostors sit closer together."""
    labels = [0, 0, 1, 1, 2, 2, 3, 3]
    groups = {0: {"g": "A"}, 1: {"g": "A"}, 2: {"g": "B"}, 3: {"g": "B"}}
    genuine_pairs = [(0, 1), (2, 3), (4, 5), (6, 7)]
    genuine = [0.30, 0.35, 0.40, 0.45]
    impostor_pairs = [(0, 2), (1, 3), (4, 6), (5, 7), (0, 4), (1, 5)]
    impostor = [0.90, 0.95, 0.50, 0.55, 1.0, 1.1]  # A-A, A-A, B-B, B-B, cross, cross
    return _scores(genuine, impostor, genuine_pairs, impostor_pairs), labels, groups


def test_groups_use_their_own_genuine_pairs_and_within_group_impostors():
    scores, labels, groups = _two_groups()
    result = evaluate_scores(scores, labels, 0.6, groups=groups)
    by_name = {g.name: g for g in result.groups}
    assert by_name["g=A"].genuine_pairs == 2 and by_name["g=A"].impostor_pairs == 2
    assert by_name["g=B"].fmr.errors == 2 and by_name["g=B"].fmr.value == 1.0
    assert by_name["g=A"].fmr.value == 0.0
    assert result.fmr.errors == 2 and result.fmr.trials == 6
    assert result.fdr == pytest.approx(1 - 0.5 * 1.0)
    assert result.fmr_ratio is None  # group A's FMR is 0: no finite ratio
    assert any("genuine pairs" in w for w in by_name["g=A"].warnings)


def test_calibration_is_bound_by_the_worst_group_not_the_average():
    scores, labels, groups = _two_groups()
    result = evaluate_scores(scores, labels, 0.6, groups=groups, target_fmr=0.01)
    cal = result.calibration
    # Overall alone would allow anything below 0.50 too, but group B's closest impostor is
    # 0.50, so the threshold must stay below it; rounded down to 0.499.
    assert cal.threshold == 0.499
    assert cal.fmr == 0.0 and cal.worst_group_fmr == 0.0
    assert cal.fnmr == 0.0  # every genuine pair is closer than 0.499


def test_calibration_never_exceeds_the_ceiling_and_says_when_nothing_meets_the_target():
    impostor = np.sort(np.array([0.9, 1.0], np.float32))
    genuine = np.sort(np.array([0.3], np.float32))
    assert calibrate(impostor, genuine, {}, 0.01, ceiling=0.6).threshold == 0.6
    touching = np.sort(np.array([0.0, 0.5], np.float32))
    assert calibrate(touching, genuine, {}, 0.01).threshold is None


def test_closest_impostors_name_the_look_alike_pairs():
    scores, labels, groups = _two_groups()
    result = evaluate_scores(scores, labels, 0.6, closest=2)
    assert [(a, b) for a, b, _ in result.closest_impostors] == [(4, 6), (5, 7)]


def test_det_curve_is_monotone(people_templates):
    paths = sorted(people_templates)
    templates = np.stack([people_templates[p].vector for p in paths])
    labels = [p.split("/")[1] for p in paths]
    result = evaluate_scores(score_pairs(templates, labels), labels, 0.6)
    fmr = [row[1] for row in result.det]
    fnmr = [row[2] for row in result.det]
    assert fmr == sorted(fmr) and fnmr == sorted(fnmr, reverse=True)
    # people/ is the easy set: every pair is right at 0.6 (its README), so the figures are 0.
    assert result.fmr.errors == 0 and result.fnmr.errors == 0
    assert result.eer is not None and result.eer < 0.05
    assert math.isfinite(result.eer_threshold)
