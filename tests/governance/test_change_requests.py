"""After approval, a public-interest deployment changes only as the regulator allows.

Weakening changes (threshold up, liveness off, two-person confirmation off, a new place or
location, added purposes…) become change requests: 202 with the request's id, the deployment
stays as approved, each step is an event. Safer changes apply at once. Private deployments
change at once, with a change record that the register publishes.
"""

import pytest

from governance.models import (
    ChangeState,
    DeploymentChange,
    DeploymentEvent,
    DeploymentStatus,
    ImpactAssessment,
    ThresholdChange,
)
from governance.services.deployments import EDITABLE_FIELDS
from governance.services.policy import policy_check_deployment
from tests.factories import COMPLETE_ANSWERS

S = DeploymentStatus
WHY = {"change_reason": "Queues at peak hours."}


def state(deployment) -> dict:
    """Everything a change could touch, as stored now."""
    deployment.refresh_from_db()
    return {**{name: getattr(deployment, name) for name in EDITABLE_FIELDS},
            "purposes": sorted(deployment.purposes.values_list("code", flat=True)),
            "retention": sorted(deployment.retention_rules.values_list(
                "category", "period_days", "trigger")),
            "notices": deployment.notices.count(),
            "thresholds": deployment.threshold_changes.count()}


@pytest.fixture
def metro(deployment_in):
    """An approved Metro-style public-security deployment with liveness and a strict
    threshold."""
    return deployment_in(S.ACTIVE, public=True, requires_liveness=True, threshold=0.5,
                         location="Line 2")


def patch(client, deployment, body):
    return client.patch(f"/api/v1/deployments/{deployment.id}/", body, format="json")


def test_weakening_an_approved_deployment_files_a_change_request_and_changes_nothing(
        world, api_as, metro):
    before = state(metro)
    response = patch(api_as(world.acme_admin), metro,
                     {"requires_liveness": False, "threshold": 0.6, "location": "Line 3",
                      **WHY})
    assert response.status_code == 202
    body = response.json()
    assert body["outcome"] == "change_request"
    request = DeploymentChange.objects.get()
    assert body["change_request"]["id"] == request.id
    assert (request.state, request.requested_by, request.reason) == (
        ChangeState.PENDING, world.acme_admin, "Queues at peak hours.")
    assert request.changes == {"requires_liveness": {"before": True, "after": False},
                               "threshold": {"before": 0.5, "after": 0.6},
                               "location": {"before": "Line 2", "after": "Line 3"}}
    assert state(metro) == before  # runs as approved
    event = DeploymentEvent.objects.get(deployment=metro)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "change_request", world.acme_admin, S.ACTIVE, S.ACTIVE)
    assert f"Change request {request.id}" in event.reason


# body: the status the PATCH gets — 202 filed, or 400 when the rules engine already refuses
# the result (then nothing is filed either).
APPROVED_FACTS = [
    ({"two_person_confirmation": False}, 202),  # blocking in the EU pack only
    ({"place_type": "street"}, 202),
    ({"mode": "verification"}, 202), ({"purposes": ["public_security", "passenger_flow"]}, 202),
    ({"storage": "central", "central_storage_separate_consent": True}, 202),
    ({"interest": "private"}, 400), ({"expected_subjects": 5_000_000}, 202),
    ({"non_face_alternative": "Tickets are sold at the ticket office."}, 202),
    ({"retention_rules": [{"category": "face_template", "period_days": 900,
                           "trigger": "collection"}]}, 202),
]


@pytest.mark.parametrize(("body", "status"), APPROVED_FACTS)
def test_every_change_to_what_was_approved_waits_for_the_regulator(world, api_as, metro, body,
                                                                   status):
    metro.retention_rules.create(category="face_template", period_days=365,
                                 trigger="collection")
    before = state(metro)
    response = patch(api_as(world.acme_admin), metro, {**body, **WHY})
    assert response.status_code == status, response.json()
    if status == 400:
        assert response.json()["code"] == "rule_violations"
        assert not DeploymentChange.objects.exists()
    else:
        assert DeploymentChange.objects.get().state == ChangeState.PENDING
    assert state(metro) == before


@pytest.mark.parametrize(("body", "field", "after"), [
    ({"threshold": 0.4, "threshold_change_reason": "Stricter after the audit."},
     "threshold", 0.4),
    ({"requires_liveness": True}, "requires_liveness", True),
    ({"name": "Metro Line 2 (all stations)"}, "name", "Metro Line 2 (all stations)"),
])
def test_safer_and_neutral_changes_apply_at_once_with_a_change_record(world, api_as,
                                                                      deployment_in, body,
                                                                      field, after):
    metro = deployment_in(S.ACTIVE, public=True, threshold=0.5)
    response = patch(api_as(world.acme_admin), metro, body)
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "applied"
    metro.refresh_from_db()
    assert getattr(metro, field) == after
    change = DeploymentChange.objects.get()
    assert change.state == ChangeState.APPLIED
    assert change.changes[field]["after"] == after
    assert response.json()["change"]["id"] == change.id


def test_the_regulator_approves_and_only_then_the_change_takes_effect(world, api_as, metro):
    patch(api_as(world.acme_admin), metro,
          {"requires_liveness": False, "threshold": 0.6, **WHY})
    request = DeploymentChange.objects.get()
    url = f"/api/v1/deployments/{metro.id}/change-requests/{request.id}/approve/"
    response = api_as(world.inspector).post(url, {"reason": "Liveness fails in tunnels."},
                                            format="json")
    assert response.status_code == 200, response.json()
    metro.refresh_from_db()
    assert (metro.requires_liveness, metro.threshold) == (False, 0.6)
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.regulator) == (
        ChangeState.APPROVED, world.inspector, world.regulator)
    assert request.decision_reasons == "Liveness fails in tunnels."
    history = ThresholdChange.objects.filter(deployment=metro).order_by("id").last()
    assert (history.previous, history.threshold, history.reason) == (
        0.5, 0.6, "Queues at peak hours.")
    assert list(DeploymentEvent.objects.filter(deployment=metro)
                .values_list("action", flat=True)) == ["change_request", "change_approve"]
    register = api_as(None).get(f"/api/v1/register/{metro.id}/").json()
    [published] = register["change_history"]
    assert published["approved_by_regulator"] is True
    assert published["changes"]["requires_liveness"] == {"before": True, "after": False}


def test_the_regulator_rejects_and_the_deployment_stays_as_approved(world, api_as, metro):
    patch(api_as(world.acme_admin), metro, {"requires_liveness": False, **WHY})
    request = DeploymentChange.objects.get()
    before = state(metro)
    response = api_as(world.inspector).post(
        f"/api/v1/deployments/{metro.id}/change-requests/{request.id}/reject/",
        {"reason": "Photos fool the gates without it."}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    assert state(metro) == before
    assert DeploymentEvent.objects.filter(deployment=metro).last().action == "change_reject"
    assert api_as(None).get(f"/api/v1/register/{metro.id}/").json()["change_history"] == []


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_decision_needs_reasons(world, api_as, metro, decision):
    patch(api_as(world.acme_admin), metro, {"requires_liveness": False, **WHY})
    request = DeploymentChange.objects.get()
    before = state(metro)
    response = api_as(world.inspector).post(
        f"/api/v1/deployments/{metro.id}/change-requests/{request.id}/{decision}/",
        {"reason": "  "}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "reason_required")
    request.refresh_from_db()
    assert request.state == ChangeState.PENDING
    assert state(metro) == before
    assert DeploymentEvent.objects.filter(deployment=metro).count() == 1


@pytest.mark.parametrize(("persona", "status"), [
    ("acme_admin", 403), ("acme_operator", 403), ("auditor", 403), ("other_admin", 404),
    ("distant_inspector", 404), ("citizen", 404), ("anonymous", 401),
])
def test_only_a_regulator_with_a_mandate_decides(world, api_as, metro, persona, status):
    patch(api_as(world.acme_admin), metro, {"requires_liveness": False, **WHY})
    request = DeploymentChange.objects.get()
    response = api_as(world.user(persona)).post(
        f"/api/v1/deployments/{metro.id}/change-requests/{request.id}/approve/",
        {"reason": "Fine."}, format="json")
    assert response.status_code == status
    request.refresh_from_db()
    metro.refresh_from_db()
    assert (request.state, metro.requires_liveness) == (ChangeState.PENDING, True)


@pytest.mark.parametrize(("persona", "status"), [
    ("acme_admin", 200), ("acme_operator", 200), ("inspector", 200), ("auditor", 200),
    ("other_admin", 404), ("distant_inspector", 404), ("citizen", 404), ("anonymous", 401),
])
def test_the_change_requests_are_listed_to_those_who_see_the_deployment(world, api_as, metro,
                                                                        persona, status):
    patch(api_as(world.acme_admin), metro, {"requires_liveness": False, **WHY})
    response = api_as(world.user(persona)).get(
        f"/api/v1/deployments/{metro.id}/change-requests/?state=pending")
    assert response.status_code == status
    if status == 200:
        [row] = response.json()
        assert (row["deployment_id"], row["state"], row["changed_fields"]) == (
            metro.id, "pending", ["requires_liveness"])


def test_a_change_request_needs_its_reason_and_nothing_is_filed_without(world, api_as, metro):
    before = state(metro)
    response = patch(api_as(world.acme_admin), metro, {"requires_liveness": False})
    assert (response.status_code, response.json()["code"]) == (400, "reason_required")
    assert not DeploymentChange.objects.exists()
    assert not DeploymentEvent.objects.exists()
    assert state(metro) == before


def test_one_request_waits_at_a_time(world, api_as, metro):
    client = api_as(world.acme_admin)
    first = patch(client, metro, {"requires_liveness": False, **WHY}).json()
    response = patch(client, metro, {"location": "Line 9", **WHY})
    assert response.status_code == 409
    assert response.json()["code"] == "change_request_pending"
    assert response.json()["change_request_id"] == first["change_request"]["id"]
    assert DeploymentChange.objects.count() == 1
    withdrawn = client.post(f"/api/v1/deployments/{metro.id}/change-requests/"
                            f"{first['change_request']['id']}/withdraw/", {}, format="json")
    assert withdrawn.json()["state"] == "withdrawn"
    assert patch(client, metro, {"location": "Line 9", **WHY}).status_code == 202


def test_a_request_outdated_by_a_later_change_cannot_be_approved(world, api_as, metro):
    client = api_as(world.acme_admin)
    patch(client, metro, {"threshold": 0.6, **WHY})
    # A stricter threshold applies at once meanwhile: the request's "before" is stale.
    assert patch(client, metro, {"threshold": 0.45,
                                 "threshold_change_reason": "Audit."}).status_code == 200
    request = DeploymentChange.objects.get(state=ChangeState.PENDING)
    response = api_as(world.inspector).post(
        f"/api/v1/deployments/{metro.id}/change-requests/{request.id}/approve/",
        {"reason": "Fine."}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "change_request_outdated")
    metro.refresh_from_db()
    assert metro.threshold == 0.45


def test_a_new_purpose_is_approved_only_on_a_new_impact_assessment(world, api_as, metro):
    client = api_as(world.acme_admin)
    assert patch(client, metro, {"purposes": ["public_security", "passenger_flow"],
                                 **WHY}).status_code == 202
    request = DeploymentChange.objects.get()
    url = f"/api/v1/deployments/{metro.id}/change-requests/{request.id}/approve/"
    refused = api_as(world.inspector).post(url, {"reason": "Fine."}, format="json")
    assert refused.status_code == 400
    assert [v["rule"] for v in refused.json()["violations"]] == ["impact_assessment_current"]
    request.refresh_from_db()
    assert request.state == ChangeState.PENDING
    assert sorted(metro.purposes.values_list("code", flat=True)) == ["public_security"]
    assessed = client.put(f"/api/v1/deployments/{metro.id}/assessment/",
                          {"answers": COMPLETE_ANSWERS}, format="json")
    assert assessed.status_code == 200
    approved = api_as(world.inspector).post(url, {"reason": "Assessed."}, format="json")
    assert approved.status_code == 200, approved.json()
    assert sorted(metro.purposes.values_list("code", flat=True)) == [
        "passenger_flow", "public_security"]
    assert ImpactAssessment.objects.filter(deployment=metro).latest("version").is_locked


def test_the_policy_gate_keeps_the_approved_purposes_while_a_request_waits(world, api_as,
                                                                           metro):
    patch(api_as(world.acme_admin), metro,
          {"purposes": ["public_security", "passenger_flow"], **WHY})
    assert policy_check_deployment(deployment=metro, purpose="passenger_flow").code == (
        "purpose_not_allowed")


def test_a_private_deployment_changes_at_once_recorded_and_published(world, api_as,
                                                                     deployment_in):
    gate = deployment_in(S.ACTIVE, requires_liveness=True, location="Block A")
    response = patch(api_as(world.acme_admin), gate,
                     {"requires_liveness": False, "location": "Block B", **WHY})
    assert response.status_code == 200
    assert response.json()["outcome"] == "applied"
    gate.refresh_from_db()
    assert (gate.requires_liveness, gate.location) == (False, "Block B")
    change = DeploymentChange.objects.get()
    assert (change.state, change.requested_by) == (ChangeState.APPLIED, world.acme_admin)
    assert change.changes == {"requires_liveness": {"before": True, "after": False},
                              "location": {"before": "Block A", "after": "Block B"}}
    assert change.applied_at is not None
    [published] = api_as(None).get(f"/api/v1/register/{gate.id}/").json()["change_history"]
    assert published["changes"] == change.changes
    assert (published["reason"], published["approved_by_regulator"]) == (
        "Queues at peak hours.", False)
    assert "acme" not in str(published).lower()  # who changed it stays private


def test_a_private_change_that_breaks_a_blocking_rule_is_refused_with_nothing_stored(
        world, api_as, deployment_in):
    gate = deployment_in(S.ACTIVE)
    before = state(gate)
    response = patch(api_as(world.acme_admin), gate, {"non_face_alternative": "none"})
    assert response.status_code == 400
    assert [v["rule"] for v in response.json()["violations"]] == ["non_face_alternative"]
    assert state(gate) == before
    assert not DeploymentChange.objects.exists()
    assert not DeploymentEvent.objects.exists()


def test_drafts_change_freely_without_change_records(world, api_as, deployment_in):
    draft = deployment_in(S.DRAFT, public=True, requires_liveness=True, threshold=0.5)
    response = patch(api_as(world.acme_admin), draft, {"requires_liveness": False,
                                                       "threshold": 0.6})
    assert (response.status_code, response.json()["outcome"]) == (200, "applied")
    assert response.json()["change"] is None
    assert not DeploymentChange.objects.exists()


def test_decommissioning_lapses_a_waiting_request(world, api_as, metro):
    patch(api_as(world.acme_admin), metro, {"requires_liveness": False, **WHY})
    api_as(world.acme_admin).post(f"/api/v1/deployments/{metro.id}/decommission/",
                                  {"reason": "Line closed."}, format="json")
    assert DeploymentChange.objects.get().state == ChangeState.WITHDRAWN
