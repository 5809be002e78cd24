"""Declaring and changing deployments through the API."""

import pytest

from governance.models import (
    Deployment,
    DeploymentEvent,
    DeploymentStatus,
    Filing,
    FilingKind,
    ThresholdChange,
)
from tests.factories import COMPLETE_ANSWERS

S = DeploymentStatus

NEW_GATE = {
    "name": "Residential gate — Block B",
    "scenario": "access_control", "mode": "verification",
    "place_type": "residential_community", "interest": "private",
    "purposes": ["access_control"],
    "non_face_alternative": "Residents may use their key card or ask the guard.",
    "retention_rules": [
        {"category": "face_template", "period_days": 365, "trigger": "last_interaction"},
        {"category": "recognition_event", "period_days": 5000, "trigger": "collection"},
    ],
    "notice": "Block B's gate recognises residents who consented. Cards always work.",
}


def test_an_admin_declares_a_draft_with_retention_and_notice(world, api_as):
    response = api_as(world.acme_admin).post("/api/v1/deployments/", NEW_GATE, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["organisation"]["name"], body["threshold"]) == (
        "draft", "Acme", 0.6)
    assert body["purposes"] == ["access_control"]
    assert body["notice"]["version"] == 1
    assert body["threshold_history"][0]["threshold"] == 0.6
    retention = {row["category"]: row for row in body["retention"]}
    assert retention["face_template"]["effective"] == {
        "period_days": 365, "trigger": "last_interaction", "source": "declared",
        "reference": "Declared by the operator"}
    assert retention["face_image"]["declared"] is None
    assert retention["face_image"]["effective"]["source"] == "statutory"
    assert retention["face_image"]["effective"]["reference"] == "BIPA 740 ILCS 14/15(a)"
    assert retention["recognition_event"]["effective"]["period_days"] == 5000
    assert body["events"][0]["action"] == "create"
    assert body["allowed_actions"] == ["submit", "decommission"]


def test_the_whole_path_to_an_active_deployment_goes_through_the_api(world, api_as):
    client = api_as(world.acme_admin)
    deployment_id = client.post("/api/v1/deployments/", NEW_GATE, format="json").json()["id"]
    refused = client.post(f"/api/v1/deployments/{deployment_id}/submit/")
    assert [v["rule"] for v in refused.json()["violations"]] == ["impact_assessment_current"]
    assessment = client.put(f"/api/v1/deployments/{deployment_id}/assessment/",
                            {"answers": COMPLETE_ANSWERS}, format="json")
    assert assessment.status_code == 200
    assert (assessment.json()["risk_level"], assessment.json()["missing"]) == ("low", [])
    submitted = client.post(f"/api/v1/deployments/{deployment_id}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "active"
    compliance = client.get(f"/api/v1/deployments/{deployment_id}/compliance/").json()
    assert compliance["compliant"] is True
    assert compliance["violations"] == []
    assert compliance["warnings"] == []
    assert len(compliance["results"]) == 18


def test_an_operator_cannot_declare_a_deployment(world, api_as):
    response = api_as(world.acme_operator).post("/api/v1/deployments/", NEW_GATE, format="json")
    assert response.status_code == 403
    assert not Deployment.objects.exists()


def test_an_admin_cannot_declare_for_another_enterprise(world, api_as):
    response = api_as(world.acme_admin).post(
        "/api/v1/deployments/", {**NEW_GATE, "organisation": world.other_enterprise.id},
        format="json")
    assert response.status_code == 403
    assert not Deployment.objects.exists()


def test_unknown_purposes_are_refused_and_nothing_is_stored(world, api_as):
    response = api_as(world.acme_admin).post(
        "/api/v1/deployments/", {**NEW_GATE, "purposes": ["mind_reading"]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_purpose"
    assert not Deployment.objects.exists()


def test_a_draft_changes_freely_and_a_material_change_dates_the_assessment(
        world, api_as, deployment_in):
    deployment = deployment_in(S.DRAFT)
    response = api_as(world.acme_admin).patch(
        f"/api/v1/deployments/{deployment.id}/", {"storage": "central"}, format="json")
    assert response.status_code == 200
    deployment.refresh_from_db()
    assert deployment.material_change_at is not None
    compliance = api_as(world.acme_admin).get(
        f"/api/v1/deployments/{deployment.id}/compliance/").json()
    assert {v["rule"] for v in compliance["violations"]} == {
        "impact_assessment_current", "central_storage_separate_consent"}


def test_material_facts_of_an_active_deployment_cannot_change(world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    response = api_as(world.acme_admin).patch(
        f"/api/v1/deployments/{deployment.id}/", {"purposes": ["attendance"]}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "material_change_not_allowed"
    assert list(deployment.purposes.values_list("code", flat=True)) == ["access_control"]
    assert not DeploymentEvent.objects.exists()


def test_a_change_that_breaks_a_rule_on_an_active_deployment_is_undone(
        world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE, public=True)
    response = api_as(world.acme_admin).patch(
        f"/api/v1/deployments/{deployment.id}/", {"two_person_confirmation": False},
        format="json")
    assert response.status_code == 400
    assert [v["rule"] for v in response.json()["violations"]] == [
        "public_identification_two_person_confirmation"]
    deployment.refresh_from_db()
    assert deployment.two_person_confirmation is True
    assert not DeploymentEvent.objects.exists()


def test_a_threshold_change_after_submission_needs_a_reason_and_is_kept(
        world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    client = api_as(world.acme_admin)
    refused = client.patch(f"/api/v1/deployments/{deployment.id}/", {"threshold": 0.5},
                           format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "reason_required"
    assert not ThresholdChange.objects.exists()
    response = client.patch(
        f"/api/v1/deployments/{deployment.id}/",
        {"threshold": 0.5, "threshold_change_reason": "Fewer false accepts in the audit."},
        format="json")
    assert response.status_code == 200
    change = ThresholdChange.objects.get()
    assert (change.previous, change.threshold, change.actor) == (0.6, 0.5, world.acme_admin)
    assert response.json()["threshold_history"][-1]["reason"] == (
        "Fewer false accepts in the audit.")
    event = DeploymentEvent.objects.get()
    assert (event.action, event.reason) == ("update", "Changed: threshold")


def test_the_threshold_stays_within_the_engine_range(world, api_as, deployment_in):
    deployment = deployment_in(S.DRAFT)
    response = api_as(world.acme_admin).patch(
        f"/api/v1/deployments/{deployment.id}/", {"threshold": 2.0}, format="json")
    assert response.status_code == 400
    deployment.refresh_from_db()
    assert deployment.threshold == 0.6


def test_a_change_to_a_filed_deployment_opens_a_change_filing(world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    Filing.objects.create(deployment=deployment, kind=FilingKind.INITIAL, trigger="t",
                          triggered_at=deployment.created_at, due_at=deployment.created_at)
    api_as(world.acme_admin).patch(f"/api/v1/deployments/{deployment.id}/",
                                   {"requires_liveness": True}, format="json")
    change = Filing.objects.get(kind=FilingKind.CHANGE)
    assert change.trigger == "Changed: requires_liveness"


def test_a_notice_edit_publishes_the_next_version(world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    response = api_as(world.acme_admin).patch(
        f"/api/v1/deployments/{deployment.id}/", {"notice": "New wording, same processing."},
        format="json")
    assert response.json()["notice"]["version"] == 2
    latest = deployment.notices.order_by("-version").first()
    assert (latest.version, latest.is_material_change) == (2, False)


@pytest.mark.parametrize("status", [S.DECOMMISSIONED])
def test_a_decommissioned_deployment_does_not_change(world, api_as, deployment_in, status):
    deployment = deployment_in(status)
    response = api_as(world.acme_admin).patch(
        f"/api/v1/deployments/{deployment.id}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 409
    deployment.refresh_from_db()
    assert deployment.name != "Renamed"


def test_a_threshold_change_is_in_the_audit_log_with_its_actor(world, api_as, deployment_in):
    from auditlog.models import LogEntry

    deployment = deployment_in(S.DRAFT)
    api_as(world.acme_admin).patch(f"/api/v1/deployments/{deployment.id}/",
                                   {"threshold": 0.5}, format="json")
    entries = LogEntry.objects.get_for_objects(Deployment.objects.filter(id=deployment.id))
    [entry] = [e for e in entries
               if e.action == LogEntry.Action.UPDATE and "threshold" in e.changes_dict]
    assert entry.actor == world.acme_admin
    assert entry.changes_dict["threshold"] == ["0.6", "0.5"]
