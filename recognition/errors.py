"""Engine refusals as API errors: each engine code keeps its name and gets a precise status."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from governance.errors import DomainError
from recognition.engine import EngineError

# 413 for what is too big to process at all, 400 for what is not an image we accept,
# 422 for a readable image that does not show one usable face.
_STATUS = {"image_too_large": 413, "image_too_big_bytes": 413,
           "image_invalid": 400, "image_format_unsupported": 415}


# The engine is importable without Django, so its details are English; this table gives each
# of its codes the reader's language (an English reader keeps the engine's exact detail).
_ENGINE_DETAILS = {
    "image_invalid": _("The file is not a readable image (corrupt, truncated or not an image)."),
    "image_format_unsupported": _("Only JPEG, PNG and WebP images are accepted."),
    "image_too_large": _("The image has too many pixels."),
    "image_too_big_bytes": _("The image file is too big."),
    "no_face": _("No face was found in the image."),
    "multiple_faces": _("More than one face was found; the image must show exactly one face."),
    "face_too_small": _("The face is too small; move closer to the camera or use a larger "
                        "image."),
    "face_too_blurry": _("The face is too blurred to be recognised reliably."),
    "face_partial": _("The face is cut off by the edge of the image; the whole face must be "
                      "visible."),
}


def _engine_detail(error: EngineError) -> str:
    if (get_language() or "en").startswith("en") or error.code not in _ENGINE_DETAILS:
        return error.detail
    return str(_ENGINE_DETAILS[error.code])


class ImageRefused(DomainError):
    status_code = 422

    def __init__(self, error: EngineError) -> None:
        super().__init__(_engine_detail(error), code=error.code, **error.context)
        self.status_code = _STATUS.get(error.code, 422)


class SubjectNotEnrolled(DomainError):
    status_code = 404
    default_code = "subject_not_enrolled"


class DataUnderLegalHold(DomainError):
    """A regulator's legal hold keeps the data past the request; it stays due."""

    status_code = 409
    default_code = "legal_hold"


class ApiKeyRevoked(DomainError):
    status_code = 401
    default_code = "api_key_revoked"


class LivenessRateLimited(DomainError):
    """Too many liveness challenges for this key or device in the window: asking again and
    again until an easy challenge comes up is what the limit stops."""

    status_code = 429
    default_code = "liveness_rate_limited"


class IdentityMismatch(DomainError):
    """A further photo for an enrolled subject is not the same person as their stored
    templates: enrolling it would let someone else be verified as them."""

    status_code = 409
    default_code = "identity_mismatch"


class GalleryUnavailable(DomainError):
    """No shard worker answered for a part of the gallery within the timeout, even after the
    request was sent again (to another holder of the part's queue)."""

    status_code = 503
    default_code = "gallery_unavailable"


class DeviceRequestRefused(DomainError):
    """A device's signed request that does not authenticate: unknown device, forged
    signature, stale timestamp, replayed nonce. Recorded; nothing else stored."""

    status_code = 401
    default_code = "device_signature_invalid"


class DeviceRetired(DomainError):
    status_code = 403
    default_code = "device_retired"


class DeviceNotOperating(DomainError):
    """A suspended device, or a device of a deployment that is not active, asked for a
    permit: it may still receive and acknowledge orders and push its log, nothing else."""

    status_code = 403
    default_code = "device_not_operating"


class EventLogRefused(DomainError):
    """A pushed event log with a gap, a broken link, a wrong hash or a bad head signature."""

    status_code = 409
    default_code = "event_log_broken"


class OrderUnknown(DomainError):
    """An acknowledgement for an order never sent to this device."""

    status_code = 404
    default_code = "order_unknown"


class AckRefused(DomainError):
    """An acknowledgement whose signature or content does not match the order."""

    status_code = 400
    default_code = "ack_invalid"


class CentralEnrolmentRefused(DomainError):
    """An `on_device` deployment's templates stay on its devices, never in the vault."""

    status_code = 409
    default_code = "storage_on_device"


class ApproximateRecallTooLow(DomainError):
    """The approximate index missed the exact top-1 too often on the deployment's own
    templates: the deployment keeps its current index."""

    status_code = 409
    default_code = "approximate_recall_too_low"
