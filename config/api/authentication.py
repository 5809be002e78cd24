"""Session authentication for the API that honours two-factor sign-in.

A browser session that passed the password but still owes its second factor (or, where it is
required, has none) is refused here with 403 `two_factor_required`, as the pages are by
governance.middleware.TwoFactorMiddleware.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from governance.selectors.two_factor import two_factor_step


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and two_factor_step(result[0]) is not None:
            raise exceptions.PermissionDenied(
                _("Finish two-factor sign-in on the web first."), code="two_factor_required")
        return result


class VerifiedSessionScheme(SessionScheme):
    """The schema names it like Django's session authentication (cookie `sessionid`)."""

    target_class = VerifiedSessionAuthentication
