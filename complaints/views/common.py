"""What the complaint pages share."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from governance.errors import DomainError, NotFound, NotPermitted


def refused(request: HttpRequest, exc: DomainError) -> None:
    """Show a service's refusal on the page; 404/403 stay pages of their own."""
    if isinstance(exc, NotPermitted | NotFound) and exc.code in ("permission_denied",
                                                                 "complaint_not_found"):
        raise exc
    messages.error(request, exc.detail)


def no_store(response: Any) -> Any:
    """Pages that show a receipt or a tip must not be cached anywhere."""
    response["Cache-Control"] = "no-store, private"
    # same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on the page's
    # own form posts, which CSRF protection rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    return response
