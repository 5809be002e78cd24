"""The lifecycle: each move allowed and forbidden by role and by status, each with its event.

Refused moves change nothing: the status stays, no event row, no decision, no lock.
"""

import pytest

from governance.models import (
    ApprovalProposal,
    Decision,
    DeploymentDecision,
    DeploymentEvent,
    DeploymentStatus,
)
from governance.services.approvals import approval_propose
from governance.services.policy import policy_check_deployment
from tests.governance.conftest import PERSONAS

S = DeploymentStatus

# action: (start status, public interest?, status after, who may)
MOVES = {
    "submit": (S.DRAFT, False, S.ACTIVE, "manager"),
    "approve": (S.PENDING_APPROVAL, True, S.ACTIVE, "approver"),
    "reject": (S.PENDING_APPROVAL, True, S.REJECTED, "regulator"),
    "suspend": (S.ACTIVE, False, S.SUSPENDED, "regulator"),
    "resume": (S.SUSPENDED, False, S.ACTIVE, "regulator"),
    "decommission": (S.ACTIVE, False, S.DECOMMISSIONED, "manager"),
}
# Who sees Acme's deployments at all (others get 404), and who may make which kind of move.
VISIBLE = {"acme_admin", "acme_operator", "inspector", "auditor"}
# Approving takes a supervisor deciding on another person's proposal (none of these personas:
# see test_four_eyes); the inspector's proposal is made first, so refusals are about the role.
MAY = {"manager": {"acme_admin"}, "regulator": {"inspector"}, "approver": set()}
DECIDER = {"manager": "acme_admin", "regulator": "inspector", "approver": "supervisor"}


def expected_status(action: str, persona: str) -> int:
    if persona == "anonymous":
        return 401
    if persona not in VISIBLE:
        return 404
    return 200 if persona in MAY[MOVES[action][3]] else 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", sorted(MOVES))
def test_each_move_is_allowed_only_to_its_role(world, api_as, deployment_in, action, persona):
    start, public, after, _ = MOVES[action]
    deployment = deployment_in(start, public=public)
    if action == "approve":
        approval_propose(deployment=deployment, actor=world.inspector, reason="Lawful.")
    response = api_as(world.user(persona)).post(
        f"/api/v1/deployments/{deployment.id}/{action}/", {"reason": "Reasons given."},
        format="json")
    assert response.status_code == expected_status(action, persona)
    deployment.refresh_from_db()
    events = DeploymentEvent.objects.filter(deployment=deployment)
    if response.status_code == 200:
        assert deployment.status == after
        assert response.json()["status"] == after
        event = events.get()
        assert (event.action, event.from_status, event.to_status) == (action, start, after)
        assert (event.actor, event.reason) == (world.user(persona), "Reasons given.")
    else:
        assert deployment.status == start
        assert not events.exists()
        assert not DeploymentDecision.objects.exists()
        assert not ApprovalProposal.objects.filter(decided_at__isnull=False).exists()


WRONG_STATES = [
    ("submit", S.ACTIVE), ("submit", S.PENDING_APPROVAL), ("submit", S.DECOMMISSIONED),
    ("approve", S.DRAFT), ("approve", S.ACTIVE), ("reject", S.ACTIVE), ("reject", S.DRAFT),
    ("suspend", S.DRAFT), ("suspend", S.SUSPENDED), ("resume", S.ACTIVE),
    ("resume", S.PENDING_APPROVAL), ("decommission", S.DECOMMISSIONED),
]


@pytest.mark.parametrize(("action", "start"), WRONG_STATES)
def test_a_move_from_the_wrong_status_is_a_conflict(world, api_as, deployment_in, action, start):
    deployment = deployment_in(start, public=True)
    actor = getattr(world, DECIDER[MOVES[action][3]])
    response = api_as(actor).post(f"/api/v1/deployments/{deployment.id}/{action}/",
                                  {"reason": "Because."}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    deployment.refresh_from_db()
    assert deployment.status == start
    assert not DeploymentEvent.objects.exists()


def recognition_refusal(deployment) -> str:
    """What the policy gate answers a recognition call on this deployment ("" = allowed)."""
    decision = policy_check_deployment(deployment=deployment, purpose="access_control")
    return "" if decision.allowed else decision.code


def test_a_public_interest_submission_waits_for_the_regulator(world, api_as, deployment_in):
    deployment = deployment_in(S.DRAFT, public=True)
    response = api_as(world.acme_admin).post(f"/api/v1/deployments/{deployment.id}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == S.PENDING_APPROVAL
    assert recognition_refusal(deployment) == "deployment_not_active"


def test_a_failing_submission_answers_400_with_violations_and_changes_nothing(
        world, api_as, deployment_in):
    deployment = deployment_in(S.DRAFT, place_type="hotel_room", non_face_alternative="")
    response = api_as(world.acme_admin).post(f"/api/v1/deployments/{deployment.id}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rule_violations"
    assert body["violations"] == [
        {"rule": "prohibited_place", "reference": "CAC Measures 2025 Art. 13(2)",
         "message": "Face recognition may not be installed in a hotel room "
                    "(CAC Measures 2025 Art. 13(2))."},
        {"rule": "non_face_alternative",
         "reference": "CAC Measures 2025 Art. 10; SPC 2021 Provisions Art. 10",
         "message": "Describe how a person who refuses face recognition gets the same service "
                    "(CAC Measures 2025 Art. 10; SPC 2021 Provisions Art. 10)."},
    ]
    deployment.refresh_from_db()
    assert (deployment.status, deployment.submitted_at) == (S.DRAFT, None)
    assert not DeploymentEvent.objects.exists()
    assert deployment.assessments.get().locked_at is None


def test_submission_locks_the_assessment_it_rests_on(world, api_as, deployment_in):
    deployment = deployment_in(S.DRAFT)
    api_as(world.acme_admin).post(f"/api/v1/deployments/{deployment.id}/submit/")
    deployment.refresh_from_db()
    assessment = deployment.assessments.get()
    assert assessment.locked_at == deployment.submitted_at
    assert deployment.activated_at is not None


@pytest.mark.parametrize("action", ["approve", "reject", "suspend", "resume"])
def test_a_regulator_decision_needs_reasons(world, api_as, deployment_in, action):
    deployment = deployment_in(MOVES[action][0], public=True)
    actor = getattr(world, DECIDER[MOVES[action][3]])
    response = api_as(actor).post(f"/api/v1/deployments/{deployment.id}/{action}/",
                                            {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    deployment.refresh_from_db()
    assert deployment.status == MOVES[action][0]
    assert not DeploymentEvent.objects.exists()


def test_an_approval_records_the_regulator_reasons_and_legal_basis(world, api_as, deployment_in):
    deployment = deployment_in(S.PENDING_APPROVAL, public=True)
    approval_propose(deployment=deployment, actor=world.inspector, reason="Proportionate.")
    response = api_as(world.supervisor).post(
        f"/api/v1/deployments/{deployment.id}/approve/",
        {"reason": "Proportionate to the threat.", "legal_basis": "Public Security Law Art. 5"},
        format="json")
    assert response.status_code == 200
    decision = DeploymentDecision.objects.get()
    assert (decision.decision, decision.regulator, decision.decided_by) == (
        Decision.APPROVED, world.regulator, world.supervisor)
    assert (decision.reasons, decision.legal_basis) == (
        "Proportionate to the threat.", "Public Security Law Art. 5")
    assert response.json()["decisions"][0]["reasons"] == "Proportionate to the threat."


def test_a_rejected_deployment_can_be_corrected_and_submitted_again(world, api_as, deployment_in):
    deployment = deployment_in(S.REJECTED, public=True)
    response = api_as(world.acme_admin).post(f"/api/v1/deployments/{deployment.id}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == S.PENDING_APPROVAL


def test_suspension_stops_recognition_from_the_next_request(world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    assert recognition_refusal(deployment) == ""
    api_as(world.inspector).post(f"/api/v1/deployments/{deployment.id}/suspend/",
                                 {"reason": "Complaint under investigation."}, format="json")
    # The stale instance still says active; the policy gate reads the stored status.
    assert deployment.status == S.ACTIVE
    assert recognition_refusal(deployment) == "deployment_not_active"
    assert recognition_refusal(deployment.id) == "deployment_not_active"


def test_resuming_rechecks_the_rules(world, api_as, deployment_in):
    deployment = deployment_in(S.SUSPENDED)
    deployment.notices.all().delete()
    response = api_as(world.inspector).post(f"/api/v1/deployments/{deployment.id}/resume/",
                                            {"reason": "Fixed."}, format="json")
    assert response.status_code == 400
    assert [v["rule"] for v in response.json()["violations"]] == ["notice_published"]
    deployment.refresh_from_db()
    assert deployment.status == S.SUSPENDED
