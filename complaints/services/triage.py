"""Triage: the regulator's decision on a case, with reasons, within 24 hours of receipt.

    received ──investigate / add_to_investigation──▶ investigating ──close──▶ closed
       │  └──inadmissible (reasons + route to court)──▶ inadmissible
       └──refer──▶ referred (the other regulator's 24 hours start) ──…the same decisions…

An urgent case may suspend its deployment in the same step, through the lifecycle service.
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import (
    TERMINAL,
    UNTRIAGED,
    CaseStatus,
    Complaint,
    Investigation,
    LogKind,
    Party,
    TriageDecision,
)
from complaints.permissions import regulators_of
from complaints.services.caselog import case_log_append, complaint_lock
from governance.errors import DomainError, InvalidTransition, NotFound
from governance.models import Organisation, OrganisationKind
from governance.permissions import require
from governance.platform.deadlines import DeadlineKind, due_at
from governance.services.lifecycle import deployment_suspend

# What an inadmissible decision tells the person about going to court (PIPL Art. 50: a
# refused request may be brought before a people's court; GDPR Art. 77(2)/78: the authority
# informs the complainant of the outcome and the judicial remedy).
ROUTE_TO_COURT = gettext_lazy(
    "If you disagree, you may bring the matter before a people's court (PIPL Art. 50), and you "
    "have the right to an effective judicial remedy against this decision (GDPR Art. 77(2), "
    "78(1)).")


@dataclass(frozen=True)
class TriageInput:
    decision: str
    reasons: str
    investigation_id: int | None = None
    refer_to_id: int | None = None
    route_to_court: str = ""
    suspend: bool = False


def _investigation_for(complaint: Complaint, actor: Any, data: TriageInput) -> Investigation:
    if data.decision == TriageDecision.ADD_TO_INVESTIGATION:
        found = Investigation.objects.filter(id=data.investigation_id,
                                             regulator__in=regulators_of(actor)).first()
        if found is None:
            raise NotFound(_("No such investigation."), code="investigation_not_found")
        return found
    regulator = complaint.regulator or regulators_of(actor).first()
    return Investigation.objects.create(
        regulator=regulator, deployment=complaint.deployment, opened_by=actor,
        title=_("%(about)s — %(category)s") % {"about": complaint.about,
                                                "category": complaint.get_category_display()})


def _referral_target(complaint: Complaint, data: TriageInput) -> Organisation:
    target = Organisation.objects.filter(id=data.refer_to_id,
                                         kind=OrganisationKind.REGULATOR).first()
    if target is None:
        raise NotFound(_("No such regulator."), code="regulator_not_found")
    if target.id == complaint.regulator_id:
        raise DomainError(_("The case is already with that regulator."),
                          code="same_regulator")
    return target


def _check(complaint: Complaint, data: TriageInput) -> None:
    if data.decision not in TriageDecision.values:
        raise DomainError(_("Choose a triage decision."), code="invalid_decision")
    if not data.reasons.strip():
        raise DomainError(_("A triage decision states its reasons."), code="reason_required")
    if complaint.status not in UNTRIAGED:
        raise InvalidTransition(_("This case was already triaged."), code="already_triaged")
    if data.decision == TriageDecision.ADD_TO_INVESTIGATION and not data.investigation_id:
        raise DomainError(_("Name the investigation to add the case to."),
                          code="investigation_required")
    if data.decision == TriageDecision.REFER and not data.refer_to_id:
        raise DomainError(_("Name the regulator to refer the case to."),
                          code="regulator_required")


@transaction.atomic
def complaint_triage(*, complaint: Complaint, actor: Any, data: TriageInput) -> Complaint:
    """Decide, with reasons; the complainant is told the outcome (after commit)."""
    from complaints.tasks import complaint_outcome_notify_task

    require(actor, "complaint.handle", complaint)
    complaint = complaint_lock(complaint)
    _check(complaint, data)
    now = timezone.now()
    detail: dict[str, Any] = {"decision": data.decision}
    if data.decision in (TriageDecision.INVESTIGATE, TriageDecision.ADD_TO_INVESTIGATION):
        complaint.investigation = _investigation_for(complaint, actor, data)
        complaint.status = CaseStatus.INVESTIGATING
        detail["investigation_id"] = complaint.investigation.id
    elif data.decision == TriageDecision.REFER:
        target = _referral_target(complaint, data)
        detail.update(from_regulator_id=complaint.regulator_id, to_regulator_id=target.id)
        complaint.regulator, complaint.region = target, target.region
        complaint.status = CaseStatus.REFERRED
        # The next regulator's own 24 hours; its clocks start again.
        complaint.triage_due = due_at(DeadlineKind.COMPLAINT_TRIAGE, now)
        complaint.escalated_at = complaint.overdue_at = None
    else:
        complaint.status = CaseStatus.INADMISSIBLE
        complaint.route_to_court = data.route_to_court.strip() or str(ROUTE_TO_COURT)
        complaint.closed_at = now
    complaint.triaged_at = complaint.triaged_at or now
    complaint.triage_decision, complaint.triage_reasons = data.decision, data.reasons.strip()
    complaint.last_news_at = now
    complaint.save()
    case_log_append(complaint=complaint, kind=LogKind.TRIAGED, party=Party.REGULATOR,
                    actor=actor, detail=detail)
    if data.suspend:
        _suspend(complaint, actor, data.reasons)
    if complaint.status in TERMINAL:
        from complaints.retention import complaint_retention_schedule

        complaint_retention_schedule(complaint=complaint)
    transaction.on_commit(partial(complaint_outcome_notify_task.delay, complaint.id))
    return complaint


def _suspend(complaint: Complaint, actor: Any, reason: str) -> None:
    if complaint.deployment is None:
        raise DomainError(_("An unregistered use has no deployment to suspend."),
                          code="no_deployment")
    deployment_suspend(deployment=complaint.deployment, actor=actor,
                       reason=_("Interim suspension on complaint %(id)s: %(reason)s")
                       % {"id": complaint.id, "reason": reason.strip()})
    case_log_append(complaint=complaint, kind=LogKind.INTERIM_SUSPENSION,
                    party=Party.REGULATOR, actor=actor,
                    detail={"deployment_id": complaint.deployment_id})


@transaction.atomic
def complaint_interim_suspend(*, complaint: Complaint, actor: Any, reason: str) -> Complaint:
    """Stop the deployment now while the case runs (the lifecycle service checks the
    regulator's mandate and the deployment's status, and records the event)."""
    require(actor, "complaint.handle", complaint)
    complaint = complaint_lock(complaint)
    if not reason.strip():
        raise DomainError(_("Give the reasons to suspend."), code="reason_required")
    _suspend(complaint, actor, reason)
    return complaint


@transaction.atomic
def complaint_close(*, complaint: Complaint, actor: Any, reasons: str) -> Complaint:
    """End a case under investigation (the investigation itself is the next issue's)."""
    from complaints.retention import complaint_retention_schedule
    from complaints.tasks import complaint_outcome_notify_task

    require(actor, "complaint.handle", complaint)
    complaint = complaint_lock(complaint)
    if complaint.status != CaseStatus.INVESTIGATING:
        raise InvalidTransition(_("Only a case under investigation can be closed."))
    if not reasons.strip():
        raise DomainError(_("Closing a case states its reasons."), code="reason_required")
    now = timezone.now()
    complaint.status, complaint.closed_at, complaint.last_news_at = CaseStatus.CLOSED, now, now
    complaint.closing_reasons = reasons.strip()
    complaint.save(update_fields=["status", "closed_at", "last_news_at", "closing_reasons"])
    case_log_append(complaint=complaint, kind=LogKind.STATUS_CHANGED, party=Party.REGULATOR,
                    actor=actor, detail={"status": CaseStatus.CLOSED, "reasons": reasons.strip()})
    complaint_retention_schedule(complaint=complaint)
    transaction.on_commit(partial(complaint_outcome_notify_task.delay, complaint.id))
    return complaint
