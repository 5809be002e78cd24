"""Accuracy and fairness of one decision threshold, measured on a labelled set (no Django).

Given templates with identity labels (and optionally each identity's group attributes), this
scores every genuine pair (same identity) and every impostor pair (different identities, or a
seeded sample of them above a size), then reports at any threshold:

- FMR (false match rate: impostor pairs at distance <= threshold) and FNMR (false non-match
  rate: genuine pairs at distance > threshold), with 95 % Clopper-Pearson intervals;
- the DET curve over a threshold sweep, and the EER (where FMR and FNMR cross);
- per group: genuine pairs of that group's identities, impostor pairs whose two identities
  are both in the group (the "same demographic" impostors of NISTIR 8280, where false matches
  differ most); cross-group impostors count in the overall figures only;
- the fairness discrepancy rate of de Freitas Pereira & Marcel (2021):
  FDR = 1 - (alpha * A + (1 - alpha) * B), A and B the largest between-group differences of
  FMR and FNMR, alpha = 0.5 - 1.0 means every group is served alike;
- the calibrated threshold: the largest single threshold at which the WORST group's FMR meets
  a target (invariant 8: one threshold for everyone, chosen so the worst-served group is safe).

Distances are Euclidean, as in matching.py; a pair matches iff distance <= threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

#: Above this many impostor pairs a seeded uniform sample is scored (stated in the result).
DEFAULT_MAX_IMPOSTOR_PAIRS = 2_000_000
#: Confidence of the Clopper-Pearson intervals.
CONFIDENCE = 0.95
#: A group with fewer pairs than this cannot support a conclusion about its error rates.
MIN_GENUINE_PAIRS = 30
FDR_ALPHA = 0.5


@dataclass(frozen=True)
class PairScores:
    """Distances of the scored pairs, with the two template indexes of each pair."""

    genuine: np.ndarray  # (G,) float32
    genuine_pairs: np.ndarray  # (G, 2) int64
    impostor: np.ndarray  # (I,) float32
    impostor_pairs: np.ndarray  # (I, 2) int64
    total_impostor_pairs: int  # before sampling
    sampled: bool


@dataclass(frozen=True)
class Rate:
    errors: int
    trials: int
    low: float
    high: float

    @property
    def value(self) -> float | None:
        return self.errors / self.trials if self.trials else None


@dataclass(frozen=True)
class GroupResult:
    name: str  # "attribute=value", e.g. "sex=F"
    identities: int
    genuine_pairs: int
    impostor_pairs: int
    fmr: Rate
    fnmr: Rate
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Calibration:
    target_fmr: float
    threshold: float | None  # None: no positive threshold meets the target for every group
    fmr: float | None
    fnmr: float | None
    worst_group: str | None
    worst_group_fmr: float | None


@dataclass(frozen=True)
class Evaluation:
    threshold: float
    fmr: Rate
    fnmr: Rate
    eer: float | None
    eer_threshold: float | None
    groups: tuple[GroupResult, ...]
    fdr: float | None
    fmr_ratio: float | None  # max/min group FMR (None when a group's FMR is 0 or undefined)
    calibration: Calibration | None
    det: tuple[tuple[float, float, float], ...]  # (threshold, fmr, fnmr) sweep
    closest_impostors: tuple[tuple[int, int, float], ...]
    total_impostor_pairs: int
    sampled: bool
    warnings: tuple[str, ...] = field(default=())


# --- scoring ------------------------------------------------------------------------------


def pairwise_distances(templates: np.ndarray) -> np.ndarray:
    """(N, N) float32 Euclidean distances by one matrix product (BLAS), clipped at zero."""
    t = np.asarray(templates, dtype=np.float32)
    sq = np.einsum("ij,ij->i", t, t)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (t @ t.T)
    np.maximum(d2, 0.0, out=d2)
    return np.sqrt(d2, out=d2)


def score_pairs(templates: np.ndarray, labels: Sequence[int] | np.ndarray, *,
                max_impostor_pairs: int = DEFAULT_MAX_IMPOSTOR_PAIRS,
                seed: int = 0) -> PairScores:
    """Score every genuine pair and every impostor pair, or a seeded sample of
    ``max_impostor_pairs`` impostor pairs when there are more."""
    t = np.asarray(templates, dtype=np.float32)
    y = np.asarray(labels)
    n = len(t)
    if t.ndim != 2 or len(y) != n:
        raise ValueError("templates must be (N, D) with one label per template")
    if n < 2:
        raise ValueError("an evaluation needs at least two templates")
    i, j = np.triu_indices(n, k=1)
    same = y[i] == y[j]
    gi, gj = i[same], j[same]
    ii, ij = i[~same], j[~same]
    total_impostors = len(ii)
    sampled = total_impostors > max_impostor_pairs
    if sampled:
        pick = np.sort(np.random.default_rng(seed).choice(total_impostors, max_impostor_pairs,
                                                          replace=False))
        ii, ij = ii[pick], ij[pick]
    if n <= 8_000:  # the full matrix fits comfortably (256 MB at 8,000)
        d = pairwise_distances(t)
        genuine, impostor = d[gi, gj], d[ii, ij]
    else:
        genuine, impostor = _rowwise(t, gi, gj), _rowwise(t, ii, ij)
    return PairScores(
        genuine=genuine.astype(np.float32), genuine_pairs=np.stack([gi, gj], axis=1),
        impostor=impostor.astype(np.float32), impostor_pairs=np.stack([ii, ij], axis=1),
        total_impostor_pairs=total_impostors, sampled=sampled,
    )


def _rowwise(t: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 1_000_000) -> np.ndarray:
    out = np.empty(len(a), dtype=np.float32)
    for start in range(0, len(a), chunk):
        diff = t[a[start:start + chunk]] - t[b[start:start + chunk]]
        out[start:start + chunk] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    return out


# --- rates --------------------------------------------------------------------------------


def clopper_pearson(errors: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float,
                                                                                         float]:
    """Exact binomial interval for errors/trials (1.0-wide when there are no trials)."""
    if trials == 0:
        return 0.0, 1.0
    # The beta quantile, from scipy.special (scipy.stats costs seconds to import).
    from scipy.special import betaincinv

    tail = (1.0 - confidence) / 2.0
    low = 0.0 if errors == 0 else float(betaincinv(errors, trials - errors + 1, tail))
    high = 1.0 if errors == trials else float(betaincinv(errors + 1, trials - errors, 1 - tail))
    return low, high


def _rate(errors: int, trials: int) -> Rate:
    low, high = clopper_pearson(errors, trials)
    return Rate(errors=int(errors), trials=int(trials), low=low, high=high)


def fmr_at(impostor_sorted: np.ndarray, threshold: float) -> Rate:
    return _rate(int(np.searchsorted(impostor_sorted, threshold, side="right")),
                 len(impostor_sorted))


def fnmr_at(genuine_sorted: np.ndarray, threshold: float) -> Rate:
    accepted = int(np.searchsorted(genuine_sorted, threshold, side="right"))
    return _rate(len(genuine_sorted) - accepted, len(genuine_sorted))


def det_curve(genuine_sorted: np.ndarray, impostor_sorted: np.ndarray,
              thresholds: np.ndarray) -> np.ndarray:
    """(T, 3) rows of (threshold, FMR, FNMR)."""
    fmr = np.searchsorted(impostor_sorted, thresholds, side="right") / max(len(impostor_sorted), 1)
    fnmr = 1.0 - np.searchsorted(genuine_sorted, thresholds, side="right") / max(
        len(genuine_sorted), 1)
    return np.stack([thresholds, fmr, fnmr], axis=1)


def equal_error_rate(genuine_sorted: np.ndarray,
                     impostor_sorted: np.ndarray) -> tuple[float | None, float | None]:
    """The EER and its threshold: over every observed score, where FMR - FNMR changes sign,
    interpolated linearly between the two thresholds that bracket the crossing."""
    if not len(genuine_sorted) or not len(impostor_sorted):
        return None, None
    candidates = np.unique(np.concatenate([genuine_sorted, impostor_sorted]))
    curve = det_curve(genuine_sorted, impostor_sorted, candidates)
    gap = curve[:, 1] - curve[:, 2]  # rises from -FNMR(0) to +FMR(max)
    k = int(np.searchsorted(gap, 0.0, side="left"))
    if k == 0:
        return float(curve[0, 2]), float(curve[0, 0])
    if k >= len(curve):
        return float(curve[-1, 1]), float(curve[-1, 0])
    (t0, fmr0, fnmr0), (t1, fmr1, fnmr1) = curve[k - 1], curve[k]
    g0, g1 = fmr0 - fnmr0, fmr1 - fnmr1
    w = 0.0 if g1 == g0 else -g0 / (g1 - g0)
    eer = (fmr0 + w * (fmr1 - fmr0) + fnmr0 + w * (fnmr1 - fnmr0)) / 2.0
    return float(eer), float(t0 + w * (t1 - t0))


# --- groups and fairness ------------------------------------------------------------------


def _group_masks(scores: PairScores, labels: np.ndarray,
                 groups: Mapping[object, Mapping[str, str]]) -> dict[str, tuple]:
    """For each "attribute=value": (identities, genuine mask, impostor mask)."""
    names: dict[str, set] = {}
    for identity, attributes in groups.items():
        for attribute, value in attributes.items():
            if value not in (None, ""):
                names.setdefault(f"{attribute}={value}", set()).add(identity)
    out = {}
    for name in sorted(names):
        members = names[name]
        in_group = np.array([label in members for label in labels])
        gp, ip = scores.genuine_pairs, scores.impostor_pairs
        out[name] = (
            len(members),
            in_group[gp[:, 0]] if len(gp) else np.zeros(0, bool),
            (in_group[ip[:, 0]] & in_group[ip[:, 1]]) if len(ip) else np.zeros(0, bool),
        )
    return out


def _group_warnings(genuine: int, impostor: int, target_fmr: float | None) -> tuple[str, ...]:
    warnings = []
    if genuine < MIN_GENUINE_PAIRS:
        warnings.append(f"only {genuine} genuine pairs: FNMR cannot be concluded")
    # Rule of three: with n trials and no error, FMR < 3/n at 95 %; fewer than 3/target
    # impostor pairs cannot show that the target is met.
    if target_fmr and impostor < math.ceil(3.0 / target_fmr):
        warnings.append(f"only {impostor} impostor pairs: too few to show FMR <= {target_fmr:g}")
    return tuple(warnings)


def fairness_discrepancy_rate(group_fmrs: Sequence[float], group_fnmrs: Sequence[float],
                              alpha: float = FDR_ALPHA) -> float | None:
    if len(group_fmrs) < 2 or len(group_fnmrs) < 2:
        return None
    a = max(group_fmrs) - min(group_fmrs)
    b = max(group_fnmrs) - min(group_fnmrs)
    return float(1.0 - (alpha * a + (1.0 - alpha) * b))


# --- calibration --------------------------------------------------------------------------


def _largest_threshold_meeting(impostor_sorted: np.ndarray, target_fmr: float) -> float:
    """The largest threshold t with FMR(t) <= target on these impostor scores."""
    allowed = math.floor(target_fmr * len(impostor_sorted) + 1e-9)
    if allowed >= len(impostor_sorted):
        return math.inf
    # Matching is distance <= t, so t must stay strictly below the (allowed+1)-th score.
    return float(np.nextafter(np.float32(impostor_sorted[allowed]), np.float32(0)))


def calibrate(impostor_sorted: np.ndarray, genuine_sorted: np.ndarray,
              group_impostors: Mapping[str, np.ndarray], target_fmr: float, *,
              ceiling: float | None = None, decimals: int = 3) -> Calibration:
    """The single threshold at which the overall FMR and every group's FMR meet the target,
    rounded DOWN to ``decimals`` (so rounding never loosens it) and capped at ``ceiling``."""
    limits = {"all": _largest_threshold_meeting(impostor_sorted, target_fmr)}
    for name, scores in group_impostors.items():
        if len(scores):
            limits[name] = _largest_threshold_meeting(scores, target_fmr)
    binding = min(limits, key=limits.get)
    t = limits[binding]
    if ceiling is not None:
        t = min(t, ceiling)
    if math.isinf(t):
        t = float(genuine_sorted[-1]) if len(genuine_sorted) else None
    if t is not None:
        t = math.floor(t * 10**decimals) / 10**decimals
    if not t or t <= 0:
        return Calibration(target_fmr, None, None, None, binding, None)
    worst_name, worst = None, -1.0
    for name, scores in group_impostors.items():
        if len(scores):
            value = fmr_at(scores, t).value
            if value > worst:
                worst_name, worst = name, value
    return Calibration(
        target_fmr=target_fmr, threshold=t,
        fmr=fmr_at(impostor_sorted, t).value, fnmr=fnmr_at(genuine_sorted, t).value,
        worst_group=worst_name, worst_group_fmr=worst if worst_name else None,
    )


# --- the whole evaluation -----------------------------------------------------------------


def evaluate_scores(scores: PairScores, labels: Sequence[object], threshold: float, *,
                    groups: Mapping[object, Mapping[str, str]] | None = None,
                    target_fmr: float | None = None, ceiling: float | None = None,
                    sweep: np.ndarray | None = None, closest: int = 10) -> Evaluation:
    """Every figure of an evaluation from already-scored pairs. ``labels`` are the identity
    of each template (the keys of ``groups``)."""
    labels = np.asarray(labels, dtype=object)
    genuine = np.sort(scores.genuine)
    impostor = np.sort(scores.impostor)
    eer, eer_t = equal_error_rate(genuine, impostor)
    if sweep is None:
        sweep = np.round(np.arange(0.20, 1.2001, 0.005), 3)
    group_results, group_impostors = [], {}
    for name, (identities, gmask, imask) in _group_masks(scores, labels, groups or {}).items():
        g = np.sort(scores.genuine[gmask])
        im = np.sort(scores.impostor[imask])
        group_impostors[name] = im
        group_results.append(GroupResult(
            name=name, identities=identities, genuine_pairs=len(g), impostor_pairs=len(im),
            fmr=fmr_at(im, threshold), fnmr=fnmr_at(g, threshold),
            warnings=_group_warnings(len(g), len(im), target_fmr),
        ))
    measurable = [r for r in group_results if r.fmr.trials and r.fnmr.trials]
    fdr = fairness_discrepancy_rate([r.fmr.value for r in measurable],
                                    [r.fnmr.value for r in measurable])
    fmrs = [r.fmr.value for r in measurable]
    ratio = (max(fmrs) / min(fmrs)) if len(fmrs) >= 2 and min(fmrs) > 0 else None
    order = np.argsort(scores.impostor)[:closest]
    warnings = []
    if scores.sampled:
        warnings.append(f"{len(impostor):,} of {scores.total_impostor_pairs:,} impostor pairs "
                        "scored (seeded uniform sample)")
    return Evaluation(
        threshold=threshold, fmr=fmr_at(impostor, threshold), fnmr=fnmr_at(genuine, threshold),
        eer=eer, eer_threshold=eer_t, groups=tuple(group_results), fdr=fdr, fmr_ratio=ratio,
        calibration=(calibrate(impostor, genuine, group_impostors, target_fmr, ceiling=ceiling)
                     if target_fmr else None),
        det=tuple(map(tuple, det_curve(genuine, impostor, sweep).tolist())),
        closest_impostors=tuple((int(scores.impostor_pairs[k, 0]),
                                 int(scores.impostor_pairs[k, 1]),
                                 float(scores.impostor[k])) for k in order),
        total_impostor_pairs=scores.total_impostor_pairs, sampled=scores.sampled,
        warnings=tuple(warnings),
    )
