"""The presentation-attack cues of liveness, each measured independently on a sequence.

A cue is a number with a threshold; :func:`recognition.engine.liveness.evaluate_measurements`
requires every cue to pass, so an attack has to defeat all of them at once. Each cue rests on
a different physical fact, and was measured on attacks made by generators that live outside
the engine (``benchmarks/pad_species.py``), with the split of people and generator parameters
of ``benchmarks/liveness_species.py``:

* ``parallax`` (3-D geometry): every landmark of a flat picture moves by one homography between
  two frames, however the picture is moved; on a head the nose stands out of the plane of brows,
  eyes and mouth corners and mispredicts that homography.
* ``surroundings`` (the face moves against its background): a print or a screen carries the
  surroundings of the face with it (the photo's own background, the sheet, the bezel), so the
  pixels beside the head follow the face's motion; a live head moves in front of a background
  that stays where it is. Needs a fixed camera. RECORDED, NOT DECISIVE: the live clip's camera
  pans to follow the performer (it scores -0.3 on whole answers), and prints cut close to the
  face show the room beside the head (they score up to +0.9), so it separates neither way on
  the data we have.
* the non-rigid actions (blink, open the mouth) of the challenge, in ``liveness.py``: a picture
  cannot change its expression.

Everything here is numpy on landmarks and on small grey copies of the frames (``SCENE_SIDE``),
so the full frames are not kept once measured.
"""

from __future__ import annotations

import itertools

import numpy as np
from PIL import Image

#: Landmarks that lie (nearly) in one plane: brows, eyes, mouth corners; and the nose, which
#: stands out of it.
PLANE = np.r_[17:27, 36:48, 48, 54]
NOSE = np.r_[27:36]

#: Long side of the grey copy of each frame kept for the surroundings cue.
SCENE_SIDE = 256
#: A frame pair informs the surroundings cue when the face moved by at least this many pixels
#: of the grey copy in the bands beside the head (less is within interpolation noise).
MIN_BAND_MOTION = 1.5
#: A pixel votes for one hypothesis only when its two errors differ by this many grey levels.
VOTE_MARGIN = 4.0


# --- 3-D parallax of the nose against the facial plane -----------------------------------


def _normaliser(points: np.ndarray) -> np.ndarray:
    """(F, 3, 3) Hartley normalisation: centroid to origin, mean distance sqrt(2)."""
    centre = points.mean(axis=1)
    spread = np.linalg.norm(points - centre[:, None, :], axis=2).mean(axis=1)
    s = np.sqrt(2.0) / np.maximum(spread, 1e-9)
    t = np.zeros((points.shape[0], 3, 3))
    t[:, 0, 0] = s
    t[:, 1, 1] = s
    t[:, 0, 2] = -s * centre[:, 0]
    t[:, 1, 2] = -s * centre[:, 1]
    t[:, 2, 2] = 1.0
    return t


def apply_homographies(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply (P, 3, 3) homographies to (P, K, 2) points."""
    ones = np.ones(points.shape[:2] + (1,))
    homog = np.concatenate([points, ones], axis=2) @ np.swapaxes(h, 1, 2)
    return homog[..., :2] / homog[..., 2:3]


def fit_homographies(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Normalised DLT, batched: (P, K, 2) -> (P, K, 2) point sets, K >= 4, gives (P, 3, 3)."""
    ts, td = _normaliser(src), _normaliser(dst)
    a = apply_homographies(ts, src)
    b = apply_homographies(td, dst)
    x, y = a[..., 0], a[..., 1]
    u, v = b[..., 0], b[..., 1]
    zero, one = np.zeros_like(x), np.ones_like(x)
    rows_u = np.stack([x, y, one, zero, zero, zero, -u * x, -u * y, -u], axis=2)
    rows_v = np.stack([zero, zero, zero, x, y, one, -v * x, -v * y, -v], axis=2)
    design = np.concatenate([rows_u, rows_v], axis=1)  # (P, 2K, 9)
    h = np.linalg.svd(design)[2][:, -1, :].reshape(-1, 3, 3)
    return np.linalg.inv(td) @ h @ ts


def parallax(landmarks: np.ndarray) -> float:
    """90th percentile over frame pairs of the nose's out-of-plane motion, over IOD.

    ``landmarks``: (F, 68, 2). For each pair (i, j) fit the homography that maps frame i's
    planar landmarks onto frame j's, predict frame j's nose points with it, and measure the
    RMS error. A photo gives landmark-noise level errors (about 0.02-0.06); a head does not.
    """
    pairs = np.array(list(itertools.combinations(range(landmarks.shape[0]), 2)))
    src, dst = landmarks[pairs[:, 0]], landmarks[pairs[:, 1]]
    h = fit_homographies(src[:, PLANE], dst[:, PLANE])
    predicted = apply_homographies(h, src[:, NOSE])
    rms = np.sqrt(((predicted - dst[:, NOSE]) ** 2).sum(axis=2).mean(axis=1))
    iod = np.linalg.norm(dst[:, 45] - dst[:, 36], axis=1)
    return float(np.percentile(rms / np.maximum(iod, 1e-9), 90))


# --- the face against its surroundings ---------------------------------------------------


def scene_copy(image: np.ndarray) -> tuple[np.ndarray, float]:
    """(grey uint8 copy with long side <= ``SCENE_SIDE``, scale from original pixels to it)."""
    height, width = image.shape[:2]
    scale = min(1.0, SCENE_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    grey = Image.fromarray(image).convert("L").resize(size, Image.BILINEAR, reducing_gap=2.0)
    return np.asarray(grey, dtype=np.uint8), scale


def _bands(points: np.ndarray, step: float) -> np.ndarray:
    """Sample points (N, 2) in the two bands beside the head, from its landmarks (68, 2).

    The bands leave a gap of 0.3 face widths beside the landmarks (ears, hair and cheeks move
    with a head) and reach 0.9 face widths out, from the brows' height minus half a face down
    to the chin: background for a person in front of a camera, the picture's own margin (or
    its edge) for a print or a screen.
    """
    left, top = points.min(axis=0)
    right, bottom = points.max(axis=0)
    w, h = right - left, bottom - top
    ys = np.arange(top - 0.5 * h, bottom, step)
    xs = np.r_[np.arange(left - 0.9 * w, left - 0.3 * w, step),
               np.arange(right + 0.3 * w, right + 0.9 * w, step)]
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def _affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares 2x3 affine map of (K, 2) ``src`` onto ``dst``."""
    design = np.c_[src, np.ones(len(src))]
    solution, *_ = np.linalg.lstsq(design, dst, rcond=None)
    return solution.T


def _sample(grey: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bilinear grey levels at (N, 2) x/y points; and which points fell inside the image."""
    height, width = grey.shape
    x, y = points[:, 0], points[:, 1]
    inside = (x >= 0) & (y >= 0) & (x <= width - 1.001) & (y <= height - 1.001)
    x, y = np.clip(x, 0, width - 1.001), np.clip(y, 0, height - 1.001)
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    g = grey.astype(np.float32)
    top = g[y0, x0] * (1 - fx) + g[y0, x0 + 1] * fx
    bottom = g[y0 + 1, x0] * (1 - fx) + g[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy, inside


def surroundings(scenes: list[np.ndarray], scales: list[float],
                 landmarks: np.ndarray) -> float | None:
    """Median over informative frame pairs of the pixel vote "stayed" minus "followed".

    For each pair (i, j) the pixels beside the head in frame i are looked up in frame j twice:
    where they were (the surroundings stood still) and where the face's own motion (an affine
    map fitted on all 68 landmarks) would have carried them (they followed the face); each pixel
    votes for the hypothesis whose grey level matches better. The pair's score is the share of
    "stayed" votes minus the share of "followed" ones: +1 a person before a background, -1 a
    picture. ``None`` when the face never moved enough for the question to be asked.
    """
    scores = []
    small = [pts * s for pts, s in zip(landmarks, scales, strict=True)]
    for i, j in itertools.combinations(range(len(scenes)), 2):
        step = max(1.0, float(np.ptp(small[i][:, 0])) / 12.0)
        band = _bands(small[i], step)
        affine = _affine(small[i], small[j])
        followed = band @ affine[:, :2].T + affine[:, 2]
        if np.abs(followed - band).sum(axis=1).mean() < MIN_BAND_MOTION:
            continue
        ratio = scales[j] / scales[i]  # frames of different sizes: the same scene position
        here, inside_i = _sample(scenes[i], band)
        still, inside_s = _sample(scenes[j], band * ratio)
        moved, inside_f = _sample(scenes[j], followed)
        keep = inside_i & inside_s & inside_f
        if keep.sum() < 8:
            continue
        # Pixel votes, not mean errors: a hand or a microphone passing beside the face spoils
        # both hypotheses for its own pixels only, and flat, textureless pixels abstain.
        err_static = np.abs(still[keep] - here[keep])
        err_follow = np.abs(moved[keep] - here[keep])
        decided = np.abs(err_static - err_follow) > VOTE_MARGIN
        if decided.sum() < 8:
            continue
        static_votes = float((err_static[decided] < err_follow[decided]).mean())
        scores.append(2.0 * static_votes - 1.0)
    return float(np.median(scores)) if scores else None
