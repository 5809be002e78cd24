"""OpenAPI generation that understands our thin-API style and documents our error shape.

Each API view nests its own `InputSerializer` and `OutputSerializer`; their bare names would
collide across views, so a nested serializer's component is named after its view
(`TokenObtainApi.InputSerializer` → `TokenObtainInput`).

Errors are documented in one place, for every operation, by `document_error_responses`
(a drf-spectacular postprocessing hook): each 4xx the platform answers, with the one error
shape `{"code", "detail", ...}`. Non-blank rules are in the request components:
`minLength: 1` (COMPONENT_SPLIT_REQUEST) and, where surrounding spaces are trimmed, a
`pattern` that wants one visible character.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

# The statuses any operation may answer, each with the error shape.
ERROR_RESPONSES = {
    "400": "The request is invalid: a field (see `errors`), a broken rule (see `violations`), "
           "malformed or too deeply nested JSON, or a NUL character in text.",
    "401": "Not authenticated: no or a wrong token, API key, password or one-time code.",
    "403": "Authenticated, but not allowed: a role, tenancy or mandate refusal, or a policy "
           "refusal (`no_consent`, `purpose_not_allowed`, `deployment_not_active`, ...).",
    "404": "No such object, or one the caller may not see.",
    "409": "The request clashes with the current state (an invalid transition, a duplicate).",
    "413": "The request body is larger than the server accepts.",
    "415": "The request's content type is not one this operation accepts.",
    "422": "The request is well-formed but its content cannot be processed (e.g. an image "
           "without a usable face).",
    "429": "Too many requests (`throttled`) or too many failed sign-ins (`locked_out`); "
           "see `Retry-After`.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error: a machine `code` and a human `detail`, sometimes more.",
    "properties": {
        "code": {"type": "string", "description": "A stable machine code, e.g. `not_found`."},
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "errors": {"type": "object", "additionalProperties": True,
                   "description": "Validation errors: messages per field."},
        "violations": {"type": "array", "description": "Blocking rules the request breaks.",
                       "items": {"type": "object", "properties": {
                           "rule": {"type": "string"}, "reference": {"type": "string"},
                           "message": {"type": "string"}}}},
    },
    "required": ["code", "detail"],
    "additionalProperties": True,
}

NON_BLANK_PATTERN = r"\S"


class FaceGovAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer, direction):  # type: ignore[no-untyped-def]
        qualname = type(serializer).__qualname__
        if "." not in qualname:
            return super().get_serializer_name(serializer, direction)
        owner, nested = qualname.rsplit(".", 1)
        owner = owner.replace(".", "").removesuffix("Api")
        return owner + nested.removesuffix("Serializer")

    def _map_serializer_field(self, field, direction, bypass_extensions=False):  # type: ignore[no-untyped-def]
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A plain text field that trims and refuses blanks refuses "   " too: say so.
        if (direction == "request" and type(field) is serializers.CharField
                and not field.allow_blank and field.trim_whitespace
                and isinstance(schema, dict) and "pattern" not in schema):
            schema = {**schema, "pattern": NON_BLANK_PATTERN}
        return schema


def document_error_responses(result: dict[str, Any], generator: Any, request: Any,
                             public: bool) -> dict[str, Any]:
    """Postprocessing hook: the error shape as a component, and every error status on every
    operation (an operation's own description of a status wins)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_RESPONSES.items():
                response = {"description": description,
                            "content": {"application/json": {"schema": reference}}}
                if status == "429":
                    response["headers"] = {"Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before trying again."}}
                operation["responses"].setdefault(status, response)
    return result
