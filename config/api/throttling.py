"""Rate limits: every anonymous caller, every device key, and named scopes on the doors that
attackers lean on (token login, sign-up, contact proofs).

Rates are settings (`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, built in config/settings/base.py
from FACEGOV_THROTTLE_RATES); a view names its scope with `throttle_scope = "login"`, and an
app adds a scope (say `tip_submit`) by adding its rate there. A refused call is 429
`throttled` with `Retry-After`. Pages use the same classes through `throttle_page(scope)`.

Counts live in the default cache: Redis when REDIS_URL is set (shared by every web process),
memory otherwise (one process: `make run`, tests).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework import throttling
from rest_framework.settings import api_settings


class SettingsRates:
    """DRF binds THROTTLE_RATES when it is imported; read the current settings instead, so
    that a changed rate (override_settings in tests, a reloaded process) applies."""

    scope: str | None

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate for the scope {self.scope!r}.") from None


class AnonymousThrottle(SettingsRates, throttling.AnonRateThrottle):
    """Anonymous callers, per address. A device authenticated by its key is not anonymous:
    DeviceThrottle counts it by key."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if getattr(request, "auth", None) is not None:
            return None
        return super().get_cache_key(request, view)


class DeviceThrottle(SettingsRates, throttling.SimpleRateThrottle):
    """Calls authenticated by a key rather than a person (deployment API keys), per key."""

    scope = "device"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        auth = getattr(request, "auth", None)
        user = getattr(request, "user", None)
        if auth is None or (user is not None and user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope,
                                    "ident": f"{type(auth).__name__}-{auth.pk}"}


class ScopedThrottle(SettingsRates, throttling.ScopedRateThrottle):
    """The view's `throttle_scope`, per user (or per address when anonymous)."""


class _PageScope:
    def __init__(self, scope: str) -> None:
        self.throttle_scope = scope


def page_throttle_wait(request: HttpRequest, scope: str) -> float | None:
    """Count a page's POST against the scope: None when allowed, else the seconds to wait
    (0 when unknown). The one check behind `throttle_page` and the pages that choose their
    scope from the submitted form."""
    throttle = ScopedThrottle()
    if throttle.allow_request(request, _PageScope(scope)):
        return None
    return throttle.wait() or 0.0


def throttle_page(scope: str) -> Callable:
    """The scope's limit on a page's POSTs; over it, the 429 page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                wait = page_throttle_wait(request, scope)
                if wait is not None:
                    response = render(request, "429.html", status=429)
                    response["Retry-After"] = str(int(wait) + 1)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
