"""Synthetic non-rigid actions on real frames, and answers to a challenge built from a clip.

The only real live clip the project has (``liveness/live_head_turn``) turns the head but never
blinks or opens the mouth on request. To answer a real random challenge end to end (the demo,
the API tests, the benchmarks) we edit real frames with a local mesh warp driven by their own
landmarks: the upper eyelids slide down over the eye (a blink), or the lower lip and chin drop
and the gap between the lips is painted as a dark mouth cavity (an open mouth). The result is a
SYNTHETIC image of the real person: figures measured on it say so. Nothing here takes part in a
liveness decision.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .liveness import NON_RIGID, TURNS

#: Fraction of the lid gap the upper eyelids travel, per frame of a blink.
BLINK_PROFILE = (0.0, 0.6, 1.0, 0.5)
#: Mouth drop per frame of an "open the mouth", in nose lengths (27-33); the first frame is
#: left as it is (the closed mouth the opening is measured from).
MOUTH_PROFILE = (0.0, 0.6, 0.8, 1.0)
_CAVITY = (45, 18, 20)


def _warp(image: np.ndarray, sources: np.ndarray, shifts: np.ndarray, anchors: np.ndarray,
          sigma: float) -> np.ndarray:
    """Move the pixels at ``sources`` by ``shifts`` (N, 2) while ``anchors`` stay, smoothly.

    The displacement field is a normalised Gaussian blend of the control points' shifts (the
    anchors contribute zero); each output pixel samples the input at ``x - d(x)`` (the inverse
    of a small, smooth field), bilinearly, within the box around the control points.
    """
    points = np.r_[sources, anchors]
    moves = np.r_[shifts, np.zeros_like(anchors)]
    left, top = np.floor(points.min(axis=0) - 3 * sigma).astype(int)
    right, bottom = np.ceil(points.max(axis=0) + 3 * sigma).astype(int)
    height, width = image.shape[:2]
    left, top = max(left, 0), max(top, 0)
    right, bottom = min(right, width - 2), min(bottom, height - 2)
    gy, gx = np.mgrid[top:bottom, left:right].astype(np.float64)
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    d2 = ((grid[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)
    weights = np.exp(-d2 / (2 * sigma**2))
    field = (weights @ moves) / (weights.sum(axis=1, keepdims=True) + 1e-3)
    src = grid - field
    x, y = src[:, 0], src[:, 1]
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    img = image.astype(np.float64)
    sampled = ((img[y0, x0] * (1 - fx) + img[y0, x0 + 1] * fx) * (1 - fy)
               + (img[y0 + 1, x0] * (1 - fx) + img[y0 + 1, x0 + 1] * fx) * fy)
    out = image.copy()
    out[top:bottom, left:right] = np.clip(sampled, 0, 255).reshape(
        bottom - top, right - left, 3).astype(np.uint8)
    return out


def close_eyes(image: np.ndarray, landmarks: np.ndarray, amount: float) -> np.ndarray:
    """Both upper eyelids lowered by ``amount`` (0 open .. 1 shut) of the lid gap: the part of
    the eye they cover is painted with the eyelid skin's colour (sampled just above the eye),
    and the lid's edge is drawn as a dark lash line."""
    iod = float(np.linalg.norm(landmarks[45] - landmarks[36]))
    out = Image.fromarray(image)
    for corner_a, up_a, up_b, corner_b, low_b, low_a in ((36, 37, 38, 39, 40, 41),
                                                         (42, 43, 44, 45, 46, 47)):
        upper = landmarks[[up_a, up_b]]
        lowered = upper + amount * (landmarks[[low_a, low_b]] - upper)
        lid = [tuple(landmarks[corner_a]), *map(tuple, upper), tuple(landmarks[corner_b]),
               *map(tuple, lowered[::-1])]
        above = (upper.mean(axis=0) - [0, 0.12 * iod]).astype(int)
        patch = image[max(above[1] - 1, 0):above[1] + 2, max(above[0] - 2, 0):above[0] + 3]
        skin = tuple(int(v) for v in np.median(patch.reshape(-1, 3), axis=0))
        mask = Image.new("L", out.size, 0)
        ImageDraw.Draw(mask).polygon([(x, y - 0.6) for x, y in lid], fill=255)
        edge = [tuple(landmarks[corner_a]), *map(tuple, lowered), tuple(landmarks[corner_b])]
        ImageDraw.Draw(mask).line(edge, fill=255, width=max(1, round(0.03 * iod)))
        paint = Image.new("RGB", out.size, skin)
        ImageDraw.Draw(paint).line(edge, fill=(35, 25, 25), width=max(1, round(0.03 * iod)))
        out = Image.composite(paint, out, mask.filter(ImageFilter.GaussianBlur(0.6)))
    return np.asarray(out)


def open_mouth(image: np.ndarray, landmarks: np.ndarray, amount: float) -> np.ndarray:
    """Lower lip and chin dropped by ``amount`` nose lengths, the gap painted as a cavity."""
    nose = float(np.linalg.norm(landmarks[33] - landmarks[27]))
    down = np.array([0.0, amount * nose])
    moving = np.r_[55:60, 65:68, 6:11]
    factor = np.r_[np.ones(8), 0.6, 0.9, 1.0, 0.9, 0.6]
    anchors = landmarks[np.r_[0:4, 13:17, 17:48, 48:55, 60:65]]
    warped = _warp(image, landmarks[moving], factor[:, None] * down, anchors, sigma=0.25 * nose)
    cavity = [tuple(p) for p in landmarks[[60, 61, 62, 63, 64]]]
    cavity += [tuple(p + down) for p in landmarks[[65, 66, 67]]]
    mask = Image.new("L", (image.shape[1], image.shape[0]), 0)
    ImageDraw.Draw(mask).polygon(cavity, fill=255)
    alpha = np.asarray(mask.filter(ImageFilter.GaussianBlur(1.0)), np.float64)[..., None] / 255
    return (warped * (1 - alpha) + np.array(_CAVITY) * alpha).astype(np.uint8)


def perform(image: np.ndarray, landmarks: np.ndarray, action: str, step: int) -> np.ndarray:
    """Frame ``step`` of a synthetic ``action`` (``blink`` or ``open_mouth``) on ``image``."""
    if action == "blink":
        return close_eyes(image, landmarks, BLINK_PROFILE[step])
    if action == "open_mouth":
        return open_mouth(image, landmarks, MOUTH_PROFILE[step])
    raise ValueError(f"not a non-rigid action: {action!r}")


#: Where, in the 30-frame live clip, each slot of a challenge is answered: the clip turns to
#: the person's left over frames 4-13 and back to their right over 13-28; a non-rigid action is
#: painted on frames before the first turn, between the turns, or after the last one.
_NON_RIGID_SLOTS = ((1, 2, 3, 4), (8, 9, 10, 11), (26, 27, 28, 29))


def answer_from_clip(frames: list[np.ndarray], landmarks: list[np.ndarray],
                     actions: list[str]) -> list[np.ndarray]:
    """Frames that perform ``actions`` (a challenge of ``new_challenge_actions``), built from
    the 30 frames of the live head-turn clip and their landmarks.

    The clip performs "turn left, then right"; mirrored, it performs "right, then left" (a
    mirrored head is still a head). The non-rigid action is painted on three consecutive real
    frames after a closed-mouth one, at its place in the order (dlib's inner-lip landmarks
    follow the painted opening only on some frames, so it is held open over three). Synthetic
    frames: see the module docstring.
    """
    turns = [a for a in actions if a in TURNS]
    extra = [a for a in actions if a in NON_RIGID or a == "blink"]
    if len(extra) != 1 or len(turns) + 1 != len(actions):
        raise ValueError("expected turns and exactly one non-rigid action")
    mirrored = turns[0] == "turn_right"
    position = actions.index(extra[0])
    slot = _NON_RIGID_SLOTS[position if len(turns) == 2 else (0 if position == 0 else 2)]
    out = []
    for index, (frame, points) in enumerate(zip(frames, landmarks, strict=True)):
        if index in slot[1:]:
            frame = perform(frame, points, extra[0], slot.index(index))
        out.append(np.ascontiguousarray(frame[:, ::-1]) if mirrored else frame)
    return out
