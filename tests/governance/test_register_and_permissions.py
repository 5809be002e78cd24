"""The public register, and every deployment endpoint tried by every persona."""

import pytest

from governance.models import Deployment, DeploymentStatus
from tests.factories import COMPLETE_ANSWERS
from tests.governance.conftest import PERSONAS

S = DeploymentStatus

REGISTER_KEYS = {
    "id", "name", "operator", "status", "is_suspended", "scenario", "mode", "place_type",
    "location", "jurisdiction", "is_public_place", "interest", "purposes", "legal_basis", "storage",
    "keeps_images", "non_face_alternative", "requires_liveness", "two_person_confirmation",
    "threshold", "threshold_history", "retention", "notice", "approval", "filings",
    "activated_at", "change_history", "accuracy", "devices",
}


def test_the_register_lists_running_deployments_only_and_marks_suspension(
        world, api, deployment_in):
    shown = {deployment_in(S.ACTIVE, name="Open gate").id: False,
             deployment_in(S.SUSPENDED, name="Paused gate").id: True}
    hidden = [deployment_in(status, name=f"Hidden {status}").id
              for status in (S.DRAFT, S.PENDING_APPROVAL, S.REJECTED, S.DECOMMISSIONED)]
    rows = api.get("/api/v1/register/").json()
    assert {row["id"]: row["is_suspended"] for row in rows} == shown
    for deployment_id in hidden:
        response = api.get(f"/api/v1/register/{deployment_id}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_a_register_entry_shows_exactly_the_public_record(world, api, deployment_in):
    deployment = deployment_in(S.ACTIVE, public=True, expected_subjects=7,
                               keeps_images_justification="internal note")
    entry = api.get(f"/api/v1/register/{deployment.id}/").json()
    assert set(entry) == REGISTER_KEYS | {"enforcement"}
    assert (entry["operator"], entry["purposes"], entry["threshold"], entry["jurisdiction"]) == (
        "Acme", ["public_security"], 0.6, "CN")
    assert entry["approval"] == {"required": True, "status": "pending", "regulator": None,
                                 "decided_at": None}
    assert entry["notice"]["version"] == 1
    # Nothing the operator keeps to itself: no answers, no actors, no internal notes.
    text = str(entry)
    assert "internal note" not in text and "necessity_summary" not in text
    assert world.acme_admin.username not in text


def test_the_register_shows_the_threshold_history(world, api, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    api_as(world.acme_admin).patch(
        f"/api/v1/deployments/{deployment.id}/",
        {"threshold": 0.55, "threshold_change_reason": "Audit found false accepts."},
        format="json")
    history = api.get(f"/api/v1/register/{deployment.id}/").json()["threshold_history"]
    assert [(h["previous"], h["threshold"], h["reason"]) for h in history] == [
        (0.6, 0.55, "Audit found false accepts.")]


# --- permission matrix -----------------------------------------------------------------------
VISIBLE = {"acme_admin", "acme_operator", "inspector", "auditor"}


def read_status(persona):
    return 401 if persona == "anonymous" else 200 if persona in VISIBLE else 404


def write_status(persona):
    return {"anonymous": 401, "acme_admin": 200}.get(persona, 403 if persona in VISIBLE else 404)


REVISED_ANSWERS = {**COMPLETE_ANSWERS, "residual_summary": "Low: reviewed after the pilot."}
ENDPOINTS = {
    # name: (method, path suffix, body, expected(persona))
    "detail": ("get", "", None, read_status),
    "compliance": ("get", "compliance/", None, read_status),
    "assessment": ("get", "assessment/", None, read_status),
    "patch": ("patch", "", {"description": "Gate at the north entrance."}, write_status),
    "assess": ("put", "assessment/", {"answers": REVISED_ANSWERS}, write_status),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_deployment_endpoints_answer_each_persona(world, api_as, deployment_in, endpoint,
                                                  persona):
    """Status per the matrix; an allowed read shows this deployment, an allowed write stores
    exactly its change; a refused call stores nothing and shows nothing of the deployment."""
    method, suffix, body, expected = ENDPOINTS[endpoint]
    deployment = deployment_in(S.DRAFT, name="Acme north gate")
    response = getattr(api_as(world.user(persona)), method)(
        f"/api/v1/deployments/{deployment.id}/{suffix}", body, format="json")
    assert response.status_code == expected(persona)
    deployment.refresh_from_db()
    description = "Gate at the north entrance." if (endpoint, response.status_code) == (
        "patch", 200) else ""
    assert deployment.description == description
    answers = REVISED_ANSWERS if (endpoint, response.status_code) == ("assess", 200) else (
        COMPLETE_ANSWERS)
    assert [a.answers for a in deployment.assessments.all()] == [answers]
    if response.status_code != 200:
        assert "Acme north gate" not in response.content.decode()
    elif endpoint in ("detail", "patch"):
        assert (response.json()["id"], response.json()["name"]) == (deployment.id,
                                                                   "Acme north gate")


LIST_VISIBLE = {"citizen": set(), "acme_admin": {"Acme gate"}, "acme_operator": {"Acme gate"},
                "other_admin": {"Globex gate"}, "inspector": {"Acme gate", "Globex gate"},
                "distant_inspector": set(), "auditor": {"Acme gate"}}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_deployment_list_shows_what_each_persona_may_see(world, api_as, deployment_in,
                                                             persona):
    deployment_in(S.DRAFT, name="Acme gate")
    deployment_in(S.DRAFT, name="Globex gate", organisation=world.other_enterprise)
    response = api_as(world.user(persona)).get("/api/v1/deployments/")
    if persona == "anonymous":
        assert response.status_code == 401
        return
    assert {row["name"] for row in response.json()} == LIST_VISIBLE[persona]


CREATE_STATUS = {"anonymous": 401, "citizen": 403, "acme_admin": 201, "acme_operator": 403,
                 "other_admin": 201, "inspector": 403, "distant_inspector": 403, "auditor": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_enterprise_admins_create_deployments(world, api_as, persona):
    body = {"name": "New gate", "scenario": "access_control", "mode": "verification",
            "place_type": "campus", "interest": "private", "purposes": ["access_control"],
            "non_face_alternative": "Student card."}
    response = api_as(world.user(persona)).post("/api/v1/deployments/", body, format="json")
    assert response.status_code == CREATE_STATUS[persona]
    assert Deployment.objects.count() == (1 if response.status_code == 201 else 0)
    if response.status_code == 201:  # a draft of the creator's own organisation
        created = Deployment.objects.get()
        assert (created.name, created.status, created.organisation) == (
            "New gate", S.DRAFT, world.user(persona).memberships.get().organisation)
        assert response.json()["id"] == created.id


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_register_needs_no_login_and_is_the_same_for_everyone(world, api_as, deployment_in,
                                                                  persona):
    deployment = deployment_in(S.ACTIVE)
    client = api_as(world.user(persona))
    assert [row["id"] for row in client.get("/api/v1/register/").json()] == [deployment.id]
    assert client.get(f"/api/v1/register/{deployment.id}/").status_code == 200
