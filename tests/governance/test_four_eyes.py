"""Four eyes on a public-interest approval: an inspector proposes, a supervisor — another
person — decides. Enforced by the service (403/409 with a code) and by the database."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from governance.models import (
    ApprovalProposal,
    Decision,
    DeploymentDecision,
    DeploymentEvent,
    DeploymentStatus,
    Role,
)
from governance.services.approvals import approval_propose
from tests.factories import MembershipFactory

S = DeploymentStatus


@pytest.fixture
def pending(deployment_in):
    return deployment_in(S.PENDING_APPROVAL, public=True, location="Line 2, Central Station")


def approve(api_as, user, deployment, **extra):
    return api_as(user).post(f"/api/v1/deployments/{deployment.id}/approve/",
                             {"reason": "Necessary and proportionate.", **extra}, format="json")


def test_an_inspector_proposes_and_a_supervisor_approves(world, api_as, pending):
    response = api_as(world.inspector).post(
        f"/api/v1/deployments/{pending.id}/propose-approval/",
        {"reason": "Proportionate to the threat.", "legal_basis": "Public Security Law Art. 5"},
        format="json")
    assert response.status_code == 201
    assert response.json()["decided_at"] is None
    pending.refresh_from_db()
    assert pending.status == S.PENDING_APPROVAL  # a proposal alone approves nothing

    response = approve(api_as, world.supervisor, pending)
    assert response.status_code == 200
    assert response.json()["status"] == S.ACTIVE
    proposal = ApprovalProposal.objects.get()
    assert (proposal.proposed_by, proposal.decided_by, proposal.decision) == (
        world.inspector, world.supervisor, Decision.APPROVED)
    decision = DeploymentDecision.objects.get()
    assert (decision.decided_by, decision.legal_basis) == (
        world.supervisor, "Public Security Law Art. 5")


def test_approval_without_a_proposal_is_refused_and_changes_nothing(world, api_as, pending):
    response = approve(api_as, world.supervisor, pending)
    assert response.status_code == 409
    assert response.json()["code"] == "proposal_required"
    pending.refresh_from_db()
    assert pending.status == S.PENDING_APPROVAL
    assert not DeploymentDecision.objects.exists()
    assert not DeploymentEvent.objects.exists()


def test_the_proposer_cannot_decide_on_their_own_proposal(world, api_as, pending):
    supervisor = world.supervisor
    approval_propose(deployment=pending, actor=supervisor, reason="Proportionate.")
    response = approve(api_as, supervisor, pending)
    assert response.status_code == 409
    assert response.json()["code"] == "four_eyes"
    pending.refresh_from_db()
    assert pending.status == S.PENDING_APPROVAL
    assert ApprovalProposal.objects.get().decided_by is None
    assert not DeploymentDecision.objects.exists()
    assert not DeploymentEvent.objects.exists()


def test_the_proposer_cannot_reject_their_own_proposal_either(world, api_as, pending):
    approval_propose(deployment=pending, actor=world.inspector, reason="Proportionate.")
    response = api_as(world.inspector).post(f"/api/v1/deployments/{pending.id}/reject/",
                                            {"reason": "Changed my mind."}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "four_eyes")
    pending.refresh_from_db()
    assert pending.status == S.PENDING_APPROVAL


def test_an_inspector_may_propose_but_not_approve(world, api_as, pending):
    other_inspector = MembershipFactory(organisation=world.regulator, role=Role.INSPECTOR).user
    approval_propose(deployment=pending, actor=world.inspector, reason="Proportionate.")
    response = approve(api_as, other_inspector, pending)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    pending.refresh_from_db()
    assert pending.status == S.PENDING_APPROVAL
    assert ApprovalProposal.objects.get().decided_by is None


def test_the_database_refuses_a_proposal_decided_by_its_proposer(world, pending):
    proposal = approval_propose(deployment=pending, actor=world.inspector, reason="Fine.")
    proposal.decision = Decision.APPROVED
    proposal.decided_by = world.inspector
    proposal.decided_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save()


def test_the_database_allows_one_open_proposal_per_deployment(world, pending):
    approval_propose(deployment=pending, actor=world.inspector, reason="Fine.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalProposal.objects.create(deployment=pending, regulator=world.regulator,
                                        proposed_by=world.supervisor, reasons="Again.")


def test_a_second_proposal_while_one_waits_is_a_conflict(world, api_as, pending):
    approval_propose(deployment=pending, actor=world.inspector, reason="Fine.")
    response = api_as(world.supervisor).post(
        f"/api/v1/deployments/{pending.id}/propose-approval/", {"reason": "Me too."},
        format="json")
    assert (response.status_code, response.json()["code"]) == (409, "proposal_open")
    assert ApprovalProposal.objects.count() == 1


@pytest.mark.parametrize("persona", ["acme_admin", "distant_inspector", "citizen"])
def test_only_a_covering_regulator_proposes(world, api_as, pending, persona):
    response = api_as(world.user(persona)).post(
        f"/api/v1/deployments/{pending.id}/propose-approval/", {"reason": "Fine."},
        format="json")
    assert response.status_code in (403, 404)
    assert not ApprovalProposal.objects.exists()


def test_a_rejection_closes_the_open_proposal(world, api_as, pending):
    approval_propose(deployment=pending, actor=world.inspector, reason="Fine.")
    response = api_as(world.supervisor).post(f"/api/v1/deployments/{pending.id}/reject/",
                                             {"reason": "Not proportionate."}, format="json")
    assert response.status_code == 200
    proposal = ApprovalProposal.objects.get()
    assert (proposal.decision, proposal.decided_by) == (Decision.REJECTED, world.supervisor)


def test_the_decision_page_shows_everything_and_the_four_eyes_steps(world, client, pending):
    pending.notices.create(version=9, text="Cameras identify passengers at the gates.",
                           published_at=timezone.now())
    client.force_login(world.inspector)
    page = client.get(reverse("regulator-deployment", args=[pending.id])).content.decode()
    assert "Line 2, Central Station" in page
    assert "Cameras identify passengers at the gates." in page
    assert "Why is face recognition needed for this purpose?" in page  # assessment answers
    assert 'id="complaints"' in page and 'id="credit-grade"' in page
    assert "Propose approval" in page
    assert ">Approve<" not in page

    client.post(reverse("regulator-decide", args=[pending.id, "propose"]),
                {"reason": "Proportionate."})
    page = client.get(reverse("regulator-deployment", args=[pending.id])).content.decode()
    assert 'data-testid="own-proposal"' in page
    assert ">Approve<" not in page

    client.force_login(world.supervisor)
    page = client.get(reverse("regulator-deployment", args=[pending.id])).content.decode()
    assert ">Approve<" in page
    assert "Propose approval" not in page


def test_rejecting_on_the_page_asks_for_confirmation_first(world, client, pending):
    client.force_login(world.inspector)
    url = reverse("regulator-decide", args=[pending.id, "reject"])
    response = client.post(url, {"reason": "Not proportionate."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The operator receives your reasons" in page
    assert 'name="confirmed" value="yes"' in page
    pending.refresh_from_db()
    assert pending.status == S.PENDING_APPROVAL
    assert not DeploymentEvent.objects.exists()

    client.post(url, {"reason": "Not proportionate.", "confirmed": "yes"})
    pending.refresh_from_db()
    assert pending.status == S.REJECTED
    assert DeploymentEvent.objects.get().reason == "Not proportionate."


def test_approve_and_propose_are_disabled_with_reasons_while_rules_block(
        world, client, deployment_in):
    deployment = deployment_in(S.PENDING_APPROVAL, public=True, measured=False)
    client.force_login(world.inspector)
    page = client.get(reverse("regulator-deployment", args=[deployment.id])).content.decode()
    assert 'data-testid="blocked-reasons"' in page
    assert "Propose approval" in page
    assert "disabled>" in page.split("Propose approval")[0].rsplit("<button", 1)[1]


def test_the_queue_says_who_acts_next(world, client, pending):
    client.force_login(world.supervisor)
    page = client.get(reverse("regulator-approvals")).content.decode()
    assert "An inspector proposes" in page
    approval_propose(deployment=pending, actor=world.inspector, reason="Fine.")
    page = client.get(reverse("regulator-approvals")).content.decode()
    assert "A supervisor decides" in page
    assert f"proposed by {world.inspector.username}" in page
