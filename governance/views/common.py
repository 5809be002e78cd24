"""What the deployment pages share: access-checked fetching and domain errors as HTTP."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from governance.errors import DomainError, NotFound, NotPermitted, RuleViolations
from governance.models import Deployment
from governance.selectors.deployments import deployment_get_for_user


def pages_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """NotFound is a 404 page and NotPermitted a 403 page, as for any other page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.detail) from None
        except NotPermitted:
            raise PermissionDenied from None

    return wrapped


def get_deployment(request: HttpRequest, deployment_id: int) -> Deployment:
    return deployment_get_for_user(user=request.user, deployment_id=deployment_id)


def report(request: HttpRequest, exc: DomainError) -> list[dict[str, str]]:
    """Show a refused action; return the rule violations for the page to list."""
    if isinstance(exc, NotPermitted | NotFound):
        raise exc
    messages.error(request, exc.detail)
    return exc.extra.get("violations", []) if isinstance(exc, RuleViolations) else []
