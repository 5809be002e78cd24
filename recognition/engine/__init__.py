"""FaceGov recognition engine: pure Python over dlib/face_recognition_models, no Django.

Typical use::

    image = load_image(upload_bytes)            # EngineError subclasses on bad input
    template = encode_for_enrolment(image)      # exactly one acceptable face
    distance = compare(template.vector, probe.vector)
    is_match(distance, threshold)               # one threshold for everyone
"""

from .errors import (
    ERROR_CODES,
    EngineError,
    FacePartial,
    FaceTooBlurry,
    FaceTooSmall,
    ImageFormatUnsupported,
    ImageInvalid,
    ImageTooBigBytes,
    ImageTooLarge,
    MultipleFaces,
    NoFace,
)
from .gallery import Candidate, GalleryBuilder, GalleryIndex, Identification
from .images import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, image_size, load_image
from .liveness import (
    ACTIONS,
    FrameMeasurement,
    LivenessResult,
    evaluate,
    evaluate_measurements,
    frame_digest,
    measure_frame,
    new_challenge_actions,
)
from .matching import CALIBRATED_MAX_THRESHOLD, DEFAULT_THRESHOLD, compare, distances, is_match
from .pipeline import (
    DetectedFace,
    FaceBox,
    FaceTemplate,
    detect_faces,
    encode_all,
    encode_for_enrolment,
    encode_probe,
)
from .quality import MIN_FACE_PX, FaceQuality
from .version import ENGINE_VERSION, MODEL_VERSION

__all__ = [
    "ACTIONS", "CALIBRATED_MAX_THRESHOLD", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_PIXELS",
    "DEFAULT_THRESHOLD", "ENGINE_VERSION",
    "ERROR_CODES", "MIN_FACE_PX", "MODEL_VERSION", "Candidate", "DetectedFace", "EngineError",
    "FaceBox", "FacePartial", "FaceQuality", "FaceTemplate", "FaceTooBlurry", "FaceTooSmall",
    "FrameMeasurement", "GalleryBuilder", "GalleryIndex", "Identification",
    "ImageFormatUnsupported", "ImageInvalid", "ImageTooBigBytes", "ImageTooLarge",
    "LivenessResult", "MultipleFaces", "NoFace", "compare", "detect_faces", "distances",
    "encode_all", "encode_for_enrolment", "encode_probe", "evaluate", "evaluate_measurements",
    "frame_digest", "image_size", "is_match", "load_image", "measure_frame",
    "new_challenge_actions",
]
