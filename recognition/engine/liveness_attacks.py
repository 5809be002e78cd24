"""Photo-attack generator: a printed photo moved in front of a camera, deterministic by seed.

A flat photo held up to a camera and moved, tilted or "turned" is, in every frame, the same
plane seen through a different perspective transform (a homography). We reproduce that with
Pillow's ``Image.PERSPECTIVE`` warps of one still image:

* a "turn" component: the photo plane rotated about its vertical axis by a yaw angle that
  sweeps left and right (what an attacker does to fake a head turn), plus some pitch;
* hand-held jitter: small random rotation, scale and translation each frame.

Used by the tests and by ``benchmarks/liveness.py``; the liveness check must reject every
sequence this produces (they contain no three-dimensional motion at all).
"""

from __future__ import annotations

import numpy as np
from PIL import Image


def _homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """3x3 homography mapping 4 ``src`` points onto 4 ``dst`` points (exact solve)."""
    rows = []
    rhs = []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend([u, v])
    h = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return np.append(h, 1.0).reshape(3, 3)


def _plane_corners(width: int, height: int, yaw: float, pitch: float, focal: float) -> np.ndarray:
    """Image positions of the photo's corners after rotating the photo plane in 3-D
    (yaw about the vertical axis, pitch about the horizontal one) in front of a pinhole camera.
    """
    cx, cy = width / 2.0, height / 2.0
    corners = np.array(
        [[-cx, -cy, 0.0], [cx, -cy, 0.0], [cx, cy, 0.0], [-cx, cy, 0.0]], dtype=np.float64
    )
    cyaw, syaw = np.cos(yaw), np.sin(yaw)
    cp, sp = np.cos(pitch), np.sin(pitch)
    r_yaw = np.array([[cyaw, 0, syaw], [0, 1, 0], [-syaw, 0, cyaw]])
    r_pitch = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    rotated = corners @ (r_pitch @ r_yaw).T
    depth = rotated[:, 2] + focal  # photo centred at distance ``focal`` from the camera
    return np.stack(
        [cx + focal * rotated[:, 0] / depth, cy + focal * rotated[:, 1] / depth], axis=1
    )


def warp_photo(image: np.ndarray, *, yaw: float, pitch: float, roll: float, scale: float,
               shift: tuple[float, float], focal_factor: float = 1.2) -> np.ndarray:
    """One frame of the attack: ``image`` as a photo turned/tilted/moved, same frame size."""
    height, width = image.shape[:2]
    focal = focal_factor * max(width, height)
    dst = _plane_corners(width, height, yaw, pitch, focal)
    # Hand-held roll, scale and shift about the frame centre.
    centre = np.array([width / 2.0, height / 2.0])
    c, s = np.cos(roll), np.sin(roll)
    dst = (dst - centre) @ np.array([[c, -s], [s, c]]).T * scale + centre + np.asarray(shift)
    src = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
    # Pillow wants the map from OUTPUT pixels to INPUT pixels.
    h = _homography(dst, src)
    coeffs = tuple((h / h[2, 2]).reshape(9)[:8])
    warped = Image.fromarray(image).transform(
        (width, height), Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=(40, 40, 40)
    )
    return np.asarray(warped)


def photo_attack_sequence(
    image: np.ndarray,
    *,
    seed: int,
    n_frames: int = 10,
    max_yaw_deg: float = 35.0,
    turn: str | None = None,
) -> list[np.ndarray]:
    """A deterministic photo-attack sequence of ``n_frames`` frames from one still image.

    ``turn``: ``"left_right"`` sweeps the photo's yaw from one side to the other and back,
    ``"right_left"`` the mirror image, ``None`` picks one of them (or pure jitter) from the seed.
    """
    rng = np.random.default_rng(seed)
    if turn is None:
        turn = ("left_right", "right_left", "jitter")[int(rng.integers(3))]
    t = np.linspace(0.0, 1.0, n_frames)
    amplitude = np.deg2rad(max_yaw_deg) * rng.uniform(0.6, 1.0)
    if turn == "jitter":
        yaws = rng.normal(0.0, amplitude / 4, n_frames)
    else:
        sign = 1.0 if turn == "left_right" else -1.0
        # -A -> +A -> -A/2 : one full turn each way, like a person asked to turn their head.
        yaws = sign * amplitude * np.sin(2 * np.pi * t * 0.75 - np.pi / 2)
    height, width = image.shape[:2]
    frames = []
    for yaw in yaws:
        frames.append(
            warp_photo(
                image,
                yaw=float(yaw),
                pitch=float(rng.normal(0.0, np.deg2rad(6))),
                roll=float(rng.normal(0.0, np.deg2rad(3))),
                scale=float(rng.uniform(0.9, 1.1)),
                shift=(float(rng.normal(0, width * 0.02)), float(rng.normal(0, height * 0.02))),
            )
        )
    return frames
