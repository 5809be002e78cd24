"""Requests that used to be 500s answer a precise 4xx with the error shape, and store nothing.

Each of these was found by probing the running platform; run them on PostgreSQL, which
refuses NUL in text and integers beyond the column where SQLite shrugs.
"""

import json

import pytest
from rest_framework.test import APIClient

from governance.models import (
    Consent,
    ConsentLedgerEntry,
    Deployment,
    DeploymentEvent,
    ImpactAssessment,
)
from governance.services.consent import consent_give
from recognition.models import RecognitionEvent
from recognition.services.apikeys import api_key_create
from tests.factories import CLICK, COMPLETE_ANSWERS, active_gate

NEW_GATE = {
    "name": "Block B gate", "scenario": "access_control", "mode": "verification",
    "place_type": "residential_community", "interest": "private",
    "purposes": ["access_control"],
    "non_face_alternative": "Residents may use their key card or ask the guard.",
}


@pytest.fixture
def gate(world):
    return active_gate(world.acme, name="Gate")


@pytest.fixture
def consent(world, gate):
    return consent_give(deployment=gate, actor=world.acme_admin, subject_ref="s-1",
                        purposes=["access_control"], method="in_app_explicit",
                        evidence=dict(CLICK))


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["detail"]
    return body


# --- a receipt id that is not a UUID ---------------------------------------------------------

@pytest.mark.parametrize(("method", "suffix"), [("get", "receipt"), ("post", "withdraw"),
                                                ("post", "renew")])
@pytest.mark.parametrize("persona", ["citizen", "acme_admin", "inspector"])
def test_a_receipt_id_that_is_not_a_uuid_is_a_404(world, api_as, consent, persona, method,
                                                  suffix):
    entries = ConsentLedgerEntry.objects.count()
    response = getattr(api_as(world.user(persona)), method)(f"/api/v1/consents/0/{suffix}/",
                                                            {}, format="json")
    assert_error(response, 404, "not_found")
    assert ConsentLedgerEntry.objects.count() == entries
    consent.refresh_from_db()
    assert consent.state == "active"


# --- a duplicate deployment name -------------------------------------------------------------

def test_declaring_a_second_deployment_with_the_same_name_is_a_409(world, api_as):
    client = api_as(world.acme_admin)
    assert client.post("/api/v1/deployments/", NEW_GATE, format="json").status_code == 201
    events = DeploymentEvent.objects.count()

    response = client.post("/api/v1/deployments/", NEW_GATE, format="json")

    assert_error(response, 409, "duplicate_name")
    assert Deployment.objects.filter(name=NEW_GATE["name"]).count() == 1
    assert DeploymentEvent.objects.count() == events


def test_renaming_a_deployment_to_a_taken_name_is_a_409(world, api_as):
    client = api_as(world.acme_admin)
    first = client.post("/api/v1/deployments/", NEW_GATE, format="json").json()
    second = client.post("/api/v1/deployments/", {**NEW_GATE, "name": "Block C gate"},
                         format="json").json()

    response = client.patch(f"/api/v1/deployments/{second['id']}/", {"name": first["name"]},
                            format="json")

    assert_error(response, 409, "duplicate_name")
    assert Deployment.objects.get(id=second["id"]).name == "Block C gate"


def test_another_organisation_may_use_the_same_name(world, api_as):
    assert api_as(world.acme_admin).post("/api/v1/deployments/", NEW_GATE,
                                         format="json").status_code == 201
    assert api_as(world.other_admin).post("/api/v1/deployments/", NEW_GATE,
                                          format="json").status_code == 201


# --- bodies too large or too deep ------------------------------------------------------------

def test_a_json_body_over_the_upload_limit_is_a_413(world, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {**NEW_GATE, "description": "x" * 20_000}
    response = api_as(world.acme_admin).post("/api/v1/deployments/", body, format="json")
    assert_error(response, 413, "request_too_large")
    assert not Deployment.objects.exists()


def test_a_json_body_without_a_declared_length_is_refused_and_stores_nothing(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = APIClient()
    client.force_authenticate(world.acme_admin)
    response = client.generic("POST", "/api/v1/deployments/",
                              json.dumps({**NEW_GATE, "description": "x" * 20_000}),
                              content_type="application/json", CONTENT_LENGTH="")
    # Without a length DRF reads nothing; with one it is refused: never a 500, never stored.
    assert response.status_code in (400, 413)
    assert not Deployment.objects.exists()


def test_a_form_body_over_the_upload_limit_is_a_413(world, api_as, gate, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api_as(world.citizen).post(
        f"/api/v1/deployments/{gate.id}/consents/",
        {"purposes": "access_control", "guardian_name": "x" * 20_000}, format="multipart")
    assert_error(response, 413, "request_too_large")
    assert not Consent.objects.exists()


@pytest.mark.parametrize("depth", [40, 5_000])
def test_json_nested_too_deep_is_a_400(world, api_as, depth):
    body = '{"name": ' + "[" * depth + "]" * depth + "}"
    response = api_as(world.acme_admin).post("/api/v1/deployments/", body,
                                             content_type="application/json")
    assert_error(response, 400, "too_deeply_nested")
    assert not Deployment.objects.exists()


def test_broken_json_is_still_a_parse_error(world, api_as):
    response = api_as(world.acme_admin).post("/api/v1/deployments/", '{"name": ',
                                             content_type="application/json")
    assert_error(response, 400, "parse_error")


# --- integers beyond the column ------------------------------------------------------------

@pytest.mark.parametrize("value", [10**30, 2**31, -(2**31) - 1])
def test_an_integer_beyond_the_column_is_a_validation_error(world, api_as, value):
    response = api_as(world.acme_admin).post(
        "/api/v1/deployments/", {**NEW_GATE, "expected_subjects": value}, format="json")
    body = assert_error(response, 400, "validation_error")
    assert set(body["errors"]) == {"expected_subjects"}
    assert not Deployment.objects.exists()


def test_an_integer_beyond_the_column_is_refused_on_patch_too(world, api_as):
    client = api_as(world.acme_admin)
    created = client.post("/api/v1/deployments/", {**NEW_GATE, "expected_subjects": 10},
                          format="json").json()
    response = client.patch(f"/api/v1/deployments/{created['id']}/",
                            {"expected_subjects": 2**31}, format="json")
    assert_error(response, 400, "validation_error")
    assert Deployment.objects.get(id=created["id"]).expected_subjects == 10


def test_the_largest_integer_the_column_holds_is_accepted(world, api_as):
    response = api_as(world.acme_admin).post(
        "/api/v1/deployments/", {**NEW_GATE, "expected_subjects": 2**31 - 1}, format="json")
    assert response.status_code == 201
    assert Deployment.objects.get().expected_subjects == 2**31 - 1


# --- NUL characters ------------------------------------------------------------------------

def test_nul_in_assessment_answers_is_refused_and_nothing_is_saved(world, api_as):
    client = api_as(world.acme_admin)
    deployment = client.post("/api/v1/deployments/", NEW_GATE, format="json").json()
    answers = {**COMPLETE_ANSWERS, "necessity_summary": "needed\x00really"}
    response = client.put(f"/api/v1/deployments/{deployment['id']}/assessment/",
                          {"answers": answers}, format="json")
    assert_error(response, 400, "nul_character")
    assert not ImpactAssessment.objects.exists()


def test_nul_in_an_evidence_key_is_refused_and_no_consent_is_stored(world, api_as, gate):
    response = api_as(world.acme_admin).post(
        f"/api/v1/deployments/{gate.id}/consents/",
        {"subject_ref": "s-9", "purposes": ["access_control"],
         "evidence": {"time\x00": "now", "ip": "203.0.113.1", "user_agent": "kiosk"}},
        format="json")
    assert_error(response, 400, "nul_character")
    assert not Consent.objects.exists()
    assert not ConsentLedgerEntry.objects.exists()


def test_nul_in_a_form_field_name_is_refused(world, api_as, gate):
    response = api_as(world.citizen).post(
        f"/api/v1/deployments/{gate.id}/consents/",
        {"purposes": "access_control", "evidence.a\x00b": "x"}, format="multipart")
    assert_error(response, 400, "nul_character")
    assert not Consent.objects.exists()


def test_a_user_agent_with_nul_is_stored_without_it(world, api_as, gate):
    response = api_as(world.citizen).post(
        f"/api/v1/deployments/{gate.id}/consents/", {"purposes": ["access_control"]},
        format="json", HTTP_USER_AGENT="Phone\x00/1.0\r\n")
    assert response.status_code == 201
    consent = Consent.objects.get(receipt_id=response.json()["receipt_id"])
    assert consent.evidence["user_agent"] == "Phone/1.0"


def test_a_user_agent_is_stored_at_most_500_characters_long(world, api_as, gate):
    response = api_as(world.citizen).post(
        f"/api/v1/deployments/{gate.id}/consents/", {"purposes": ["access_control"]},
        format="json", HTTP_USER_AGENT="A" * 10_000)
    assert response.status_code == 201
    assert Consent.objects.get().evidence["user_agent"] == "A" * 500


def test_nul_in_a_subject_ref_path_is_refused_before_anything_is_recorded(world, gate):
    _, raw = api_key_create(deployment=gate, name="kiosk", actor=world.acme_admin)
    response = APIClient().delete("/api/v1/recognition/subjects/s%001/", HTTP_X_API_KEY=raw)
    assert_error(response, 400, "nul_character")
    assert not RecognitionEvent.objects.exists()


def test_nul_in_a_query_string_of_a_page_is_a_400(world, client):
    client.force_login(world.acme_admin)
    response = client.get("/recognition/?deployment=1%00")
    assert response.status_code == 400


# --- unknown API paths ---------------------------------------------------------------------

@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_methods_on_unknown_api_paths_are_a_json_404(world, method):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.citizen)  # a session: Django's CSRF check would answer HTML
    response = getattr(client, method)("/api/v1/no-such-thing/", {}, format="json")
    assert_error(response, 404, "not_found")


def test_a_session_without_csrf_token_gets_the_error_shape(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.acme_admin)
    response = client.post("/api/v1/deployments/", NEW_GATE, format="json")
    assert_error(response, 403, "permission_denied")
    assert not Deployment.objects.exists()
