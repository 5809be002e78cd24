"""The recognition pipeline: detect -> align -> encode (matching lives in ``matching.py``).

Stages, as in the source document (acquisition, normalisation/alignment, feature extraction):

1. **detect** - dlib's HOG detector on a copy downscaled to ``DETECT_MAX_SIDE``; boxes are
   scaled back to original pixels. HOG cost grows with pixel count, and a 640 px copy still
   finds every face of the shared photos (the smallest, 104 px in a 320x240 image, is not
   downscaled at all). If nothing is found, a second pass upsamples once (faces half as big).
2. **landmarks** - on the original image inside the scaled-back box: 68 points (for quality
   gates and liveness) and 5 points (alignment, as ``face_recognition``'s default).
3. **align** - ``dlib.get_face_chip``: rotate/scale the face to a 150x150 chip from the
   original resolution, so detail lost in the detection copy is not lost for the template.
4. **encode** - dlib ResNet -> 128-d vector, stored as float32.

Measured on ``people/`` (benchmarks/engine_speed_accuracy.py): same accuracy as the raw
library on all 91 pairs; the time saved is in detection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dlib
import numpy as np
from PIL import Image

from . import quality as q
from .errors import MultipleFaces, NoFace
from .models import get_models
from .version import ENGINE_VERSION, MODEL_VERSION

#: Long side of the copy the detector sees. 480 found every shared face too but with coarser
#: boxes; 640 keeps boxes close to full-resolution ones for ~13 ms more per image.
DETECT_MAX_SIDE = 640
#: Size and padding of the aligned chip; fixed by the dlib ResNet's training.
CHIP_SIZE = 150
CHIP_PADDING = 0.25

Box = tuple[int, int, int, int]  # (top, right, bottom, left), like face_recognition


@dataclass(frozen=True)
class FaceBox:
    """A detected face in original-image pixels, clipped to the image.

    ``raw`` is the detector's unclipped box (it runs past the border when the face is cut
    off); ``score`` is the HOG detector's confidence (higher = more face-like).
    """

    top: int
    right: int
    bottom: int
    left: int
    score: float
    raw: Box

    @property
    def css(self) -> Box:
        return (self.top, self.right, self.bottom, self.left)

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


def _frozen_vector(values: object) -> np.ndarray:
    vector = np.asarray(values, dtype=np.float32).reshape(128).copy()
    vector.flags.writeable = False  # templates are values: nobody edits one in place
    return vector


@dataclass(frozen=True)
class FaceTemplate:
    """One face's template: ``vector`` float32 (128,), ``box`` (top, right, bottom, left)."""

    vector: np.ndarray
    box: Box
    quality: q.FaceQuality
    detector_score: float
    engine_version: str = ENGINE_VERSION
    model_version: str = MODEL_VERSION


@dataclass(frozen=True)
class DetectedFace(FaceTemplate):
    """A face found by :func:`encode_all`: the same fields, but quality was only measured,
    not enforced (a crowd photo is searched as it is)."""


@dataclass(frozen=True)
class AnalysedFace:
    """Everything the engine knows about one face (used by liveness as well)."""

    box: FaceBox
    landmarks_68: np.ndarray  # (68, 2) float32, x/y in original pixels
    quality: q.FaceQuality
    shape_5: dlib.full_object_detection = field(repr=False)


def _check_image(image: np.ndarray) -> None:
    if not (isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.ndim == 3
            and image.shape[2] == 3):
        raise TypeError("expected an RGB uint8 array of shape (H, W, 3); use load_image()")


def detect_faces(image: np.ndarray, *, max_side: int = DETECT_MAX_SIDE) -> list[FaceBox]:
    """All faces in ``image`` (RGB uint8), largest first, boxes in original pixels."""
    _check_image(image)
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        # reducing_gap makes Pillow box-filter first: fast and alias-free.
        small = np.asarray(Image.fromarray(image).resize(size, Image.BILINEAR, reducing_gap=2.0))
    else:
        small = image
    detector = get_models().detector
    rects, scores, _ = detector.run(small, 0, 0.0)
    if len(rects) == 0:
        # Second chance for faces below the HOG window (80 px) in the detection copy.
        rects, scores, _ = detector.run(small, 1, 0.0)
    boxes = []
    for rect, score in zip(rects, scores, strict=True):
        raw = (
            round(rect.top() / scale),
            round(rect.right() / scale),
            round(rect.bottom() / scale),
            round(rect.left() / scale),
        )
        boxes.append(
            FaceBox(
                top=max(raw[0], 0),
                right=min(raw[1], width),
                bottom=min(raw[2], height),
                left=max(raw[3], 0),
                score=float(score),
                raw=raw,
            )
        )
    boxes.sort(key=lambda b: b.width * b.height, reverse=True)
    return boxes


def _rect(box: Box) -> dlib.rectangle:
    top, right, bottom, left = box
    return dlib.rectangle(left, top, right, bottom)


def analyse_face(image: np.ndarray, box: FaceBox) -> AnalysedFace:
    """Landmarks and quality measurements of one detected face."""
    models = get_models()
    rect = _rect(box.raw)
    shape_68 = models.landmarks_68(image, rect)
    points = np.array([(p.x, p.y) for p in shape_68.parts()], dtype=np.float32)
    return AnalysedFace(
        box=box,
        landmarks_68=points,
        quality=q.assess(image, box.raw, points),
        shape_5=models.landmarks_5(image, rect),
    )


def align(image: np.ndarray, face: AnalysedFace) -> np.ndarray:
    """The normalised face: a 150x150 RGB chip, eyes level, from the original resolution."""
    return np.asarray(dlib.get_face_chip(image, face.shape_5, CHIP_SIZE, CHIP_PADDING))


def encode_chip(chip: np.ndarray) -> np.ndarray:
    """128-d float32 vector of an aligned chip."""
    models = get_models()
    with models.encoder_lock:
        descriptor = models.encoder.compute_face_descriptor(chip)
    return _frozen_vector(descriptor)


def analyse(image: np.ndarray) -> list[AnalysedFace]:
    """Detect and analyse every face (no encoding), largest first."""
    return [analyse_face(image, box) for box in detect_faces(image)]


def _single_face(image: np.ndarray) -> AnalysedFace:
    faces = analyse(image)
    if not faces:
        raise NoFace()
    if len(faces) > 1:
        raise MultipleFaces(
            f"{len(faces)} faces were found; the image must show exactly one face.",
            faces=len(faces),
        )
    return faces[0]


def _template(image: np.ndarray, face: AnalysedFace) -> FaceTemplate:
    return FaceTemplate(
        vector=encode_chip(align(image, face)),
        box=face.box.css,
        quality=face.quality,
        detector_score=face.box.score,
    )


def encode_for_enrolment(image: np.ndarray) -> FaceTemplate:
    """Template of the only face in ``image``; every quality gate must pass.

    Raises ``NoFace``, ``MultipleFaces`` (bystanders are not enrolled, and we cannot tell who
    consented), ``FacePartial``, ``FaceTooSmall`` or ``FaceTooBlurry``.
    """
    face = _single_face(image)
    q.enforce(face.quality)
    return _template(image, face)


def encode_probe(image: np.ndarray) -> FaceTemplate:
    """Template of the only face in a 1:1 verification image.

    The same gates as enrolment apply: a partial, tiny or blurred probe would produce a
    confident-looking but unreliable distance, and a clear refusal ("move closer") is better
    for the person than a false non-match.
    """
    face = _single_face(image)
    q.enforce(face.quality)
    return _template(image, face)


def encode_all(image: np.ndarray) -> list[DetectedFace]:
    """Templates of every face (1:N identification), largest first; no gates, no error when
    there is no face (an empty list is the answer)."""
    out = []
    for face in analyse(image):
        vector = encode_chip(align(image, face))
        out.append(
            DetectedFace(
                vector=vector, box=face.box.css, quality=face.quality, detector_score=face.box.score
            )
        )
    return out
