"""Engine refusals as API errors: each engine code keeps its name and gets a precise status."""

from governance.errors import DomainError
from recognition.engine import EngineError

# 413 for what is too big to process at all, 400 for what is not an image we accept,
# 422 for a readable image that does not show one usable face.
_STATUS = {"image_too_large": 413, "image_too_big_bytes": 413,
           "image_invalid": 400, "image_format_unsupported": 415}


class ImageRefused(DomainError):
    status_code = 422

    def __init__(self, error: EngineError) -> None:
        super().__init__(error.detail, code=error.code, **error.context)
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
