"""Refusal reasons of the recognition engine.

Every refusal the engine can give is an :class:`EngineError` subclass with a stable machine
``code`` (what API clients and tests branch on) and a human ``detail``. The Django layer maps
these 1:1 onto ``{"code": ..., "detail": ...}`` responses, so codes are part of the API contract:
never rename one, only add new ones.
"""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base class: a request the engine refuses, with a machine code and a human detail.

    ``context`` carries measured values (sizes, counts, scores) that explain the refusal; it is
    safe to log and to show to the operator (it never contains image or template bytes).
    """

    code: str = "engine_error"
    default_detail: str = "The recognition engine refused the request."

    def __init__(self, detail: str | None = None, **context: Any) -> None:
        self.detail = detail or self.default_detail
        self.context = context
        super().__init__(f"{self.code}: {self.detail}")

    def as_dict(self) -> dict[str, Any]:
        """The API error body: ``{"code", "detail", **context}``."""
        return {"code": self.code, "detail": self.detail, **self.context}


class ImageInvalid(EngineError):
    code = "image_invalid"
    default_detail = "The file is not a readable image (corrupt, truncated or not an image)."


class ImageFormatUnsupported(EngineError):
    code = "image_format_unsupported"
    default_detail = "Only JPEG, PNG and WebP images are accepted."


class ImageTooLarge(EngineError):
    code = "image_too_large"
    default_detail = "The image has too many pixels."


class ImageTooBigBytes(EngineError):
    code = "image_too_big_bytes"
    default_detail = "The image file is too big."


class NoFace(EngineError):
    code = "no_face"
    default_detail = "No face was found in the image."


class MultipleFaces(EngineError):
    code = "multiple_faces"
    default_detail = "More than one face was found; the image must show exactly one face."


class FaceTooSmall(EngineError):
    code = "face_too_small"
    default_detail = "The face is too small; move closer to the camera or use a larger image."


class FaceTooBlurry(EngineError):
    code = "face_too_blurry"
    default_detail = "The face is too blurred to be recognised reliably."


class FacePartial(EngineError):
    code = "face_partial"
    default_detail = "The face is cut off by the edge of the image; the whole face must be visible."


#: Every refusal code the engine can raise, for API documentation and tests.
ERROR_CODES: tuple[str, ...] = tuple(
    cls.code
    for cls in (
        ImageInvalid,
        ImageFormatUnsupported,
        ImageTooLarge,
        ImageTooBigBytes,
        NoFace,
        MultipleFaces,
        FaceTooSmall,
        FaceTooBlurry,
        FacePartial,
    )
)
