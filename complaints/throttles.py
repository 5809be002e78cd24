"""Rate limits of the complaint channel: the platform's scoped throttle with this app's scopes
(rates in settings.COMPLAINT_THROTTLE_RATES), one global limit on tips, and the same limits
applied to the pages, which call the same services."""

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from config.api.throttling import ScopedThrottle, page_throttle_wait


class GlobalTipThrottle(SimpleRateThrottle):
    """All tips from all clients together (FACEGOV_TIP_GLOBAL_RATE)."""

    scope = "tip_submit_global"

    def get_rate(self) -> str:
        return settings.FACEGOV_TIP_GLOBAL_RATE

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": "all"}


def page_allowed(request: Any, scope: str) -> bool:
    """The API's throttle for a page's POST: False when the client is over its rate (and,
    for tips, when the platform is over the global rate)."""
    if page_throttle_wait(request, scope) is not None:
        return False
    return scope != "tip_submit" or GlobalTipThrottle().allow_request(request, None)


class PostOnlyScopedThrottle(ScopedThrottle):
    """Lists are read freely; only submissions count against the scope's rate."""

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)
