"""Scoring 1,000,000 impostor pairs from cached templates, and every figure of an evaluation.

Ours: ``score_pairs`` (one BLAS matrix product over all templates) + ``evaluate_scores``
(sorted scores, binary search per threshold). Baseline: the naive way — a Python double loop
over every pair, one numpy distance each. Both run on the same 1,415 templates (1,000,405
pairs) in this run; the figures must agree.

Run: python benchmarks/evaluation_scoring.py      Target: under 5 s for 1,000,000 pairs.
"""

from __future__ import annotations

import time

import _common  # noqa: F401  (puts the repository on sys.path)
import numpy as np

from recognition.engine.evaluation import evaluate_scores, score_pairs

TEMPLATES = 1_415  # 1,415 * 1,414 / 2 = 1,000,405 pairs
IDENTITIES = 283  # five templates each
THRESHOLD = 0.6


def synthetic_templates(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Identities as random centres on the sphere dlib's encodings live near (norm ~ 0.9)
    with same-person spread, so genuine and impostor distances resemble real ones."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(IDENTITIES, 128)).astype(np.float32)
    centres *= rng.uniform(0.40, 0.55, size=(IDENTITIES, 1)) / np.linalg.norm(
        centres, axis=1, keepdims=True)
    labels = np.repeat(np.arange(IDENTITIES), TEMPLATES // IDENTITIES)
    # Each identity its own spread, so some genuine pairs fall beyond the threshold and some
    # impostors within it: the error rates are not all zero.
    spread = rng.uniform(0.015, 0.04, size=(IDENTITIES, 1)).astype(np.float32)
    noise = rng.normal(size=(len(labels), 128)).astype(np.float32) * spread[labels]
    return centres[labels] + noise, labels


def naive(templates: np.ndarray, labels: np.ndarray) -> tuple[int, int, int, int]:
    false_matches = impostors = false_non_matches = genuines = 0
    n = len(templates)
    for a in range(n):
        for b in range(a + 1, n):
            d = float(np.sqrt(np.sum((templates[a] - templates[b]) ** 2)))
            if labels[a] == labels[b]:
                genuines += 1
                false_non_matches += d > THRESHOLD
            else:
                impostors += 1
                false_matches += d <= THRESHOLD
    return false_matches, impostors, false_non_matches, genuines


def main() -> None:
    templates, labels = synthetic_templates()
    start = time.perf_counter()
    scores = score_pairs(templates, labels)
    scored = time.perf_counter() - start
    result = evaluate_scores(scores, labels, THRESHOLD, target_fmr=1e-3)
    ours = time.perf_counter() - start

    start = time.perf_counter()
    fm, imp, fnm, gen = naive(templates, labels)
    baseline = time.perf_counter() - start

    pairs = len(scores.genuine) + len(scores.impostor)
    assert (result.fmr.errors, result.fmr.trials) == (fm, imp), "FMR differs from the loop"
    assert (result.fnmr.errors, result.fnmr.trials) == (fnm, gen), "FNMR differs from the loop"
    print(f"pairs scored: {pairs:,} ({len(scores.impostor):,} impostor, "
          f"{len(scores.genuine):,} genuine); FMR {result.fmr.value:.5f}, "
          f"FNMR {result.fnmr.value:.5f}, EER {result.eer:.5f}")
    print(f"ours: scoring {scored:.3f} s, whole evaluation {ours:.3f} s "
          f"(target < 5 s for 1,000,000 pairs: {'met' if ours < 5 else 'MISSED'})")
    print(f"baseline (Python double loop): {baseline:.2f} s")
    print(f"ratio ours / baseline: {ours / baseline:.4f} ({baseline / ours:.0f}x faster)")


if __name__ == "__main__":
    main()
