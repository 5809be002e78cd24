"""Progressive lockout of failed sign-ins (django-axes), on pages and the token API alike.

After AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is
locked out: a sign-in page answers the 429 page, the token API `429 locked_out`. Each further
round of failures doubles the wait, from FACEGOV_LOCKOUT_BASE_MINUTES up to
FACEGOV_LOCKOUT_MAX_HOURS; a success resets the count.
"""

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: how long a lockout lasts, growing with the recorded failures."""
    base = dt.timedelta(minutes=settings.FACEGOV_LOCKOUT_BASE_MINUTES)
    longest = dt.timedelta(hours=settings.FACEGOV_LOCKOUT_MAX_HOURS)
    limit = max(1, settings.AXES_FAILURE_LIMIT)
    rounds = max(0, _failures(request) - limit) // limit
    return min(base * 2 ** min(rounds, 32), longest)


def _failures(request: HttpRequest | None) -> int:
    """The failures counted so far for this request's address (axes sets the attribute once
    it has recorded this attempt; before that, read them)."""
    if request is None:
        return 0
    counted = getattr(request, "axes_failures_since_start", None)
    if counted is not None:
        return counted
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    recorded = AccessAttempt.objects.filter(ip_address=address).aggregate(
        most=Max("failures_since_start"))["most"]
    return recorded or 0


def lockout_detail(request: HttpRequest) -> str:
    minutes = int(lockout_cool_off(request).total_seconds() // 60)
    return _("Too many failed sign-ins: locked for %(minutes)d minutes. Each further "
             "failure makes the wait longer.") % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API's error shape under /api/, the 429 page elsewhere."""
    retry_after = str(int(lockout_cool_off(request).total_seconds()))
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "locked_out", "detail": lockout_detail(request)}, status=429)
    else:
        response = render(request, "429.html", {"failure_limit": settings.AXES_FAILURE_LIMIT,
                                                "cooloff_time": retry_after}, status=429)
    response["Retry-After"] = retry_after
    return response
