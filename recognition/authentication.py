"""`X-Api-Key` authentication for devices: the key reaches its own deployment only."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from recognition.errors import ApiKeyRevoked
from recognition.models import ApiKey, Outcome
from recognition.services.apikeys import api_key_lookup
from recognition.services.events import event_record

HEADER = "X-Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiKey] | None:
        raw = request.headers.get(HEADER)
        if not raw:
            return None
        api_key = api_key_lookup(raw_key=raw)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Unknown API key."), code="invalid_api_key")
        if api_key.revoked_at is not None:
            # A revoked key reaching a deployment is a use attempt the operator must see.
            view = (request.parser_context or {}).get("view")
            event_record(deployment=api_key.deployment,
                         operation=getattr(view, "operation", "verify"),
                         outcome=Outcome.REFUSED, refusal_code="api_key_revoked",
                         api_key=api_key)
            raise ApiKeyRevoked(_("This API key was revoked."))
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        return "ApiKey"


class HasDeploymentApiKey(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiKey):
            return True
        raise exceptions.NotAuthenticated(f"Send the deployment's API key in {HEADER}.")


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "DeploymentApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": HEADER}
