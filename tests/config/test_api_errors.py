"""Every API error is JSON with a `code` and a `detail` — never HTML, never a traceback."""

import pytest


def test_unknown_api_route_is_a_json_404(db, api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found",
                               "detail": "No API endpoint at /api/v1/no-such-thing/."}


def test_missing_token_is_401_not_authenticated(db, api):
    response = api.get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_malformed_json_is_a_parse_error(db, api):
    response = api.post("/api/v1/auth/token/", data='{"username": "x", ',
                        content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert "JSON parse error" in body["detail"]


def test_missing_fields_are_a_validation_error_listing_each_field(db, api):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["errors"]) == {"username", "password"}


def test_wrong_method_is_405_with_code(world, api_as):
    response = api_as(world.citizen).delete("/api/v1/me/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert type(world.citizen).objects.filter(id=world.citizen.id).exists()  # nothing deleted


def test_unexpected_failure_is_json_500_without_internals(world, api_as, monkeypatch):
    import governance.apis.organisations as module

    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(module, "organisation_list_for_user", explode)
    response = api_as(world.citizen).get("/api/v1/organisations/")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error",
                               "detail": "An unexpected error occurred."}


@pytest.mark.parametrize(("path", "shows"), [("/api/schema/", "/api/v1/recognition/verify/"),
                                             ("/api/docs/", "swagger-ui")])
def test_openapi_schema_and_docs_are_served(db, client, path, shows):
    response = client.get(path)
    assert response.status_code == 200
    assert shows in response.content.decode()


def test_schema_describes_the_token_endpoint(db, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/auth/token/" in schema["paths"]


def test_swagger_ui_loads_no_asset_from_the_internet(db, client):
    html = client.get("/api/docs/").content.decode()
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html
