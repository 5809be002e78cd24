"""One error shape for the whole API: `{"code": "<machine_code>", "detail": "<text>", ...}`."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.api.parsers import RequestTooLarge
from governance.errors import DomainError

logger = logging.getLogger(__name__)

# DRF codes are already machine codes; these few are renamed to say more than "invalid".
_CODE_NAMES = {"invalid": "validation_error", "error": "server_error"}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, DomainError):
        return Response(exc.as_payload(), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # Django's own refusals of a malformed request (too many fields, bad multipart...).
        exc = exceptions.ParseError(str(exc) or _("The request is malformed."),
                                    code="bad_request")
    elif isinstance(exc, DataError):
        # The last line of defence: the database refused a value (the parsers and serializer
        # bounds should have caught it first). The service's transaction has rolled back.
        logger.warning("A value reached the database that it cannot store", exc_info=exc)
        return Response({"code": "invalid_value",
                         "detail": _("A value in the request cannot be stored.")},
                        status=status.HTTP_400_BAD_REQUEST)

    response = exception_handler(exc, context)
    if response is None:
        # An unexpected failure: log it with its traceback, answer JSON without internals.
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            {"code": "server_error", "detail": _("An unexpected error occurred.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    response.data = _payload(exc, response.data, context)
    return response


def _field_labels(context: dict[str, Any]) -> dict[str, str]:
    """The human labels of the view's input fields (`expires_at` → "Expires at")."""
    serializer_class = getattr(context.get("view"), "InputSerializer", None)
    try:
        fields = serializer_class().fields if serializer_class else {}
    except Exception:  # a serializer that needs context to build: fall back to the names
        fields = {}
    return {name: str(field.label) for name, field in fields.items() if field.label}


def _problems(data: Any, labels: dict[str, str]) -> str:
    """"Expires at: This field is required." per field, in the request's language."""
    if not isinstance(data, dict):
        return ""
    parts = []
    for name, messages in data.items():
        if name == "non_field_errors":
            label = ""
        else:
            # An auto-generated label ("Username") is English: look it up in the catalogue.
            label = _(labels.get(name) or name.replace("_", " ").capitalize())
        text = " ".join(str(m) for m in messages) if isinstance(messages, list) else (
            _("see the nested errors") if isinstance(messages, dict) else str(messages))
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


def _payload(exc: Exception, data: Any, context: dict[str, Any] | None = None
             ) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        problems = _problems(data, _field_labels(context or {}))
        return {
            "code": "validation_error",
            "detail": (_("The request is invalid: %(problems)s") % {"problems": problems}
                       if problems else _("The request is invalid; see `errors` for each "
                                          "field.")),
            "errors": data,
        }
    assert isinstance(exc, exceptions.APIException)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return {"code": _CODE_NAMES.get(code, code), "detail": str(exc.detail)}


@csrf_exempt  # else an unsafe method met Django's HTML CSRF page before this JSON 404
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown paths under /api/ answer JSON, never Django's HTML 404 page."""
    return JsonResponse(
        {"code": "not_found",
         "detail": _("No API endpoint at %(path)s.") % {"path": request.path}}, status=404
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: JSON under /api/, Django's page everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "csrf_failed",
                             "detail": _("CSRF verification failed; send the CSRF token, "
                                         "or authenticate with a token instead of a "
                                         "session.")},
                            status=403)
    return django_csrf_failure(request, reason=reason)
