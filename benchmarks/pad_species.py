"""Presentation-attack generators for the liveness species benchmark (ISO/IEC 30107-3 style).

Written apart from the engine and from its own photo-attack generator
(``recognition/engine/liveness_attacks.py``, Pillow perspective warps of a whole frame): here a
physical scene is ray-traced. A pinhole camera (640x360) looks at a static room; a printed photo
(or a phone screen) is a surface in 3-D - a plane, or a sheet bent around a vertical cylinder -
held by a hand that turns it left and right, tilts it and drifts; every camera pixel's ray is
intersected with that surface and coloured from the print, or from the room behind it.

Species (each a function returning the camera frames of one attack):

* ``flat_print``   - flat print, turned (yaw), tilted (pitch, up to large tilts that squash
  the eyes and mouth), rolled and moved;
* ``bent_print``   - the print bent around a vertical cylinder of radius ``radius`` (in print
  widths), turned by ``amplitude`` degrees each way: the nose gets real parallax;
* ``screen_still`` - the photo shown on a phone held like a print: black bezel, raised black
  level and blue colour shift, a moire pattern, and a specular glare that moves;
* ``cutout_print`` - a print whose eyes (and optionally mouth) are cut out, held in front of a
  live person (the real live clip, with a synthetic mouth opening where the challenge asks),
  following the person's head;
* ``replay``       - a recording of the real person answering a challenge (the live clip with
  a synthetic mouth opening) shown on a screen held in front of the camera.

Print photos come from ``lfw10/`` and ``people/``; the benchmark tunes on some people and
parameter values and reports on others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 640, 360
FOCAL = 700.0  # pixels: a 49-degree horizontal field of view, a webcam's


def room(seed: int) -> np.ndarray:
    """A static, textured background (a tinted wall with a darker band), RGB float."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    base = 120 + 40 * np.sin(x / 53.0 + rng.uniform(0, 6)) * np.cos(y / 71.0)
    base += rng.normal(0, 6, size=base.shape)
    tint = rng.uniform(0.8, 1.1, size=3)
    out = base[..., None] * tint
    out[int(HEIGHT * 0.75):] *= 0.6
    return np.clip(out, 0, 255)


@dataclass(frozen=True)
class Pose:
    """Where the sheet is: angles in radians, centre in camera coordinates (pixels-scale)."""

    yaw: float
    pitch: float
    roll: float
    centre: tuple[float, float, float]


def _rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    cy, sy = np.cos(yaw), np.sin(yaw)
    cp, sp = np.cos(pitch), np.sin(pitch)
    cr, sr = np.cos(roll), np.sin(roll)
    r_yaw = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    r_pitch = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    r_roll = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return r_roll @ r_pitch @ r_yaw


def render(sheet: np.ndarray, sheet_width: float, pose: Pose, background: np.ndarray, *,
           radius: float | None = None, alpha: np.ndarray | None = None,
           shading: float = 0.25) -> np.ndarray:
    """Ray-trace ``sheet`` (H, W, 3 float), ``sheet_width`` wide in world units, posed by
    ``pose`` in front of ``background``; bent around a vertical cylinder of ``radius`` (world
    units, convex towards the camera) when given. ``alpha`` (H, W) in 0..1 makes holes."""
    h, w = sheet.shape[:2]
    scale = sheet_width / w
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    rays = np.stack([(xs - WIDTH / 2) / FOCAL, (ys - HEIGHT / 2) / FOCAL, np.ones_like(xs)], -1)
    rot = _rotation(pose.yaw, pose.pitch, pose.roll)
    origin = -rot.T @ np.asarray(pose.centre)
    e = rays @ rot  # ray directions in the sheet's frame (rot.T @ d for each d)
    if radius is None:
        s = -origin[2] / e[..., 2]
        local = origin + s[..., None] * e
        u, v = local[..., 0], local[..., 1]
        normal_z = np.full(u.shape, 1.0)
        hit = s > 0
    else:
        # x^2 + (z - R)^2 = R^2, the front half (z <= R) nearest the camera
        a = e[..., 0] ** 2 + e[..., 2] ** 2
        b = 2 * (origin[0] * e[..., 0] + (origin[2] - radius) * e[..., 2])
        c = origin[0] ** 2 + (origin[2] - radius) ** 2 - radius**2
        disc = b * b - 4 * a * c
        hit = disc > 0
        s = (-b - np.sqrt(np.maximum(disc, 0))) / (2 * a)
        local = origin + s[..., None] * e
        theta = np.arctan2(local[..., 0], radius - local[..., 2])
        u, v = radius * theta, local[..., 1]
        hit &= (local[..., 2] <= radius) & (s > 0)
        normal_z = np.cos(theta + pose.yaw)
    px, py = u / scale + w / 2, v / scale + h / 2
    inside = hit & (px >= 0) & (py >= 0) & (px < w - 1) & (py < h - 1)
    px, py = np.clip(px, 0, w - 1.001), np.clip(py, 0, h - 1.001)
    x0, y0 = px.astype(int), py.astype(int)
    fx, fy = (px - x0)[..., None], (py - y0)[..., None]
    colour = ((sheet[y0, x0] * (1 - fx) + sheet[y0, x0 + 1] * fx) * (1 - fy)
              + (sheet[y0 + 1, x0] * (1 - fx) + sheet[y0 + 1, x0 + 1] * fx) * fy)
    colour *= (1 - shading) + shading * np.clip(normal_z, 0, 1)[..., None]
    weight = inside.astype(np.float64)
    if alpha is not None:
        weight *= alpha[y0, x0]
    weight = weight[..., None]
    return colour * weight + background * (1 - weight)


def as_print(photo: np.ndarray, *, margin: float, face_box: tuple[int, int, int, int],
             rng: np.random.Generator) -> np.ndarray:
    """The photo as printed: cropped to the face box plus ``margin`` face widths, lower
    contrast, warmer paper white, slight blur and paper grain."""
    top, right, bottom, left = face_box
    fw = right - left
    crop = photo[max(0, int(top - margin * fw)):int(bottom + margin * fw),
                 max(0, int(left - margin * fw)):int(right + margin * fw)].astype(np.float64)
    out = 25 + 0.82 * crop * np.array([1.0, 0.98, 0.93])
    out = np.asarray(Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(0.6)), np.float64)
    return np.clip(out + rng.normal(0, 3, out.shape), 0, 255)


def as_screen(photo: np.ndarray, *, rng: np.random.Generator,
              moire_depth: float = 0.12) -> np.ndarray:
    """The photo on a phone screen: black bezel, blue shift, raised blacks, moire."""
    h, w = photo.shape[:2]
    bezel = int(0.06 * w)
    screen = np.zeros((h + 2 * bezel, w + 2 * bezel, 3))
    shown = 30 + 0.8 * photo.astype(np.float64) * np.array([0.9, 0.97, 1.12])
    y, x = np.mgrid[0:h, 0:w]
    period = rng.uniform(3.0, 6.0)
    angle = rng.uniform(0, np.pi)
    moire = 1 + moire_depth * np.sin((x * np.cos(angle) + y * np.sin(angle)) * 2 * np.pi / period)
    screen[bezel:bezel + h, bezel:bezel + w] = shown * moire[..., None]
    return np.clip(screen, 0, 255)


def glare(frame: np.ndarray, t: float, rng: np.random.Generator,
          height: tuple[float, float] = (0.3, 0.6)) -> np.ndarray:
    """A specular highlight sweeping across the frame as the screen turns, at a height drawn
    from ``height`` (fractions of the frame)."""
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH]
    cx = WIDTH * (0.3 + 0.4 * t)
    cy = HEIGHT * rng.uniform(*height)
    blob = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * (0.08 * WIDTH) ** 2))
    return np.clip(frame + 140 * blob[..., None], 0, 255)


def hand_poses(rng: np.random.Generator, n: int, *, amplitude_deg: float, distance: float,
               order: tuple[str, ...] = ("turn_left", "turn_right"),
               tilt_deg: float = 10.0) -> list[Pose]:
    """A hand turning a sheet one way then the other, as a person turns their head, with
    tilt, roll and drift. (Which sign reads as "left" is the detector's business: the
    benchmark gives every attack the challenge order that suits it best.)"""
    amplitude = np.deg2rad(amplitude_deg)
    t = np.linspace(0, 1, n)
    first = 1.0 if order[0] == "turn_left" else -1.0
    yaw = first * amplitude * np.sin(2 * np.pi * t * 0.75 - np.pi / 2)
    pitch = np.deg2rad(tilt_deg) * np.sin(2 * np.pi * t * rng.uniform(0.5, 1.5) + rng.uniform(0, 6))
    poses = []
    for k in range(n):
        poses.append(Pose(
            yaw=float(yaw[k]), pitch=float(pitch[k]),
            roll=float(rng.normal(0, np.deg2rad(3))),
            centre=(float(rng.normal(0, 8) + 40 * np.sin(np.pi * t[k])),
                    float(rng.normal(0, 6)), float(distance + rng.normal(0, 10)))))
    return poses


def _to_uint8(frame: np.ndarray) -> np.ndarray:
    return np.clip(frame, 0, 255).astype(np.uint8)


def flat_print(photo, face_box, *, seed: int, n: int, amplitude_deg: float, margin: float,
               tilt_deg: float, order=("turn_left", "turn_right")) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    sheet = as_print(photo, margin=margin, face_box=face_box, rng=rng)
    wall = room(seed)
    width = 130.0 * (1 + 2 * margin)  # the face about 130 px at distance 700
    poses = hand_poses(rng, n, amplitude_deg=amplitude_deg, distance=FOCAL, order=order,
                       tilt_deg=tilt_deg)
    return [_to_uint8(render(sheet, width, p, wall, shading=0.1)) for p in poses]


def bent_print(photo, face_box, *, seed: int, n: int, amplitude_deg: float, margin: float,
               radius: float, order=("turn_left", "turn_right")) -> list[np.ndarray]:
    """``radius`` in print widths (0.4: tightly around a bottle; 1.5: gently curled)."""
    rng = np.random.default_rng(seed)
    sheet = as_print(photo, margin=margin, face_box=face_box, rng=rng)
    wall = room(seed)
    width = 130.0 * (1 + 2 * margin)
    poses = hand_poses(rng, n, amplitude_deg=amplitude_deg, distance=FOCAL, order=order,
                       tilt_deg=6.0)
    return [_to_uint8(render(sheet, width, p, wall, radius=radius * width, shading=0.35))
            for p in poses]


def screen_still(photo, face_box, *, seed: int, n: int, amplitude_deg: float,
                 order=("turn_left", "turn_right")) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    top, right, bottom, left = face_box
    fw = right - left
    crop = photo[max(0, int(top - 0.8 * fw)):int(bottom + 0.8 * fw),
                 max(0, int(left - 0.5 * fw)):int(right + 0.5 * fw)]
    sheet = as_screen(crop, rng=rng)
    wall = room(seed)
    width = 130.0 * sheet.shape[1] / fw
    poses = hand_poses(rng, n, amplitude_deg=amplitude_deg, distance=FOCAL, order=order,
                       tilt_deg=8.0)
    return [_to_uint8(glare(render(sheet, width, p, wall, shading=0.05), k / max(n - 1, 1), rng))
            for k, p in enumerate(poses)]


def _holes(shape: tuple[int, int], landmarks: np.ndarray, mouth: bool) -> np.ndarray:
    """Alpha of a print with its eyes (and mouth) cut out: 0 in the holes, 1 elsewhere."""
    mask = Image.new("L", (shape[1], shape[0]), 255)
    draw = ImageDraw.Draw(mask)
    iod = float(np.linalg.norm(landmarks[45] - landmarks[36]))
    for eye in (landmarks[36:42], landmarks[42:48]):
        centre = eye.mean(axis=0)
        grown = centre + 1.6 * (eye - centre) + [0, 0.02 * iod]
        draw.polygon([tuple(p) for p in grown], fill=0)
    if mouth:
        centre = landmarks[48:60].mean(axis=0)
        draw.polygon([tuple(centre + 1.3 * (p - centre)) for p in landmarks[48:60]], fill=0)
    return np.asarray(mask, np.float64) / 255.0


def cutout_print(photo, photo_landmarks, live_frames, live_landmarks, *, seed: int,
                 mouth: bool, tilt_deg: float = 4.0) -> list[np.ndarray]:
    """A print with holes held over a live face, following it (its centre, size and roll,
    and turned with the head's yaw as a sheet can be)."""
    rng = np.random.default_rng(seed)
    alpha = _holes(photo.shape[:2], photo_landmarks, mouth)
    sheet = 20 + 0.85 * photo.astype(np.float64)
    photo_iod = float(np.linalg.norm(photo_landmarks[45] - photo_landmarks[36]))
    photo_centre = photo_landmarks[36:48].mean(axis=0)
    frames = []
    for frame, points in zip(live_frames, live_landmarks, strict=True):
        live_iod = float(np.linalg.norm(points[45] - points[36]))
        eye_centre = points[36:48].mean(axis=0)
        axis = points[45] - points[36]
        roll = float(np.arctan2(axis[1], axis[0]))
        yaw_index = float(np.dot(points[30] - eye_centre, axis / live_iod) / live_iod)
        # World size so that the print's eyes are as far apart as the live ones at depth FOCAL.
        width = photo.shape[1] * live_iod / photo_iod
        shift = (np.array(photo.shape[1::-1]) / 2 - photo_centre) * live_iod / photo_iod
        centre = eye_centre + shift - [WIDTH / 2, HEIGHT / 2]
        pose = Pose(yaw=-1.2 * yaw_index + float(rng.normal(0, 0.03)),
                    pitch=float(rng.normal(0, np.deg2rad(tilt_deg))), roll=roll,
                    centre=(float(centre[0]), float(centre[1]), FOCAL))
        frames.append(_to_uint8(render(sheet, width, pose, frame.astype(np.float64),
                                       alpha=alpha, shading=0.1)))
    return frames


def replay(recording: list[np.ndarray], *, seed: int, still: bool) -> list[np.ndarray]:
    """A recording shown on a good tablet filling the camera's view (``still``: on a stand),
    as an attacker who wants the face found in every frame would show it: faint moire, the
    screen's colour shift and a glare that passes beside the face."""
    rng = np.random.default_rng(seed)
    wall = room(seed)
    width = 1.25 * WIDTH
    frames = []
    for k, shown in enumerate(recording):
        sheet = as_screen(shown, rng=np.random.default_rng(seed), moire_depth=0.03)
        jitter = 0.0 if still else 1.0
        pose = Pose(yaw=jitter * float(rng.normal(0, 0.03)),
                    pitch=jitter * float(rng.normal(0, 0.03)), roll=0.0,
                    centre=(jitter * float(rng.normal(0, 4)), jitter * float(rng.normal(0, 4)),
                            FOCAL))
        frames.append(_to_uint8(glare(render(sheet, width, pose, wall, shading=0.0),
                                      k / max(len(recording) - 1, 1), rng, (0.8, 0.9))))
    return frames
