"""Request and response rules that hold for every URL, API and pages alike."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is refused before any view runs.

    PostgreSQL cannot store or compare text holding NUL (`subject_ref` in a path reached
    the database and failed with a 500). Bodies are checked by the API's parsers and by the
    forms' own validators; this covers what arrives in the URL.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "nul_character",
                                     "detail": "Text may not contain NUL characters (\\u0000)."},
                                    status=400)
            return HttpResponseBadRequest(_("The address contains a NUL character."),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any("\x00" in key or any("\x00" in value for value in values)
               for key, values in request.GET.lists())


def permissions_policy(**features: list[str]) -> Callable:
    """Open browser features on one view: `@permissions_policy(camera=["self"])`."""

    def decorate(view: Callable) -> Callable:
        view.permissions_policy = features  # type: ignore[attr-defined]
        return view

    return decorate


class PermissionsPolicyMiddleware:
    """Sends PERMISSIONS_POLICY (every feature off unless listed) on every response; a view
    decorated with `permissions_policy(...)` opens what it needs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            policy = {**settings.PERMISSIONS_POLICY,
                      **getattr(request, "permissions_policy", {})}
            response["Permissions-Policy"] = ", ".join(
                f"{feature}=({' '.join(origins)})" for feature, origins in sorted(policy.items()))
        return response

    def process_view(self, request: HttpRequest, view: Callable, *args: object) -> None:
        features = getattr(view, "permissions_policy", None)
        if features is None:
            # Class-based views keep their attributes on `view_class`.
            features = getattr(getattr(view, "view_class", None), "permissions_policy", None)
        if features:
            request.permissions_policy = features  # type: ignore[attr-defined]
