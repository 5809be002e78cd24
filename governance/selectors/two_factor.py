"""Where a signed-in person stands with two-factor sign-in."""

from typing import Any

from django.conf import settings
from django_otp import user_has_device

from governance.permissions import must_use_two_factor

VERIFY = "verify"
ENROL = "enrol"


def two_factor_enabled(user: Any) -> bool:
    """The user has a confirmed second factor (an authenticator, and its backup codes)."""
    return user.is_authenticated and user_has_device(user, confirmed=True)


def two_factor_required(user: Any) -> bool:
    return bool(settings.FACEGOV_REQUIRE_2FA) and must_use_two_factor(user)


def two_factor_step(user: Any) -> str | None:
    """What a password-authenticated session still owes: VERIFY (a code, the user has a
    device and this session has not proved it), ENROL (the user must have a device and has
    none), or None."""
    if not user.is_authenticated:
        return None
    if two_factor_enabled(user):
        verified = getattr(user, "is_verified", None)
        return None if verified is not None and verified() else VERIFY
    return ENROL if two_factor_required(user) else None
