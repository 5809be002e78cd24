"""Versions recorded with every template.

A template is only comparable with templates made by the same models and the same
pre-processing; the Django layer stores both strings next to each template and refuses to mix
versions in one gallery. Bump ``ENGINE_VERSION`` whenever pre-processing changes in a way that
moves vectors (alignment, resampling, colour handling), not for refactors.
"""

ENGINE_VERSION = "facegov-engine/1.0"

#: The dlib models (shipped by ``face_recognition_models``) that produce and align templates.
MODEL_VERSION = (
    "dlib-hog-frontal;"
    "shape_predictor_5_face_landmarks;"
    "shape_predictor_68_face_landmarks;"
    "dlib_face_recognition_resnet_model_v1"
)
