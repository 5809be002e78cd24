"""Two-factor sign-in (django-otp): an authenticator app (TOTP) and ten single-use backup
codes. Anyone may enrol; governance/selectors/two_factor.py says who must."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.errors import DomainError
from governance.selectors.two_factor import two_factor_enabled, two_factor_required

BACKUP_CODES = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"


class InvalidOtp(DomainError):
    status_code = 401
    default_code = "invalid_otp"


@transaction.atomic
def totp_enrolment_start(*, user: Any) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (any earlier unconfirmed one goes): it
    counts only once a code from it is confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def totp_enrolment_confirm(*, user: Any, device_id: int, token: str) -> list[str]:
    """Confirm the new authenticator with a code it shows; replaces any earlier authenticator
    and issues fresh backup codes, which are returned (they are shown once)."""
    device = TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()
    if device is None:
        raise DomainError(_("Start the set-up again: this authenticator is not waiting."),
                          code="no_pending_authenticator")
    allowed, _wait = device.verify_is_allowed()
    if not allowed:
        raise InvalidOtp(_("Too many wrong codes in a row: wait a few seconds, then type the "
                         "code the app shows then."), code="otp_throttled")
    # Outside the transaction: a wrong code's throttle count must survive the refusal.
    if not device.verify_token(token.strip()):
        raise InvalidOtp(_("That code is not the one the authenticator shows now."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return _issue_backup_codes(user)


@transaction.atomic
def backup_codes_regenerate(*, user: Any) -> list[str]:
    if not two_factor_enabled(user):
        raise DomainError(_("Set up an authenticator first."), code="two_factor_not_enabled")
    return _issue_backup_codes(user)


def two_factor_disable(*, user: Any, token: str) -> None:
    """Remove every second factor, proved by a current code; refused for those who must
    keep one."""
    if two_factor_required(user):
        raise DomainError(_("Your role requires two-factor sign-in."), code="two_factor_required")
    if otp_match(user=user, token=token) is None:
        raise InvalidOtp(_("That code is not valid."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def otp_match(*, user: Any, token: str) -> Device | None:
    """The confirmed device that accepts this code (a backup code is used up), else None.
    Devices throttle repeated failures themselves."""
    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    return match_token(user, token)


def _issue_backup_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
