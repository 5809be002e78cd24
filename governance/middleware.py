"""Domain errors on pages: a service's NotFound is the 404 page, NotPermitted the 403 page.

API views answer these themselves (config/api/errors.py); this covers every server-rendered
page, so no view needs its own try/except to turn them into HTTP.
"""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from governance.errors import NotFound, NotPermitted
from governance.selectors.two_factor import ENROL, two_factor_step


class DomainErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Re-raised as Django's own exceptions, which its handler renders as 404/403 pages.
        if isinstance(exception, NotFound):
            raise Http404(exception.detail) from exception
        if isinstance(exception, NotPermitted):
            raise PermissionDenied(exception.detail) from exception


class TwoFactorMiddleware:
    """A password alone opens no page for someone who owes a second factor: a user with a
    device goes to the verify step, one whose role requires a device to the enrol page,
    until done. Sign-out, the two-factor pages and static files stay reachable.

    The API is gated by its authentication classes instead (config/api/authentication.py):
    a token is issued only after the code, and a session that owes one is refused there.
    """

    OPEN_PREFIXES = ("/static/", "/api/", "/account/two-factor/", "/logout/", "/login/",
                     "/i18n/", "/healthz", "/metrics")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.OPEN_PREFIXES):
            step = two_factor_step(request.user)
            if step is not None:
                target = "two-factor-setup" if step == ENROL else "two-factor-verify"
                return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)
