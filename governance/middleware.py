"""Domain errors on pages: a service's NotFound is the 404 page, NotPermitted the 403 page.

API views answer these themselves (config/api/errors.py); this covers every server-rendered
page, so no view needs its own try/except to turn them into HTTP.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from governance.errors import NotFound, NotPermitted


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
