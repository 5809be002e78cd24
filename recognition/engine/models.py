"""The dlib models, loaded once per process on first use.

We call dlib directly instead of going through the ``face_recognition`` module: importing that
module loads the CNN detector (unused here) and flips Pillow's ``LOAD_TRUNCATED_IMAGES`` flag
process-wide. The model files are the ones ``face_recognition`` uses (``face_recognition_models``)
and so are the calls (HOG ``frontal_face_detector``, 5/68-point shape predictors,
``face_recognition_model_v1``).

The vectors are NOT identical to the library's. The library detects on the full image upsampled
once and clips the box to the image; the pipeline detects on a 640 px copy without upsampling
(``pipeline.DETECT_MAX_SIDE``, the engine's speed) and places the landmarks in the unclipped box.
The boxes differ by a few pixels, and so do the landmarks, the aligned chip and the vector.
Measured distance between our vector and the library's for the same pixels: 0.025-0.101 on the
14 photos of ``people/``, 0.00-0.111 (median 0.044) on the 97 single-face photos of ``lfw10/``
- a fifth of the 0.6 threshold at most, and smaller than any different-person distance
(tests/recognition/engine/test_engine_vs_library.py holds it under ``LIBRARY_DISTANCE_BOUND``
on every people/ photo). Templates are therefore comparable only with templates of the same
``ENGINE_VERSION``, never with vectors a raw library produced elsewhere. Making them identical
would mean full-resolution upsampled detection, the cost the pipeline exists to avoid.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache

import dlib

with warnings.catch_warnings():
    # The package imports pkg_resources, which warns on every start; we pin a setuptools
    # that still has it (requirements.txt), so the warning only adds noise to every command.
    warnings.simplefilter("ignore", UserWarning)
    import face_recognition_models

#: Largest distance allowed between our vector and ``face_recognition``'s for the same photo
#: (measured at most 0.101 on people/ and 0.111 on lfw10/; see the module docstring).
LIBRARY_DISTANCE_BOUND = 0.12


@dataclass(frozen=True)
class Models:
    detector: dlib.fhog_object_detector
    landmarks_5: dlib.shape_predictor
    landmarks_68: dlib.shape_predictor
    encoder: dlib.face_recognition_model_v1
    #: dlib's DNN reuses internal buffers between calls, so one encoder must not run on two
    #: threads at once; detector and shape predictors are read-only and need no lock.
    encoder_lock: threading.Lock


@lru_cache(maxsize=1)
def get_models() -> Models:
    """Load and return the models (a race on first use may load twice; harmless)."""
    return Models(
        detector=dlib.get_frontal_face_detector(),
        landmarks_5=dlib.shape_predictor(
            face_recognition_models.pose_predictor_five_point_model_location()
        ),
        landmarks_68=dlib.shape_predictor(face_recognition_models.pose_predictor_model_location()),
        encoder=dlib.face_recognition_model_v1(
            face_recognition_models.face_recognition_model_location()
        ),
        encoder_lock=threading.Lock(),
    )
