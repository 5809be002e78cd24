"""Four eyes on a public-interest approval (governance.models.approvals).

An inspector (or a supervisor) of a regulator whose mandate covers the operator proposes
the approval of a pending deployment, with reasons and the legal basis; a supervisor who is
not the proposer decides (governance.services.lifecycle.deployment_approve / _reject close
the proposal here). The database refuses a proposal decided by its own proposer too.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import acting_as
from governance.compliance.rules import violations
from governance.errors import Conflict, DomainError, InvalidTransition, RuleViolations
from governance.models import (
    ApprovalProposal,
    Deployment,
    DeploymentStatus,
    Organisation,
    OrganisationKind,
)
from governance.permissions import REGULATOR_DECIDERS, organisations_of, regulator_covers, require


def deciding_regulator(actor: Any, deployment: Deployment) -> Organisation:
    """The regulator (among the actor's) whose mandate covers the deployment."""
    regulators = organisations_of(actor, kind=OrganisationKind.REGULATOR,
                                  roles=REGULATOR_DECIDERS)
    return next(r for r in regulators if regulator_covers(r, deployment.organisation))


def approval_proposal_open(*, deployment: Deployment, lock: bool = False
                           ) -> ApprovalProposal | None:
    proposals = ApprovalProposal.objects.filter(deployment=deployment, decided_at__isnull=True)
    if lock:
        proposals = proposals.select_for_update()
    return proposals.select_related("proposed_by").first()


@transaction.atomic
def approval_propose(*, deployment: Deployment, actor: Any, reason: str,
                     legal_basis: str = "") -> ApprovalProposal:
    """The first pair of eyes: propose approving a pending deployment that passes every
    blocking rule. One open proposal per deployment (409 `proposal_open`)."""
    require(actor, "deployment.decide", deployment)
    locked = Deployment.objects.select_for_update().select_related("organisation").get(
        pk=deployment.pk)
    if locked.status != DeploymentStatus.PENDING_APPROVAL:
        raise InvalidTransition(
            _("Only a deployment waiting for approval can be proposed for approval; this one "
              "is %(status)s.") % {"status": locked.get_status_display().lower()})
    if not reason.strip():
        raise DomainError(_("Give the reasons for the proposal."), code="reason_required")
    if approval_proposal_open(deployment=locked) is not None:
        raise Conflict(_("An approval is already proposed and waits for a supervisor."),
                       code="proposal_open")
    broken = violations(locked)
    if broken:
        raise RuleViolations([f.as_violation() for f in broken])
    with acting_as(actor):
        return ApprovalProposal.objects.create(
            deployment=locked, regulator=deciding_regulator(actor, locked),
            proposed_by=actor, reasons=reason.strip(), legal_basis=legal_basis.strip())


def approval_proposal_close(*, deployment: Deployment, actor: Any, decision: str,
                            required: bool) -> ApprovalProposal | None:
    """Close the open proposal with the second person's decision (inside the caller's
    transaction). `required`: an approval needs a proposal (409 `proposal_required`); a
    rejection closes one if there is one. The proposer never decides (409 `four_eyes`)."""
    proposal = approval_proposal_open(deployment=deployment, lock=True)
    if proposal is None:
        if required:
            raise Conflict(_("An inspector must first propose the approval; a supervisor "
                             "then decides."), code="proposal_required")
        return None
    if proposal.proposed_by_id == actor.pk:
        raise Conflict(_("You proposed this approval: another person, a supervisor, must "
                         "decide on it."), code="four_eyes")
    proposal.decision = decision
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    with acting_as(actor):
        proposal.save(update_fields=["decision", "decided_by", "decided_at"])
    return proposal
