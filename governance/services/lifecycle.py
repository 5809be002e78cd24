"""The deployment lifecycle: which move is allowed from which status, by whom.

    draft ──submit──▶ pending_approval ──approve──▶ active ◀──resume── suspended
      │   (public interest)      │                   │ └──suspend──▶ ┘
      │                          └──reject──▶ rejected ──submit──▶ …
      └──submit (private interest, all blocking rules pass)──▶ active
    any status but decommissioned ──decommission──▶ decommissioned (terminal)

Each move locks the row, checks the role, then the status, writes the event row with actor
and reason, and commits as one transaction. A refused move changes nothing.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from governance.audit import acting_as
from governance.compliance.rules import violations
from governance.errors import DomainError, InvalidTransition, RuleViolations
from governance.models import (
    ChangeState,
    Decision,
    Deployment,
    DeploymentAction,
    DeploymentDecision,
    DeploymentStatus,
    Interest,
)
from governance.permissions import require
from governance.services.approvals import approval_proposal_close, deciding_regulator
from governance.services.assessments import impact_assessment_lock
from governance.services.events import deployment_event_record
from governance.services.filings import filing_open_for_activation, filing_open_for_termination
from governance.services.retention import retention_deployment_end

S = DeploymentStatus

# The verbs of the refusals below ("Give the reasons to reject.").
_ACTION_VERBS = {
    DeploymentAction.SUBMIT: _lazy("submit"), DeploymentAction.APPROVE: _lazy("approve"),
    DeploymentAction.REJECT: _lazy("reject"), DeploymentAction.SUSPEND: _lazy("suspend"),
    DeploymentAction.RESUME: _lazy("resume"), DeploymentAction.DECOMMISSION: _lazy("decommission"),
}


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    permission: str
    needs_reason: bool


TRANSITIONS: dict[str, Transition] = {
    DeploymentAction.SUBMIT: Transition(frozenset({S.DRAFT, S.REJECTED}),
                                        "deployment.manage", False),
    # Four eyes: a supervisor approves what another person of the regulator proposed
    # (governance.services.approvals).
    DeploymentAction.APPROVE: Transition(frozenset({S.PENDING_APPROVAL}),
                                         "deployment.approve", True),
    DeploymentAction.REJECT: Transition(frozenset({S.PENDING_APPROVAL}),
                                        "deployment.decide", True),
    DeploymentAction.SUSPEND: Transition(frozenset({S.ACTIVE}), "deployment.decide", True),
    DeploymentAction.RESUME: Transition(frozenset({S.SUSPENDED}), "deployment.decide", True),
    # Decommissioning destroys the biometric data at once: it says why, for the record.
    DeploymentAction.DECOMMISSION: Transition(
        frozenset({S.DRAFT, S.PENDING_APPROVAL, S.ACTIVE, S.SUSPENDED, S.REJECTED}),
        "deployment.manage", True),
}


def allowed_actions(*, deployment: Deployment, user: Any) -> list[str]:
    """The moves this user may make now (pages show only these buttons)."""
    from governance.permissions import can

    return [action for action, t in TRANSITIONS.items()
            if deployment.status in t.sources and can(user, t.permission, deployment)]


def _begin(deployment: Deployment, action: str, actor: Any, reason: str) -> Deployment:
    """Lock the row and check role, status and reason; return the locked row."""
    transition = TRANSITIONS[action]
    require(actor, transition.permission, deployment)
    locked = Deployment.objects.select_for_update().select_related("organisation").get(
        pk=deployment.pk)
    if locked.status not in transition.sources:
        raise InvalidTransition(
            _("Cannot %(action)s a deployment that is %(status)s.") % {
                "action": _ACTION_VERBS[action], "status": locked.get_status_display().lower()})
    if transition.needs_reason and not reason.strip():
        raise DomainError(_("Give the reasons to %(action)s.") % {"action": _ACTION_VERBS[action]},
                          code="reason_required")
    return locked


def _move(deployment: Deployment, action: str, to: str, actor: Any, reason: str) -> Deployment:
    source = deployment.status
    deployment.status = to
    now = timezone.now()
    if to == S.ACTIVE and deployment.activated_at is None:
        deployment.activated_at = now
    if to == S.DECOMMISSIONED:
        deployment.decommissioned_at = now
    with acting_as(actor):
        deployment.save()
    deployment_event_record(deployment=deployment, action=action, from_status=source,
                            actor=actor, reason=reason.strip())
    return deployment


def _require_compliance(deployment: Deployment) -> None:
    broken = violations(deployment)
    if broken:
        raise RuleViolations([f.as_violation() for f in broken])


@transaction.atomic
def deployment_submit(*, deployment: Deployment, actor: Any, reason: str = "") -> Deployment:
    """Run every blocking rule; lock the assessment; then wait for the regulator (public
    interest) or start running (private interest)."""
    deployment = _begin(deployment, DeploymentAction.SUBMIT, actor, reason)
    _require_compliance(deployment)
    now = timezone.now()
    assessment = (deployment.assessments.filter(completed_at__isnull=False)
                  .order_by("-version").first())
    impact_assessment_lock(assessment=assessment, at=now, actor=actor)
    deployment.submitted_at = now
    target = S.PENDING_APPROVAL if deployment.interest == Interest.PUBLIC else S.ACTIVE
    _move(deployment, DeploymentAction.SUBMIT, target, actor, reason)
    if target == S.ACTIVE:
        filing_open_for_activation(deployment=deployment)
    return deployment


@transaction.atomic
def deployment_approve(*, deployment: Deployment, actor: Any, reason: str,
                       legal_basis: str = "") -> Deployment:
    """The regulator's prior approval of a public-interest deployment: a supervisor decides
    on another person's open proposal (four eyes); the legal basis defaults to the
    proposal's."""
    deployment = _begin(deployment, DeploymentAction.APPROVE, actor, reason)
    _require_compliance(deployment)
    proposal = approval_proposal_close(deployment=deployment, actor=actor,
                                       decision=Decision.APPROVED, required=True)
    with acting_as(actor):
        DeploymentDecision.objects.create(
            deployment=deployment, regulator=deciding_regulator(actor, deployment),
            decision=Decision.APPROVED, reasons=reason.strip(),
            legal_basis=legal_basis.strip() or proposal.legal_basis, decided_by=actor)
    _move(deployment, DeploymentAction.APPROVE, S.ACTIVE, actor, reason)
    filing_open_for_activation(deployment=deployment)
    return deployment


@transaction.atomic
def deployment_reject(*, deployment: Deployment, actor: Any, reason: str) -> Deployment:
    """Refuse the deployment, with reasons; an open approval proposal is closed by this
    decision (never by its own proposer)."""
    deployment = _begin(deployment, DeploymentAction.REJECT, actor, reason)
    approval_proposal_close(deployment=deployment, actor=actor, decision=Decision.REJECTED,
                            required=False)
    with acting_as(actor):
        DeploymentDecision.objects.create(
            deployment=deployment, regulator=deciding_regulator(actor, deployment),
            decision=Decision.REJECTED, reasons=reason.strip(), decided_by=actor)
    return _move(deployment, DeploymentAction.REJECT, S.REJECTED, actor, reason)


@transaction.atomic
def deployment_suspend(*, deployment: Deployment, actor: Any, reason: str) -> Deployment:
    """Stop recognition at once; the policy gate refuses from the next request."""
    deployment = _begin(deployment, DeploymentAction.SUSPEND, actor, reason)
    return _move(deployment, DeploymentAction.SUSPEND, S.SUSPENDED, actor, reason)


@transaction.atomic
def deployment_resume(*, deployment: Deployment, actor: Any, reason: str) -> Deployment:
    deployment = _begin(deployment, DeploymentAction.RESUME, actor, reason)
    _require_compliance(deployment)
    return _move(deployment, DeploymentAction.RESUME, S.ACTIVE, actor, reason)


@transaction.atomic
def deployment_decommission(*, deployment: Deployment, actor: Any,
                            reason: str) -> Deployment:
    """End the deployment for good, with its reason; a filed deployment also files its
    termination. Its biometric data is due at once (destroyed after commit, except what a
    hold keeps); assessments, the consent ledger and certificates stay under their own rules.
    A pending change request lapses with it."""
    deployment = _begin(deployment, DeploymentAction.DECOMMISSION, actor, reason)
    _move(deployment, DeploymentAction.DECOMMISSION, S.DECOMMISSIONED, actor, reason)
    deployment.changes.filter(state=ChangeState.PENDING).update(state=ChangeState.WITHDRAWN)
    filing_open_for_termination(deployment=deployment)
    retention_deployment_end(deployment=deployment, at=deployment.decommissioned_at)
    return deployment


ACTIONS = {
    DeploymentAction.SUBMIT: deployment_submit,
    DeploymentAction.APPROVE: deployment_approve,
    DeploymentAction.REJECT: deployment_reject,
    DeploymentAction.SUSPEND: deployment_suspend,
    DeploymentAction.RESUME: deployment_resume,
    DeploymentAction.DECOMMISSION: deployment_decommission,
}
