"""The dlib models, loaded once per process on first use.

We call dlib directly instead of going through the ``face_recognition`` module: importing that
module loads the CNN detector (unused here) and flips Pillow's ``LOAD_TRUNCATED_IMAGES`` flag
process-wide. The model files are the ones ``face_recognition`` uses (``face_recognition_models``)
and the calls are the same (HOG ``frontal_face_detector``, 5/68-point shape predictors,
``face_recognition_model_v1``), so vectors are identical to the library's.
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
