"""The decision threshold's safe range, as the recognition engine is calibrated.

The threshold is a distance in the engine's units: its meaning, and how far it may go before
strangers match, are facts of the engine's model. Governance never imports recognition, so the
engine's app registers its calibrated range in AppConfig.ready(); until one does, the range
is the conservative default (0, DEFAULT_THRESHOLD].
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from governance.models import DEFAULT_THRESHOLD


@dataclass(frozen=True)
class ThresholdRange:
    """Thresholds above `minimum` (exclusive) and up to `maximum` (inclusive) are allowed."""

    minimum: float
    maximum: float
    source: str

    def allows(self, value: float) -> bool:
        return self.minimum < value <= self.maximum


_DEFAULT = ThresholdRange(0.0, DEFAULT_THRESHOLD, "FaceGov default")
_registered: list[ThresholdRange] = []


def register_threshold_range(*, maximum: float, source: str, minimum: float = 0.0) -> None:
    """Called by the engine's app in AppConfig.ready(); registering again replaces it."""
    if not 0.0 <= minimum < maximum:
        raise ValueError(_("a threshold range needs 0 <= minimum < maximum"))
    _registered[:] = [ThresholdRange(minimum, maximum, source)]


def threshold_range() -> ThresholdRange:
    return _registered[0] if _registered else _DEFAULT
