"""Comparing templates: Euclidean distance in float32, one decision threshold.

There is exactly one threshold per decision (the deployment's); nothing here accepts a group,
a demographic or a per-subject threshold, by design (DESIGN.md invariant 8).
"""

from __future__ import annotations

import numpy as np

#: dlib's published operating point for this model (99.38% on LFW); the deployment may choose
#: another single value, which the Django layer audits and publishes.
DEFAULT_THRESHOLD = 0.6
#: The largest threshold the model is calibrated for: above dlib's operating point false
#: matches climb steeply. Measured on the shared lfw10 set (97 usable photos, 4,232 pairs of
#: different people): FMR 0.35 % at 0.6, 3.1 % at 0.65, 15 % at 0.7, 65 % at 0.8, 100 % at 1.0.
#: Deployments may choose any single threshold in (0, CALIBRATED_MAX_THRESHOLD]; governance
#: learns this value through the registry that recognition's AppConfig fills.
CALIBRATED_MAX_THRESHOLD = 0.6
DIM = 128


def as_vector(vector: np.ndarray) -> np.ndarray:
    """Validate and view ``vector`` as float32 (128,), without copying when already so."""
    v = np.asarray(vector, dtype=np.float32)
    if v.shape != (DIM,):
        raise ValueError(f"a template is a ({DIM},) vector, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("a template must not contain NaN or infinity")
    return v


def distances(matrix: np.ndarray, probe: np.ndarray) -> np.ndarray:
    """Euclidean distances (N,) float32 between each row of ``matrix`` (N, 128) and ``probe``."""
    m = np.asarray(matrix, dtype=np.float32)
    if m.ndim != 2 or m.shape[1] != DIM:
        raise ValueError(f"matrix must have shape (N, {DIM}), got {m.shape}")
    diff = m - as_vector(probe)
    # einsum sums squares row by row without a second (N, 128) temporary.
    return np.sqrt(np.einsum("ij,ij->i", diff, diff))


def compare(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two templates."""
    diff = as_vector(a) - as_vector(b)
    return float(np.sqrt(np.dot(diff, diff)))


def is_match(distance: float, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """The single decision rule: match iff ``distance <= threshold``."""
    if not threshold > 0.0:
        raise ValueError("threshold must be a positive distance")
    return bool(distance <= threshold)
