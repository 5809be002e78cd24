"""What an investigation asks and decides: requests for information, findings, orders and
penalties (PIPL Art. 63–66; GDPR Art. 58), each one transaction with its chained log entry.
Bad input is refused with a code before anything is written."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    EvidenceItem,
    Finding,
    InformationRequest,
    Investigation,
    InvestigationLogKind,
    InvestigationStatus,
    Order,
    OrderKind,
    OrderStatus,
    Penalty,
    PenaltyBasis,
)
from complaints.services.investigations import investigation_lock, investigation_log_append
from governance.errors import DomainError, InvalidTransition, NotPermitted
from governance.models import DeploymentStatus, SealedFile
from governance.permissions import can, require
from governance.platform.deadlines import DeadlineKind, due_at
from governance.platform.uploads import DOCUMENT_POLICY, upload_store
from governance.services.lifecycle import deployment_suspend

S = InvestigationStatus
ASKING = frozenset({S.OPENED, S.GATHERING_EVIDENCE, S.PRELIMINARY_FINDINGS})
DECIDING = frozenset({S.DECIDED, S.REMEDIES_ORDERED})
SWEEP_BATCH_SIZE = 500

# PIPL Art. 66 (in CNY). Para. 1: the processor up to 1 million; each directly responsible
# person 10,000–100,000. Para. 2 (serious): the processor up to 50 million or 5 % of the
# previous year's turnover; each responsible person 100,000–1 million.
ORDINARY_CAP = Decimal("1000000")
SERIOUS_CAP = Decimal("50000000")
SERIOUS_TURNOVER_SHARE = Decimal("0.05")
PERSON_RANGE = {PenaltyBasis.ORDINARY: (Decimal("10000"), Decimal("100000")),
                PenaltyBasis.SERIOUS: (Decimal("100000"), Decimal("1000000"))}


def _in_state(investigation: Investigation, states: frozenset[str]) -> None:
    if investigation.status not in states:
        raise InvalidTransition(
            _("Not possible while the investigation is %(status)s.")
            % {"status": investigation.get_status_display().lower()})


def _store_files(files: Sequence[Any], *, actor: Any, purpose: str,
                 investigation: Investigation) -> list[SealedFile]:
    return [upload_store(file=f, policy=DOCUMENT_POLICY, purpose=purpose, uploaded_by=actor,
                         organisation=investigation.respondent) for f in files]


# --- requests for information -----------------------------------------------------------------


@transaction.atomic
def rfi_send(*, investigation: Investigation, actor: Any, questions: str,
             due_date: dt.datetime | None = None) -> InformationRequest:
    """Ask the respondent; due in 10 working days unless the inspector sets a date."""
    require(actor, "investigation.handle", investigation)
    investigation = investigation_lock(investigation)
    _in_state(investigation, ASKING)
    now = timezone.now()
    if not questions.strip():
        raise DomainError(_("Write the questions."), code="questions_required")
    if due_date is not None and due_date <= now:
        raise DomainError(_("The date due must be in the future."), code="due_date_past")
    rfi = InformationRequest.objects.create(
        investigation=investigation, questions=questions.strip(), sent_by=actor, sent_at=now,
        due_date=due_date or due_at(DeadlineKind.INFORMATION_REQUEST, now))
    investigation_log_append(investigation=investigation, kind=InvestigationLogKind.RFI_SENT,
                             actor=actor, detail={"rfi_id": rfi.id,
                                                  "due_date": rfi.due_date.isoformat()})
    from complaints.services.investigations import investigation_tell_respondent

    investigation_tell_respondent(investigation)
    return rfi


@transaction.atomic
def rfi_answer(*, rfi: InformationRequest, actor: Any, answer: str,
               files: Sequence[Any] = ()) -> InformationRequest:
    """The respondent answers (with files, sealed). A late answer is recorded as late and is a
    finding of its own; after closure, or twice, nothing is accepted."""
    investigation = rfi.investigation
    if not can(actor, "investigation.respond", investigation):
        raise NotPermitted(_("Only the enterprise under investigation answers."))
    investigation = investigation_lock(investigation)
    rfi = InformationRequest.objects.select_for_update().get(pk=rfi.pk)
    if investigation.status == S.CLOSED:
        raise InvalidTransition(_("The investigation is closed."), code="investigation_closed")
    if rfi.answered_at is not None:
        raise InvalidTransition(_("This request was already answered."),
                                code="already_answered")
    if not answer.strip():
        raise DomainError(_("Write the answer."), code="answer_required")
    sealed = _store_files(files, actor=actor, purpose="rfi-answer", investigation=investigation)
    now = timezone.now()
    rfi.answer, rfi.answered_by, rfi.answered_at = answer.strip(), actor, now
    rfi.answered_late = now > rfi.due_date
    rfi.save()
    rfi.files.add(*sealed)
    investigation_log_append(investigation=investigation,
                             kind=InvestigationLogKind.RFI_ANSWERED, actor=actor,
                             detail={"rfi_id": rfi.id, "late": rfi.answered_late,
                                     "files": [f.sha256 for f in sealed]})
    if rfi.answered_late and not rfi.findings.exists():
        _rfi_finding(investigation, rfi, _("The request for information was answered late."))
    return rfi


def _rfi_finding(investigation: Investigation, rfi: InformationRequest, text: str) -> Finding:
    finding = Finding.objects.create(
        investigation=investigation, rfi=rfi, text=text, recorded_at=timezone.now(),
        rule_reference=_("PIPL Art. 63 (duty to assist and cooperate)"))
    investigation_log_append(investigation=investigation, kind=InvestigationLogKind.FINDING,
                             detail={"finding_id": finding.id, "rfi_id": rfi.id})
    return finding


# --- findings ----------------------------------------------------------------------------------


@transaction.atomic
def finding_record(*, investigation: Investigation, actor: Any, rule_reference: str,
                   text: str, evidence_ids: Sequence[int] = ()) -> Finding:
    """A finding cites a rule of the rules engine or a legal reference, and the evidence."""
    require(actor, "investigation.handle", investigation)
    investigation = investigation_lock(investigation)
    _in_state(investigation, ASKING)
    if not rule_reference.strip() or not text.strip():
        raise DomainError(_("A finding cites a rule or legal reference and states what was "
                            "found."), code="finding_incomplete")
    evidence = list(EvidenceItem.objects.filter(investigation=investigation,
                                                id__in=evidence_ids))
    if len(evidence) != len(set(evidence_ids)):
        raise DomainError(_("Link only evidence of this investigation."),
                          code="evidence_not_found")
    finding = Finding.objects.create(investigation=investigation,
                                     rule_reference=rule_reference.strip(), text=text.strip(),
                                     recorded_by=actor, recorded_at=timezone.now())
    finding.evidence.add(*evidence)
    investigation_log_append(investigation=investigation, kind=InvestigationLogKind.FINDING,
                             actor=actor, detail={"finding_id": finding.id,
                                                  "evidence": [e.id for e in evidence]})
    return finding


# --- orders ------------------------------------------------------------------------------------


@transaction.atomic
def order_issue(*, investigation: Investigation, actor: Any, kind: str, text: str,
                due_date: dt.datetime | None) -> Order:
    """A warning, a rectification order, a suspension (through the lifecycle service, at
    once) or an order to decommission (the enterprise does it; the inspector verifies)."""
    require(actor, "investigation.handle", investigation)
    investigation = investigation_lock(investigation)
    _in_state(investigation, DECIDING)
    if kind not in OrderKind.values:
        raise DomainError(_("Choose the kind of order."), code="invalid_kind")
    if not text.strip():
        raise DomainError(_("Write what the order requires."), code="text_required")
    if due_date is None:
        raise DomainError(_("An order states the date it is due."), code="due_date_required")
    if due_date <= timezone.now():
        raise DomainError(_("The date due must be in the future."), code="due_date_past")
    deployment = investigation.deployment
    if kind in (OrderKind.SUSPENSION, OrderKind.DECOMMISSION) and deployment is None:
        raise DomainError(_("This investigation concerns no registered deployment."),
                          code="no_deployment")
    now = timezone.now()
    order = Order.objects.create(investigation=investigation, kind=kind, text=text.strip(),
                                 due_date=due_date, issued_by=actor, issued_at=now)
    if kind == OrderKind.SUSPENSION:
        if deployment.status == DeploymentStatus.ACTIVE:
            deployment_suspend(deployment=deployment, actor=actor, reason=text.strip())
        order.status, order.verified_by, order.verified_at = OrderStatus.VERIFIED, actor, now
        order.save()
    investigation_log_append(investigation=investigation, kind=InvestigationLogKind.ORDER,
                             actor=actor, reason=text.strip(),
                             detail={"order_id": order.id, "kind": kind,
                                     "due_date": due_date.isoformat()})
    from complaints.services.investigations import investigation_tell_respondent

    investigation_tell_respondent(investigation)
    return order


@transaction.atomic
def order_report_done(*, order: Order, actor: Any, note: str,
                      files: Sequence[Any] = ()) -> Order:
    """The enterprise reports the order fulfilled, with evidence."""
    investigation = order.investigation
    if not can(actor, "investigation.respond", investigation):
        raise NotPermitted(_("Only the enterprise under investigation reports an order done."))
    investigation = investigation_lock(investigation)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if investigation.status == S.CLOSED:
        raise InvalidTransition(_("The investigation is closed."), code="investigation_closed")
    if order.status != OrderStatus.ISSUED or order.kind == OrderKind.WARNING:
        raise InvalidTransition(_("This order awaits no report."), code="order_not_open")
    if not note.strip():
        raise DomainError(_("Describe what was done."), code="note_required")
    sealed = _store_files(files, actor=actor, purpose="order-done", investigation=investigation)
    order.status, order.done_at, order.done_note = OrderStatus.DONE, timezone.now(), note.strip()
    order.save()
    order.done_files.add(*sealed)
    investigation_log_append(investigation=investigation, kind=InvestigationLogKind.ORDER_DONE,
                             actor=actor, reason=note.strip(),
                             detail={"order_id": order.id, "files": [f.sha256 for f in sealed]})
    return order


@transaction.atomic
def order_verify(*, order: Order, actor: Any, reason: str) -> Order:
    """The inspector checks the enterprise's report (a decommissioning against the
    deployment's own status)."""
    investigation = order.investigation
    require(actor, "investigation.handle", investigation)
    investigation = investigation_lock(investigation)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.DONE:
        raise InvalidTransition(_("The enterprise has not reported this order done."),
                                code="order_not_done")
    if not reason.strip():
        raise DomainError(_("State what was verified."), code="reason_required")
    if (order.kind == OrderKind.DECOMMISSION
            and investigation.deployment.status != DeploymentStatus.DECOMMISSIONED):
        raise DomainError(_("The deployment is not decommissioned."),
                          code="not_decommissioned")
    order.status, order.verified_by, order.verified_at = (OrderStatus.VERIFIED, actor,
                                                          timezone.now())
    order.save()
    investigation_log_append(investigation=investigation,
                             kind=InvestigationLogKind.ORDER_VERIFIED, actor=actor,
                             reason=reason.strip(), detail={"order_id": order.id})
    return order


# --- penalties ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PenaltyInput:
    amount_cny: Decimal
    basis: str
    turnover_cny: Decimal | None = None
    responsible_person: str = ""


def penalty_cap(data: PenaltyInput) -> tuple[Decimal, Decimal]:
    """(minimum, maximum) fine that PIPL Art. 66 allows for this basis and target."""
    if data.responsible_person.strip():
        return PERSON_RANGE[data.basis]
    if data.basis == PenaltyBasis.ORDINARY:
        return Decimal("0.01"), ORDINARY_CAP
    turnover_cap = (data.turnover_cny or Decimal(0)) * SERIOUS_TURNOVER_SHARE
    return Decimal("0.01"), max(SERIOUS_CAP, turnover_cap)


def _check_penalty(data: PenaltyInput) -> Decimal:
    if data.basis not in PenaltyBasis.values:
        raise DomainError(_("Choose ordinary or serious."), code="invalid_basis")
    if data.turnover_cny is not None and data.turnover_cny < 0:
        raise DomainError(_("Turnover cannot be negative."), code="invalid_turnover")
    low, cap = penalty_cap(data)
    if data.amount_cny > cap:
        raise DomainError(_("The amount exceeds the cap of %(cap)s CNY that PIPL Art. 66 "
                            "allows here.") % {"cap": f"{cap:,.0f}"},
                          code="penalty_above_cap", cap_cny=str(cap))
    if data.amount_cny < low:
        raise DomainError(_("The amount is below the minimum of %(low)s CNY that PIPL Art. 66 "
                            "sets here.") % {"low": f"{low:,.0f}"},
                          code="penalty_below_minimum", minimum_cny=str(low))
    return cap


@transaction.atomic
def penalty_impose(*, investigation: Investigation, actor: Any, data: PenaltyInput) -> Penalty:
    """A fine on the processor, or on a named responsible person (kept apart), within the
    Art. 66 tier; the turnover is recorded when the 5 % cap is relied on."""
    require(actor, "investigation.handle", investigation)
    investigation = investigation_lock(investigation)
    _in_state(investigation, DECIDING)
    cap = _check_penalty(data)
    penalty = Penalty.objects.create(
        investigation=investigation, basis=data.basis, amount_cny=data.amount_cny,
        turnover_cny=data.turnover_cny, cap_cny=cap,
        responsible_person=data.responsible_person.strip(), imposed_by=actor,
        imposed_at=timezone.now())
    investigation_log_append(investigation=investigation, kind=InvestigationLogKind.PENALTY,
                             actor=actor, detail={"penalty_id": penalty.id,
                                                  "amount_cny": str(penalty.amount_cny),
                                                  "basis": penalty.basis,
                                                  "person": bool(penalty.responsible_person)})
    return penalty


# --- clocks ------------------------------------------------------------------------------------


def enforcement_flag_overdue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Flag every unanswered RFI and unfulfilled order past its date, once each (idempotent:
    a restarted worker flags what the killed one did not). An unanswered RFI is a finding."""
    now = now or timezone.now()
    rfis = list(InformationRequest.objects.filter(
        answered_at__isnull=True, overdue_at__isnull=True, due_date__lt=now)
        .values_list("id", flat=True)[:SWEEP_BATCH_SIZE])
    orders = list(Order.objects.filter(
        status=OrderStatus.ISSUED, overdue_at__isnull=True, due_date__lt=now)
        .exclude(kind=OrderKind.WARNING).values_list("id", flat=True)[:SWEEP_BATCH_SIZE])
    flagged_rfis = sum(_flag_rfi(rfi_id, now) for rfi_id in rfis)
    flagged_orders = sum(_flag_order(order_id, now) for order_id in orders)
    return {"rfis": flagged_rfis, "orders": flagged_orders}


@transaction.atomic
def _flag_rfi(rfi_id: int, now: dt.datetime) -> bool:
    rfi = InformationRequest.objects.select_related("investigation").get(pk=rfi_id)
    investigation = investigation_lock(rfi.investigation)
    rfi = InformationRequest.objects.select_for_update().get(pk=rfi_id)
    if rfi.overdue_at is not None or rfi.answered_at is not None:
        return False
    rfi.overdue_at = now
    rfi.save(update_fields=["overdue_at"])
    investigation_log_append(investigation=investigation, kind=InvestigationLogKind.RFI_OVERDUE,
                             detail={"rfi_id": rfi.id})
    _rfi_finding(investigation, rfi, _("The request for information was not answered by the "
                                       "date due."))
    return True


@transaction.atomic
def _flag_order(order_id: int, now: dt.datetime) -> bool:
    order = Order.objects.select_related("investigation").get(pk=order_id)
    investigation = investigation_lock(order.investigation)
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.overdue_at is not None or order.status != OrderStatus.ISSUED:
        return False
    order.overdue_at = now
    order.save(update_fields=["overdue_at"])
    investigation_log_append(investigation=investigation,
                             kind=InvestigationLogKind.ORDER_OVERDUE,
                             detail={"order_id": order.id})
    return True
