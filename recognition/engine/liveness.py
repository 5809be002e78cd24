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
5. the decisive cues (``liveness_cues.py``), each of which must pass; the first that fails
   names the refusal: ``planar_motion`` (no 3-D parallax of the nose against the facial
   plane), ``action_not_performed`` (the requested actions - both turns and one non-rigid
   action, opening the mouth, which a picture cannot do - were not seen in that order).

Every cue is computed even when an earlier one fails, and returned with its score, threshold
and whether it is decisive in :attr:`LivenessResult.cues`, so the record shows how a person was
admitted. ``surroundings`` (does the background stay while the face moves?) is measured and
recorded but not decisive: the only real live clip was filmed by a camera that pans to follow
the performer, so the cue could not be validated on bona fide data (it votes "followed" on
the panned half of the clip).

Conventions: ``turn_left``/``turn_right`` are the person's own left/right, on frames as the
camera sees them (NOT mirrored like a selfie preview): turning to one's left moves the nose to
the image's right. Yaw is the nose tip's offset from the eye-corner midpoint along the eye axis,
over IOD (so roll, distance and image size cancel out).

Limits (measured in ``benchmarks/liveness_species.py``): a replayed video of the real person
on a screen shows a real 3-D head and can blink, so only the random action order, the
challenge's expiry and single use, and the frame-digest ledger (all enforced by the caller)
stand against it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .liveness_cues import parallax, scene_copy, surroundings
from .matching import DEFAULT_THRESHOLD
from .pipeline import align, analyse, encode_chip

TURNS: tuple[str, ...] = ("turn_left", "turn_right")
#: Non-rigid actions a challenge may ask for: a picture cannot perform them. Only opening the
#: mouth is issued: dlib's 68 landmarks do not follow eyelids on faces of 50-100 px IOD (on
#: synthetically closed eyes the eye aspect ratio falls only to 0.7-0.9 of open, inside the
#: live clip's own variation), so a blink cannot be told reliably. ``blink`` is still judged
#: when asked, for callers that request it explicitly.
NON_RIGID: tuple[str, ...] = ("open_mouth",)
ACTIONS: tuple[str, ...] = TURNS + NON_RIGID + ("blink",)

MIN_FRAMES = 8
MAX_FRAMES = 60
#: A turn is a change of yaw of at least this (nose offset over IOD; about 15 degrees).
#: The shared live clip turns by ~0.47 to its left and ~0.38 back.
YAW_DELTA = 0.25
#: A blink: eye aspect ratio below CLOSED x the sequence's median (open-eye) EAR, then back
#: above OPEN x median. Blinks last 100-300 ms, so frames must come at >= 10 per second.
BLINK_CLOSED_RATIO = 0.6
BLINK_OPEN_RATIO = 0.85
#: Opening the mouth: the inner-lip gap over the nose length (both vertical, so tilting a
#: picture cannot fake it) rises by at least this above its lowest value so far. A talking
#: person passes it without being asked, which is no harm: it is real non-rigid motion.
MOUTH_OPEN_DELTA = 0.12
#: Pairwise identity limit within a sequence and against the reference template.
IDENTITY_THRESHOLD = DEFAULT_THRESHOLD
#: Minimum 3-D parallax (90th percentile over frame pairs). Measured: photo attacks (58
#: sequences, faces 45-330 px) <= 0.067; windows of >= 8 frames of the live clip >= 0.088.
MIN_PARALLAX = 0.08
#: Surroundings score above which the background stayed (recorded, not decisive: see above).
MIN_SURROUNDINGS = 0.1
#: Two frames whose 32x32 grey thumbnails differ by less than this mean absolute grey level
#: are the same frame (re-encoded or resized). The live clip's closest pair differs by 3.7.
DUPLICATE_MAD = 1.0

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
    mouth: float = 0.0
    #: Small grey copy of the whole frame and its scale (for the surroundings cue).
    scene: np.ndarray | None = field(default=None, repr=False)
    scene_scale: float = 1.0


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
    #: every cue measured: {name: {"passed": bool, "score": float | None, "threshold": float}}
    cues: dict[str, dict[str, object]] = field(default_factory=dict)


def frame_digest(data: bytes) -> str:
    """SHA-256 hex digest of a frame's bytes, for the caller's cross-challenge replay ledger."""
    return hashlib.sha256(data).hexdigest()


def new_challenge_actions(rng: np.random.Generator, *, turns: int = 2) -> list[str]:
    """``turns`` distinct turns and one non-rigid action, all in random order."""
    if not 1 <= turns <= len(TURNS):
        raise ValueError(f"turns must be between 1 and {len(TURNS)}")
    chosen = [TURNS[i] for i in rng.permutation(len(TURNS))[:turns]]
    chosen.append(NON_RIGID[int(rng.integers(len(NON_RIGID)))])
    return [chosen[i] for i in rng.permutation(len(chosen))]


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


def mouth_opening(landmarks: np.ndarray) -> float:
    """Mean inner-lip gap (61-67, 62-66, 63-65) over the nose length (27-33)."""
    gap = np.linalg.norm(landmarks[[61, 62, 63]] - landmarks[[67, 66, 65]], axis=1).mean()
    return float(gap / (np.linalg.norm(landmarks[33] - landmarks[27]) + 1e-9))


def measure_frame(image: np.ndarray) -> FrameMeasurement:
    """Detect, landmark and encode the face of one RGB frame; keep no full-size pixels."""
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
    scene, scale = scene_copy(image)
    return FrameMeasurement(
        faces=1, thumbnail=thumb, landmarks=points, vector=encode_chip(align(image, face)),
        yaw=yaw, ear=ear, iod=iod, mouth=mouth_opening(points), scene=scene, scene_scale=scale,
    )


def _turn(yaw: np.ndarray, cursor: int, sign: float) -> int | None:
    low = sign * yaw[cursor]
    for j in range(cursor, len(yaw)):
        low = min(low, sign * yaw[j])
        if sign * yaw[j] - low >= YAW_DELTA:
            return j
    return None


def _blink(ear: np.ndarray, cursor: int) -> int | None:
    open_ear = float(np.median(ear))
    closed = None
    for j in range(cursor, len(ear)):
        if closed is None and ear[j] < BLINK_CLOSED_RATIO * open_ear:
            closed = j
        elif closed is not None and ear[j] >= BLINK_OPEN_RATIO * open_ear:
            return j
    return None


def _open_mouth(mouth: np.ndarray, cursor: int) -> int | None:
    low = mouth[cursor]
    for j in range(cursor, len(mouth)):
        low = min(low, mouth[j])
        if mouth[j] - low >= MOUTH_OPEN_DELTA:
            return j
    return None


def actions_performed(
    yaw: np.ndarray, ear: np.ndarray, actions: list[str], mouth: np.ndarray | None = None
) -> tuple[int, ...] | None:
    """Frame index at which each action completes, in order; ``None`` if one never does.

    Each action is looked for from the frame where the previous one completed, so the head
    at the end of ``turn_left`` is the starting point of a following ``turn_right``.
    """
    mouth = np.zeros_like(yaw) if mouth is None else mouth
    done: list[int] = []
    cursor = 0
    for action in actions:
        if action in TURNS:
            found = _turn(yaw, cursor, 1.0 if action == "turn_left" else -1.0)
        elif action == "blink":
            found = _blink(ear, cursor)
        elif action == "open_mouth":
            found = _open_mouth(mouth, cursor)
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


def _cue(score: float | None, threshold: float, *, decisive: bool = True) -> dict[str, object]:
    passed = score is not None and score >= threshold
    return {"passed": bool(passed), "score": None if score is None else round(float(score), 4),
            "threshold": threshold, "decisive": decisive}


def measure_cues(frames: list[FrameMeasurement],
                 actions: list[str]) -> tuple[dict[str, dict[str, object]], tuple[int, ...]]:
    """Every cue on frames that each show one face; and where each action completed."""
    landmarks = np.stack([f.landmarks for f in frames])
    done = actions_performed(np.array([f.yaw for f in frames]), np.array([f.ear for f in frames]),
                             actions, np.array([f.mouth for f in frames]))
    cues = {
        "parallax": _cue(parallax(landmarks), MIN_PARALLAX),
        "surroundings": _cue(surroundings([f.scene for f in frames],
                                          [f.scene_scale for f in frames], landmarks),
                             MIN_SURROUNDINGS, decisive=False),
        "actions": {"passed": done is not None, "score": 0 if done is None else len(done),
                    "threshold": len(actions), "decisive": True},
    }
    return cues, done or ()


_CUE_REFUSALS = {
    "parallax": ("planar_motion",
                 "The face moved like a flat picture, not a head (photo or screen still)."),
}


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
    measures: dict[str, object] = {
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

    cues, done = measure_cues(frames, actions)
    measures["cues"] = cues
    measures["parallax"] = cues["parallax"]["score"]
    for name, (reason, detail) in _CUE_REFUSALS.items():
        if not cues[name]["passed"]:
            return _fail(reason, detail, **measures)
    if not cues["actions"]["passed"]:
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
        return _fail(
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
