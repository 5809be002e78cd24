"""Challenge-response liveness from 68-point landmarks, with no extra model weights.

The Django layer issues a challenge (``new_challenge_actions`` + nonce, expiry, single use),
the client films the person performing it, and :func:`evaluate` decides on the frames:

1. ``too_few_frames``   - at least ``MIN_FRAMES`` (and at most ``MAX_FRAMES``) frames;
2. ``replayed_frame``   - no frame repeated within the sequence (identical or near-identical
   thumbnails); :func:`frame_digest` lets the caller refuse frames seen in earlier challenges;
3. ``no_face_in_frame`` / ``multiple_faces_in_frame`` - exactly one face in every frame;
4. ``identity_changed`` - each frame within ``IDENTITY_THRESHOLD`` of the previous frame and of
   the sequence's medoid frame, and the frames' median distance to ``reference_vector`` (the
   enrolled template) within it when given. (Not every pair: turned, half-occluded 100 px faces
   of the live clip reach 0.63 between extreme frames of the same person.);
5. ``planar_motion``    - the landmark motion must be that of a 3-D head. All landmarks of a
   flat photo, however it is moved, tilted or turned, move by one homography between any two
   frames. On a real head the nose stands out of the plane of eyes, brows and mouth corners, so
   a homography fitted on those points mispredicts the nose (parallax). We measure that error
   over IOD (inter-ocular distance) for every pair of frames and take the 90th percentile;
6. ``action_not_performed`` - the requested actions happened, in the requested order.

Conventions: ``turn_left``/``turn_right`` are the person's own left/right, on frames as the
camera sees them (NOT mirrored like a selfie preview): turning to one's left moves the nose to
the image's right. Yaw is the nose tip's offset from the eye-corner midpoint along the eye axis,
over IOD (so roll, distance and image size cancel out).

Limits (see also the tests): this defeats printed or displayed *still* photos. A replayed video
of the real person on a screen shows a real 3-D head, so only the random action order and the
challenge's expiry (both enforced by the caller) stand against it.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .matching import DEFAULT_THRESHOLD
from .pipeline import align, analyse, encode_chip

ACTIONS: tuple[str, ...] = ("turn_left", "turn_right", "blink")

MIN_FRAMES = 8
MAX_FRAMES = 60
#: A turn is a change of yaw of at least this (nose offset over IOD; about 15 degrees).
#: The shared live clip turns by ~0.55 each way.
YAW_DELTA = 0.25
#: A blink: eye aspect ratio below CLOSED x the sequence's median (open-eye) EAR, then back
#: above OPEN x median. Blinks last 100-300 ms, so frames must come at >= 10 per second.
BLINK_CLOSED_RATIO = 0.6
BLINK_OPEN_RATIO = 0.85
#: Pairwise identity limit within a sequence and against the reference template.
IDENTITY_THRESHOLD = DEFAULT_THRESHOLD
#: Minimum 3-D parallax (90th percentile over frame pairs). Measured: photo attacks (58
#: sequences, faces 45-330 px) <= 0.067; windows of >= 8 frames of the live clip >= 0.088.
MIN_PARALLAX = 0.08
#: Two frames whose 32x32 grey thumbnails differ by less than this mean absolute grey level
#: are the same frame (re-encoded or resized). The live clip's closest pair differs by 3.7.
DUPLICATE_MAD = 1.0

#: Landmarks that lie (nearly) in one plane: brows, eyes, mouth corners; and the nose, which
#: stands out of it.
_PLANE = np.r_[17:27, 36:48, 48, 54]
_NOSE = np.r_[27:36]
_LEFT_EYE = np.r_[36:42]
_RIGHT_EYE = np.r_[42:48]


@dataclass(frozen=True)
class FrameMeasurement:
    """What liveness needs from one frame; ``faces`` is the number of faces found."""

    faces: int
    thumbnail: np.ndarray = field(repr=False)  # (32, 32) float32 grey
    landmarks: np.ndarray | None = field(default=None, repr=False)  # (68, 2) float64
    vector: np.ndarray | None = field(default=None, repr=False)
    yaw: float = 0.0
    ear: float = 0.0
    iod: float = 0.0


@dataclass(frozen=True)
class LivenessResult:
    passed: bool
    code: str  # "liveness_passed" or "liveness_failed"
    reason: str | None  # sub-reason when failed, e.g. "planar_motion"
    detail: str
    frames: int = 0
    yaw: tuple[float, ...] = ()
    ear: tuple[float, ...] = ()
    parallax: float | None = None
    max_identity_distance: float | None = None
    #: index of the frame at which each requested action was completed
    action_frames: tuple[int, ...] = ()


def frame_digest(data: bytes) -> str:
    """SHA-256 hex digest of a frame's bytes, for the caller's cross-challenge replay ledger."""
    return hashlib.sha256(data).hexdigest()


def new_challenge_actions(rng: np.random.Generator, *, count: int = 2) -> list[str]:
    """``count`` distinct actions in random order (the caller adds nonce/expiry/single use)."""
    if not 1 <= count <= len(ACTIONS):
        raise ValueError(f"count must be between 1 and {len(ACTIONS)}")
    return [ACTIONS[i] for i in rng.permutation(len(ACTIONS))[:count]]


def _eye_aspect_ratio(points: np.ndarray) -> float:
    """Soukupova & Cech (2016): eyelid opening over eye width, for one eye's 6 landmarks."""
    vertical = np.linalg.norm(points[1] - points[5]) + np.linalg.norm(points[2] - points[4])
    return float(vertical / (2.0 * np.linalg.norm(points[0] - points[3]) + 1e-9))


def yaw_and_ear(landmarks: np.ndarray) -> tuple[float, float, float]:
    """(yaw, mean eye aspect ratio, inter-ocular distance) from (68, 2) landmarks."""
    outer_left, outer_right = landmarks[36], landmarks[45]
    axis = outer_right - outer_left
    iod = float(np.linalg.norm(axis))
    unit = axis / (iod + 1e-9)
    yaw = float(np.dot(landmarks[30] - (outer_left + outer_right) / 2.0, unit) / (iod + 1e-9))
    ear = (_eye_aspect_ratio(landmarks[_LEFT_EYE]) + _eye_aspect_ratio(landmarks[_RIGHT_EYE])) / 2
    return yaw, ear, iod


def measure_frame(image: np.ndarray) -> FrameMeasurement:
    """Detect, landmark and encode the face of one RGB frame."""
    thumb = np.asarray(
        Image.fromarray(image).convert("L").resize((32, 32), Image.BILINEAR, reducing_gap=2.0),
        dtype=np.float32,
    )
    faces = analyse(image)
    if len(faces) != 1:
        return FrameMeasurement(faces=len(faces), thumbnail=thumb)
    face = faces[0]
    points = face.landmarks_68.astype(np.float64)
    yaw, ear, iod = yaw_and_ear(points)
    return FrameMeasurement(
        faces=1, thumbnail=thumb, landmarks=points, vector=encode_chip(align(image, face)),
        yaw=yaw, ear=ear, iod=iod,
    )


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


def _apply(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply (P, 3, 3) homographies to (P, K, 2) points."""
    ones = np.ones(points.shape[:2] + (1,))
    homog = np.concatenate([points, ones], axis=2) @ np.swapaxes(h, 1, 2)
    return homog[..., :2] / homog[..., 2:3]


def fit_homographies(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Normalised DLT, batched: (P, K, 2) -> (P, K, 2) point sets, K >= 4, gives (P, 3, 3)."""
    ts, td = _normaliser(src), _normaliser(dst)
    a = _apply(ts, src)
    b = _apply(td, dst)
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
    h = fit_homographies(src[:, _PLANE], dst[:, _PLANE])
    predicted = _apply(h, src[:, _NOSE])
    rms = np.sqrt(((predicted - dst[:, _NOSE]) ** 2).sum(axis=2).mean(axis=1))
    iod = np.linalg.norm(dst[:, 45] - dst[:, 36], axis=1)
    return float(np.percentile(rms / np.maximum(iod, 1e-9), 90))


def actions_performed(
    yaw: np.ndarray, ear: np.ndarray, actions: list[str]
) -> tuple[int, ...] | None:
    """Frame index at which each action completes, in order; ``None`` if one never does.

    Each action is looked for from the frame where the previous one completed, so the head
    at the end of ``turn_left`` is the starting point of a following ``turn_right``.
    """
    done: list[int] = []
    cursor = 0
    open_ear = float(np.median(ear))
    for action in actions:
        found = None
        if action in ("turn_left", "turn_right"):
            sign = 1.0 if action == "turn_left" else -1.0
            low = sign * yaw[cursor]
            for j in range(cursor, len(yaw)):
                low = min(low, sign * yaw[j])
                if sign * yaw[j] - low >= YAW_DELTA:
                    found = j
                    break
        elif action == "blink":
            closed = None
            for j in range(cursor, len(ear)):
                if closed is None and ear[j] < BLINK_CLOSED_RATIO * open_ear:
                    closed = j
                elif closed is not None and ear[j] >= BLINK_OPEN_RATIO * open_ear:
                    found = j
                    break
        else:
            raise ValueError(f"unknown action {action!r}; expected one of {ACTIONS}")
        if found is None:
            return None
        done.append(found)
        cursor = found
    return tuple(done)


def _fail(reason: str, detail: str, **measures: object) -> LivenessResult:
    return LivenessResult(
        passed=False, code="liveness_failed", reason=reason, detail=detail, **measures
    )


def evaluate_measurements(
    frames: list[FrameMeasurement],
    actions: list[str],
    *,
    reference_vector: np.ndarray | None = None,
) -> LivenessResult:
    """The decision of :func:`evaluate`, on already measured frames (checks in that order)."""
    if not actions or any(a not in ACTIONS for a in actions):
        raise ValueError(f"actions must be a non-empty list drawn from {ACTIONS}")
    n = len(frames)
    if n < MIN_FRAMES or n > MAX_FRAMES:
        return _fail(
            "too_few_frames" if n < MIN_FRAMES else "too_many_frames",
            f"{n} frames were sent; between {MIN_FRAMES} and {MAX_FRAMES} are needed.",
            frames=n,
        )
    thumbs = np.stack([f.thumbnail for f in frames])
    diffs = np.abs(thumbs[:, None] - thumbs[None, :]).mean(axis=(2, 3))
    diffs[np.diag_indices(n)] = np.inf
    if diffs.min() < DUPLICATE_MAD:
        i, j = np.unravel_index(int(np.argmin(diffs)), diffs.shape)
        return _fail(
            "replayed_frame", f"Frames {min(i, j)} and {max(i, j)} are the same image.", frames=n
        )
    for index, frame in enumerate(frames):
        if frame.faces != 1:
            reason = "no_face_in_frame" if frame.faces == 0 else "multiple_faces_in_frame"
            return _fail(reason, f"Frame {index} shows {frame.faces} faces; 1 is needed.", frames=n)

    vectors = np.stack([f.vector for f in frames]).astype(np.float32)
    pairwise = np.linalg.norm(vectors[:, None, :] - vectors[None, :, :], axis=2)
    # Identity: each frame against its predecessor (a swap shows as one jump) and against the
    # medoid frame (a slow drift or a half/half splice leaves half the frames far from it).
    medoid = int(np.argmin(pairwise.sum(axis=1)))
    consecutive = np.diagonal(pairwise, offset=1)
    worst = float(max(consecutive.max(), pairwise[medoid].max()))
    measures = {
        "frames": n,
        "yaw": tuple(round(f.yaw, 4) for f in frames),
        "ear": tuple(round(f.ear, 4) for f in frames),
        "max_identity_distance": round(worst, 4),
    }
    if worst > IDENTITY_THRESHOLD:
        return _fail("identity_changed", "The face changed during the sequence.", **measures)
    if reference_vector is not None:
        to_reference = np.linalg.norm(vectors - np.asarray(reference_vector, np.float32), axis=1)
        if float(np.median(to_reference)) > IDENTITY_THRESHOLD:
            return _fail(
                "identity_changed", "The face is not the enrolled person's.", **measures
            )

    measures["parallax"] = round(parallax(np.stack([f.landmarks for f in frames])), 4)
    if measures["parallax"] < MIN_PARALLAX:
        return _fail(
            "planar_motion",
            "The face moved like a flat picture, not a head (photo or screen still).",
            **measures,
        )
    done = actions_performed(
        np.array([f.yaw for f in frames]), np.array([f.ear for f in frames]), actions
    )
    if done is None:
        return _fail(
            "action_not_performed",
            f"The requested actions ({', '.join(actions)}) were not seen in that order.",
            **measures,
        )
    return LivenessResult(
        passed=True, code="liveness_passed", reason=None,
        detail="A live person performed the requested actions.", action_frames=done, **measures,
    )


def evaluate(
    frames: list[np.ndarray],
    actions: list[str],
    *,
    reference_vector: np.ndarray | None = None,
) -> LivenessResult:
    """Decide whether ``frames`` (RGB uint8, in capture order) show a live person performing
    ``actions`` in order. Costs one face encoding per frame (~0.1 s each)."""
    if len(frames) > MAX_FRAMES:  # refuse before spending time on encodings
        return evaluate_measurements([], actions) if not frames else _fail(
            "too_many_frames", f"At most {MAX_FRAMES} frames are accepted.", frames=len(frames)
        )
    if len(frames) < MIN_FRAMES:
        return _fail(
            "too_few_frames", f"{len(frames)} frames were sent; {MIN_FRAMES} are needed.",
            frames=len(frames),
        )
    return evaluate_measurements(
        [measure_frame(f) for f in frames], actions, reference_vector=reference_vector
    )
