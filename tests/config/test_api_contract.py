"""Rules every API view follows, checked over all of them: the safe parsers, the documented
error responses, the non-blank rules, and a schema that validates without warnings."""

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from config.api import parsers
from config.api.schema import ERROR_RESPONSES

SAFE_PARSERS = (parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser)


def api_views() -> list[type[APIView]]:
    found: list[type[APIView]] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "cls", None)
                if (prefix + str(entry.pattern)).startswith("api/v1/") and view is not None:
                    found.append(view)

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture(scope="module")
def schema():
    from django.test import Client

    return Client().get("/api/schema/", {"format": "json"}).json()


def test_every_api_view_parses_bodies_through_the_bounded_nul_free_parsers():
    views = api_views()
    assert len(views) > 40
    unsafe = {view.__name__: [p.__name__ for p in view.parser_classes
                              if not issubclass(p, SAFE_PARSERS)] for view in views}
    assert {name: bad for name, bad in unsafe.items() if bad} == {}


def test_every_operation_documents_every_error_status_with_the_error_shape(schema):
    reference = {"$ref": "#/components/schemas/Error"}
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ERROR_RESPONSES:
                response = operation["responses"].get(status, {})
                if response.get("content", {}).get("application/json", {}).get(
                        "schema") != reference:
                    missing.append(f"{method.upper()} {path} {status}")
    assert missing == []
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail"]


def test_throttled_answers_document_retry_after(schema):
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_non_blank_rules_bind_requests_and_not_responses(schema):
    components = schema["components"]["schemas"]
    name = components["DeploymentListInputRequest"]["properties"]["name"]
    assert (name["minLength"], name["pattern"]) == (1, r"\S")
    # Blank is allowed where the serializer allows it, and answers are not constrained.
    assert "minLength" not in components["DeploymentListInputRequest"]["properties"][
        "description"]
    assert "minLength" not in components["DeploymentOutput"]["properties"]["name"]


def test_integer_inputs_document_the_column_bounds(schema):
    expected = schema["components"]["schemas"]["DeploymentListInputRequest"]["properties"][
        "expected_subjects"]
    assert (expected["minimum"], expected["maximum"]) == (0, 2**31 - 1)


def test_the_token_request_documents_the_optional_one_time_code(schema):
    body = schema["components"]["schemas"]["TokenObtainInputRequest"]
    assert set(body["required"]) == {"username", "password"}
    assert "otp" in body["properties"]


def test_the_schema_validates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file",
                 str(tmp_path / "schema.yaml"))
