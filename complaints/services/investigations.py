"""Investigations: opening (with legal holds), assignment, and the state machine.

    opened ──▶ gathering_evidence ──▶ preliminary_findings ──▶ decided ──▶ remedies_ordered
                                      (hearing: the enterprise     │            │
                                       may answer until due)       │            ▼
                                                                   │   compliance_verified
                                                                   └──────────▶ closed ◀─┘
    appeal_lodged / appeal_resolved set or clear the appeal flag once decided.

Every move locks the row, checks the regulator's mandate and the table, writes the
investigation's chained log entry (actor and reason) and commits as one transaction; a refused
move changes nothing.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import (
    Decision,
    InformationRequest,
    Investigation,
    InvestigationLogEntry,
    InvestigationLogKind,
    InvestigationStatus,
    OrderKind,
    OrderStatus,
    Origin,
    RfiKind,
)
from complaints.permissions import regulators_of
from governance.errors import DomainError, InvalidTransition
from governance.models import Deployment, Organisation
from governance.permissions import require
from governance.platform.deadlines import DeadlineKind, due_at
from governance.platform.ledger import chain_append
from governance.services.retention import legal_hold_place

INVESTIGATION_LEDGER = "investigation log"
S = InvestigationStatus

# What a decision tells the respondent about challenging it (PIPL Art. 64 measures and Art. 66
# penalties are administrative acts: reconsideration, or an administrative suit).
APPEAL_ROUTE = gettext_lazy(
    "You may apply for administrative reconsideration within 60 days of receiving this "
    "decision, or bring an administrative lawsuit before a people's court within six months "
    "(Administrative Reconsideration Law Art. 20; Administrative Litigation Law Art. 46).")

APPEAL_LODGED, APPEAL_RESOLVED = "appeal_lodged", "appeal_resolved"


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    needs_reason: bool = True


TRANSITIONS: dict[str, Move] = {
    S.GATHERING_EVIDENCE: Move(frozenset({S.OPENED})),
    S.PRELIMINARY_FINDINGS: Move(frozenset({S.GATHERING_EVIDENCE})),
    S.DECIDED: Move(frozenset({S.PRELIMINARY_FINDINGS})),
    S.REMEDIES_ORDERED: Move(frozenset({S.DECIDED})),
    S.COMPLIANCE_VERIFIED: Move(frozenset({S.REMEDIES_ORDERED})),
    S.CLOSED: Move(frozenset({S.DECIDED, S.COMPLIANCE_VERIFIED})),
    APPEAL_LODGED: Move(frozenset({S.DECIDED, S.REMEDIES_ORDERED, S.COMPLIANCE_VERIFIED,
                                   S.CLOSED})),
    APPEAL_RESOLVED: Move(frozenset({S.DECIDED, S.REMEDIES_ORDERED, S.COMPLIANCE_VERIFIED,
                                     S.CLOSED})),
}


def investigation_lock(investigation: Investigation) -> Investigation:
    """The row, locked for the transaction: one writer per case, so its log stays in order."""
    return (Investigation.objects.select_for_update(of=("self",))
            .select_related("deployment__organisation", "respondent", "regulator")
            .get(pk=investigation.pk))


def investigation_log_append(*, investigation: Investigation, kind: str, actor: Any = None,
                             reason: str = "", detail: dict[str, Any] | None = None
                             ) -> InvestigationLogEntry:
    """One step of the case; the caller holds the investigation's row lock."""
    named = actor if getattr(actor, "pk", None) else None
    return chain_append(InvestigationLogEntry(
        investigation_id=investigation.id, kind=kind, actor=named, reason=str(reason),
        detail=detail or {}))


def _hold_until() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.FACEGOV_INVESTIGATION_HOLD_DAYS)


def _place_holds(investigation: Investigation, actor: Any, deployments: Iterable[Deployment]
                 ) -> None:
    """Keep everything the case concerns out of the retention sweep (the governance hold
    service checks the actor's mandate over each deployment)."""
    for deployment in deployments:
        hold = legal_hold_place(
            actor=actor, deployment=deployment, expires_at=_hold_until(),
            reason=_("Investigation %(id)s: %(title)s") % {"id": investigation.id,
                                                            "title": investigation.title})
        investigation.legal_holds.add(hold)
        investigation_log_append(investigation=investigation, kind=InvestigationLogKind.LEGAL_HOLD,
                                 actor=actor, detail={"hold_id": hold.id,
                                                      "deployment_id": deployment.id})


@transaction.atomic
def investigation_open(*, actor: Any, title: str, deployment: Deployment | None = None,
                       respondent: Organisation | None = None, origin: str = Origin.COMPLAINT,
                       reason: str = "", extra_deployments: Iterable[Deployment] = ()
                       ) -> Investigation:
    """Open a case (from triage, a breach report, or on the regulator's own initiative),
    assign the opener, and place legal holds on the deployments it concerns."""
    require(actor, "investigation.open")
    if not title.strip():
        raise DomainError(_("Give the investigation a title."), code="title_required")
    respondent = respondent or (deployment.organisation if deployment else None)
    regulator = _regulator_for(actor, respondent)
    investigation = Investigation.objects.create(
        regulator=regulator, deployment=deployment, respondent=respondent, origin=origin,
        title=title.strip()[:250], opened_by=actor)
    investigation.inspectors.add(actor)
    investigation = investigation_lock(investigation)
    investigation_log_append(investigation=investigation, kind=InvestigationLogKind.OPENED,
                             actor=actor, reason=reason, detail={"origin": origin})
    concerned = {d.id: d for d in [deployment, *extra_deployments] if d is not None}
    _place_holds(investigation, actor, concerned.values())
    return investigation


def _regulator_for(actor: Any, respondent: Organisation | None) -> Organisation:
    from governance.permissions import regulator_covers

    regulators = list(regulators_of(actor))
    covering = [r for r in regulators if respondent is None or regulator_covers(r, respondent)]
    if not covering:
        raise DomainError(_("This enterprise is outside your regulator's mandate."),
                          code="outside_mandate")
    return covering[0]


@transaction.atomic
def investigation_assign(*, investigation: Investigation, actor: Any, inspector: Any,
                         reason: str = "") -> Investigation:
    require(actor, "investigation.handle", investigation)
    investigation = investigation_lock(investigation)
    if not regulators_of(inspector).filter(id=investigation.regulator_id).exists():
        raise DomainError(_("Only inspectors of this regulator can be assigned."),
                          code="not_an_inspector")
    investigation.inspectors.add(inspector)
    investigation_log_append(investigation=investigation,
                             kind=InvestigationLogKind.INSPECTOR_ASSIGNED, actor=actor,
                             reason=reason, detail={"inspector_id": inspector.id})
    return investigation


@dataclass(frozen=True)
class TransitionInput:
    to: str
    reason: str
    legal_basis: str = ""
    appeal_route: str = ""


def allowed_moves(*, investigation: Investigation) -> list[str]:
    """The moves the table allows from the current status (pages show only these)."""
    return [to for to, move in TRANSITIONS.items()
            if investigation.status in move.sources
            and not (to == APPEAL_LODGED and investigation.under_appeal)
            and not (to == APPEAL_RESOLVED and not investigation.under_appeal)]


def _check_move(investigation: Investigation, data: TransitionInput) -> None:
    move = TRANSITIONS.get(data.to)
    if move is None:
        raise DomainError(_("Choose a valid next step."), code="invalid_status")
    if data.to not in allowed_moves(investigation=investigation):
        raise InvalidTransition(
            _("This step is not possible while the investigation is %(status)s.")
            % {"status": investigation.get_status_display().lower()})
    if move.needs_reason and not data.reason.strip():
        raise DomainError(_("Every step of an investigation states its reasons."),
                          code="reason_required")
    if data.to == S.DECIDED:
        _check_decision(investigation, data)
    if data.to == S.REMEDIES_ORDERED and not investigation.orders.exclude(
            kind=OrderKind.WARNING).exists():
        raise DomainError(_("Issue at least one order before ordering remedies."),
                          code="no_orders")
    if data.to == S.COMPLIANCE_VERIFIED and investigation.orders.exclude(
            kind=OrderKind.WARNING).exclude(status=OrderStatus.VERIFIED).exists():
        raise DomainError(_("Every order must be verified first."), code="orders_unverified")


def _check_decision(investigation: Investigation, data: TransitionInput) -> None:
    if not data.legal_basis.strip():
        raise DomainError(_("A decision states its legal basis."), code="legal_basis_required")
    hearing = investigation.rfis.filter(kind=RfiKind.HEARING).order_by("-id").first()
    if hearing and hearing.answered_at is None and timezone.now() <= hearing.due_date:
        raise DomainError(
            _("The enterprise may still answer the preliminary findings until %(due)s.")
            % {"due": timezone.localtime(hearing.due_date).strftime("%Y-%m-%d %H:%M")},
            code="hearing_period_running")


@transaction.atomic
def investigation_transition(*, investigation: Investigation, actor: Any,
                             data: TransitionInput) -> Investigation:
    """Move the case one step along the table, with reasons (a decision with its legal basis
    and route of appeal as a decision document)."""
    require(actor, "investigation.handle", investigation)
    investigation = investigation_lock(investigation)
    _check_move(investigation, data)
    previous = investigation.status
    if data.to in (APPEAL_LODGED, APPEAL_RESOLVED):
        investigation.under_appeal = data.to == APPEAL_LODGED
        investigation.save(update_fields=["under_appeal"])
        investigation_log_append(investigation=investigation, kind=InvestigationLogKind.APPEAL,
                                 actor=actor, reason=data.reason.strip(),
                                 detail={"under_appeal": investigation.under_appeal})
        return investigation
    investigation.status = data.to
    if data.to == S.PRELIMINARY_FINDINGS:
        _open_hearing(investigation, actor)
    if data.to == S.DECIDED:
        Decision.objects.create(
            investigation=investigation, reasons=data.reason.strip(),
            legal_basis=data.legal_basis.strip(),
            appeal_route=data.appeal_route.strip() or str(APPEAL_ROUTE), decided_by=actor,
            decided_at=timezone.now())
    if data.to == S.CLOSED:
        investigation.closed_at = timezone.now()
    investigation.save()
    investigation_log_append(investigation=investigation,
                             kind=InvestigationLogKind.STATUS_CHANGED, actor=actor,
                             reason=data.reason.strip(),
                             detail={"from": previous, "to": data.to})
    if data.to == S.DECIDED:
        _tell_parties(investigation)
    if data.to == S.CLOSED:
        _close_complaints(investigation, actor, data.reason.strip())
    return investigation


def _close_complaints(investigation: Investigation, actor: Any, reasons: str) -> None:
    """The complaints behind the case close with it (each tells its complainant)."""
    from complaints.models import CaseStatus
    from complaints.services.triage import complaint_close

    investigation_tell_respondent(investigation)
    for complaint in investigation.complaints.filter(status=CaseStatus.INVESTIGATING):
        complaint_close(complaint=complaint, actor=actor, reasons=reasons)


def _open_hearing(investigation: Investigation, actor: Any) -> None:
    """The enterprise is told the preliminary findings and may answer until the hearing is
    due; the answer goes through the same RFI answer as any request."""
    now = timezone.now()
    due = due_at(DeadlineKind.HEARING, now)
    findings = "\n".join(f"- {f.rule_reference}: {f.text}" for f in investigation.findings.all())
    rfi = InformationRequest.objects.create(
        investigation=investigation, kind=RfiKind.HEARING, sent_by=actor, sent_at=now,
        due_date=due, questions=_("Preliminary findings — you may answer them until the date "
                                  "due:\n%(findings)s") % {"findings": findings})
    investigation.hearing_due = due
    investigation_log_append(investigation=investigation, kind=InvestigationLogKind.RFI_SENT,
                             actor=actor, detail={"rfi_id": rfi.id, "kind": RfiKind.HEARING})
    investigation_tell_respondent(investigation)


def investigation_tell_respondent(investigation: Investigation) -> None:
    from complaints.tasks import investigation_notify_respondent_task

    transaction.on_commit(partial(investigation_notify_respondent_task.delay, investigation.id))


def _tell_parties(investigation: Investigation) -> None:
    from complaints.tasks import complaint_outcome_notify_task

    investigation_tell_respondent(investigation)
    for complaint_id in investigation.complaints.values_list("id", flat=True):
        transaction.on_commit(partial(complaint_outcome_notify_task.delay, complaint_id))
