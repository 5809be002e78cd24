"""The regulator decides on a change request; the operator may withdraw it while it waits.

A pending request (filed by governance.services.deployments.deployment_update) changes nothing
until it is approved. Approval applies exactly the recorded change, checks the rules engine on
the result and, for a material fact, requires an impact assessment completed after the request
was filed (it is then locked, as on submission). Each step writes its event row in the
deployment's history, in the same transaction. A refused step changes nothing.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.compliance.changes import current_value, field_labels, material_unsafe
from governance.errors import DomainError, InvalidTransition
from governance.models import (
    ChangeState,
    Deployment,
    DeploymentAction,
    DeploymentChange,
)
from governance.permissions import require
from governance.services.assessments import impact_assessment_lock
from governance.services.deployments import APPROVED_STATUSES, change_apply, change_recheck
from governance.services.events import deployment_event_record
from governance.services.lifecycle import deciding_regulator


def _lock(change: DeploymentChange) -> tuple[Deployment, DeploymentChange]:
    """The deployment first (one lock order with every other deployment write), then the
    request; a request that is no longer pending cannot be decided again."""
    deployment = (Deployment.objects.select_for_update().select_related("organisation")
                  .get(pk=change.deployment_id))
    change = DeploymentChange.objects.select_for_update().get(pk=change.pk)
    if change.state != ChangeState.PENDING:
        raise InvalidTransition(_("This change request is already %(state)s.")
                                % {"state": change.get_state_display().lower()})
    return deployment, change


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise DomainError(_("Give the reasons for the decision."), code="reason_required")
    return reason.strip()


def _decide(change: DeploymentChange, *, state: str, actor: Any, reasons: str,
            deployment: Deployment) -> None:
    now = timezone.now()
    change.state, change.decided_by, change.decided_at = state, actor, now
    change.decision_reasons = reasons
    change.regulator = deciding_regulator(actor, deployment)
    change.applied_at = now if state == ChangeState.APPROVED else None
    change.save()


def _check_not_outdated(deployment: Deployment, change: DeploymentChange) -> None:
    """The request was judged against the deployment as it was; if a field it changes has
    moved since (a safer change applied meanwhile), the regulator must see a fresh request."""
    moved = sorted(name for name, values in change.changes.items()
                   if current_value(deployment, name) != values["before"])
    if moved:
        raise InvalidTransition(
            _("The deployment changed since this request was filed (%(fields)s): reject it; "
              "the operator files it again.") % {"fields": field_labels(moved)},
            code="change_request_outdated", fields=moved)


def _lock_current_assessment(deployment: Deployment, actor: Any, at: Any) -> None:
    assessment = (deployment.assessments.filter(completed_at__isnull=False)
                  .order_by("-version").first())
    if assessment is not None:
        impact_assessment_lock(assessment=assessment, at=at, actor=actor)


@transaction.atomic
def deployment_change_approve(*, change: DeploymentChange, actor: Any,
                              reason: str) -> DeploymentChange:
    """Apply the requested change with the regulator's reasons; the rules engine must pass on
    the result, or nothing happens."""
    require(actor, "deployment.decide", change.deployment)
    deployment, change = _lock(change)
    reasons = _require_reason(reason)
    if deployment.status not in APPROVED_STATUSES:
        raise InvalidTransition(_("The deployment is %(status)s: there is nothing to change.")
                                % {"status": deployment.get_status_display().lower()})
    _check_not_outdated(deployment, change)
    # A material fact changed in an unsafe direction is assessed again: an assessment
    # completed after the request was filed counts.
    reassess = bool(material_unsafe(change.changes))
    change_apply(deployment=deployment, changes=change.changes, actor=change.requested_by,
                 threshold_reason=change.threshold_reason or change.reason,
                 material_at=change.requested_at if reassess else None)
    _decide(change, state=ChangeState.APPROVED, actor=actor, reasons=reasons,
            deployment=deployment)
    deployment_event_record(
        deployment=deployment, action=DeploymentAction.CHANGE_APPROVE,
        from_status=deployment.status, actor=actor,
        reason=f"Change request {change.id} approved ({field_labels(change.fields)}): {reasons}")
    change_recheck(deployment=deployment, changed=set(change.changes))
    if reassess:
        _lock_current_assessment(deployment, actor, change.applied_at)
    return change


@transaction.atomic
def deployment_change_reject(*, change: DeploymentChange, actor: Any,
                             reason: str) -> DeploymentChange:
    """The deployment stays as approved; the operator reads the reasons."""
    require(actor, "deployment.decide", change.deployment)
    deployment, change = _lock(change)
    reasons = _require_reason(reason)
    _decide(change, state=ChangeState.REJECTED, actor=actor, reasons=reasons,
            deployment=deployment)
    deployment_event_record(
        deployment=deployment, action=DeploymentAction.CHANGE_REJECT,
        from_status=deployment.status, actor=actor,
        reason=f"Change request {change.id} rejected: {reasons}")
    return change


@transaction.atomic
def deployment_change_withdraw(*, change: DeploymentChange, actor: Any,
                               reason: str = "") -> DeploymentChange:
    """The operator takes back a request the regulator has not decided yet."""
    require(actor, "deployment.manage", change.deployment)
    deployment, change = _lock(change)
    change.state = ChangeState.WITHDRAWN
    change.save(update_fields=["state"])
    note = f"Change request {change.id} withdrawn" + (f": {reason.strip()}"
                                                      if reason.strip() else "")
    deployment_event_record(deployment=deployment, action=DeploymentAction.CHANGE_WITHDRAW,
                            from_status=deployment.status, actor=actor, reason=note)
    return change


DECISIONS = {"approve": deployment_change_approve, "reject": deployment_change_reject,
             "withdraw": deployment_change_withdraw}
