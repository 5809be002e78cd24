"""Investigation pages: the regulator's case list and case page, the enterprise's
investigations (RFIs to answer, orders to fulfil, breach reports). They read through the same
selectors as the API and write through the same services."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from complaints.models import InvestigationLogEntry, InvestigationStatus, OrderKind, PenaltyBasis
from complaints.selectors.investigations import (
    breach_list_for_user,
    enforcement_dashboard,
    inspector_get,
    inspectors_of_regulator,
    investigation_get_for_user,
    investigation_list_for_user,
    order_get_for_user,
    rfi_get_for_user,
    viewer_is_regulator,
)
from complaints.services.enforcement import (
    PenaltyInput,
    finding_record,
    order_issue,
    order_report_done,
    order_verify,
    penalty_impose,
    rfi_answer,
    rfi_send,
)
from complaints.services.evidence import custody_log
from complaints.services.investigations import (
    APPEAL_LODGED,
    APPEAL_RESOLVED,
    TransitionInput,
    allowed_moves,
    investigation_assign,
    investigation_transition,
)
from complaints.views.common import refused
from governance.errors import DomainError
from governance.permissions import Persona
from governance.platform.charts import Bar, bar_chart_svg
from governance.views.confirm import confirmation_needed
from governance.views.pages import persona_required


@persona_required(Persona.REGULATOR)
def case_list(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/investigations/list.html",
                  {"investigations": investigation_list_for_user(user=request.user)})


@persona_required(Persona.REGULATOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Cases by state (a chart), overdue requests and orders, penalties — for the
    investigations the user's regulator runs."""
    data = enforcement_dashboard(user=request.user)
    chart = bar_chart_svg(
        [Bar(label=label, value=count, title=f"{label}: {count}")
         for _value, label, count in data.by_state],
        title=_("Investigations by state"), x_label=_("State of the investigation"),
        y_label=_("Investigations"), legend=_("Investigations in this state"), show_values=True)
    return render(request, "complaints/investigations/dashboard.html",
                  {"data": data, "chart": chart})


@persona_required(Persona.REGULATOR)
def case_page(request: HttpRequest, investigation_id: int) -> HttpResponse:
    investigation = investigation_get_for_user(user=request.user,
                                               investigation_id=investigation_id)
    if not viewer_is_regulator(user=request.user, investigation=investigation):
        return redirect("enterprise-investigations")
    evidence = [(item, custody_log(item=item)) for item in investigation.evidence.all()]
    assigned = set(investigation.inspectors.values_list("id", flat=True))
    return render(request, "complaints/investigations/case.html", {
        "investigation": investigation, "evidence": evidence,
        "timeline": InvestigationLogEntry.objects.filter(
            investigation_id=investigation.id).select_related("actor").order_by("sequence"),
        "moves": [(to, move_label(to)) for to in allowed_moves(investigation=investigation)],
        "inspectors": investigation.inspectors.order_by("username"),
        "assignable": [u for u in inspectors_of_regulator(investigation=investigation)
                       if u.id not in assigned],
        "order_kinds": OrderKind.choices,
        "penalty_bases": PenaltyBasis.choices,
        "asking": investigation.status in (InvestigationStatus.OPENED,
                                           InvestigationStatus.GATHERING_EVIDENCE,
                                           InvestigationStatus.PRELIMINARY_FINDINGS),
        "deciding": investigation.status in (InvestigationStatus.DECIDED,
                                             InvestigationStatus.REMEDIES_ORDERED),
        "deciding_next": InvestigationStatus.DECIDED in allowed_moves(
            investigation=investigation)})


APPEAL_LABELS = {APPEAL_LODGED: gettext_lazy("Appeal lodged"),
                 APPEAL_RESOLVED: gettext_lazy("Appeal resolved")}


def move_label(to: str) -> str:
    """What a person reads for a next step of the case (never the machine code)."""
    if to in APPEAL_LABELS:
        return str(APPEAL_LABELS[to])
    return str(InvestigationStatus(to).label)


def _due_date(value: str) -> dt.datetime | None:
    """A date from the page's date field, due at the end of that day (local time)."""
    day = parse_date(value.strip()) if value and value.strip() else None
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def _case_action(request: HttpRequest, investigation_id: int,
                 act: Callable[[Any], object], done: str) -> HttpResponse:
    """Run one service on the case with the signed-in inspector; show its refusal or
    `done`, and return to the case page."""
    investigation = investigation_get_for_user(user=request.user,
                                               investigation_id=investigation_id)
    try:
        act(investigation)
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, done)
    return redirect("investigation-case", investigation_id=investigation_id)


@persona_required(Persona.REGULATOR)
@require_POST
def case_assign(request: HttpRequest, investigation_id: int) -> HttpResponse:
    def act(investigation: Any) -> object:
        try:
            inspector_id = int(request.POST.get("inspector", ""))
        except ValueError:
            raise DomainError(_("Choose an inspector."), code="inspector_required") from None
        return investigation_assign(investigation=investigation, actor=request.user,
                                    inspector=inspector_get(user_id=inspector_id),
                                    reason=request.POST.get("reason", ""))

    return _case_action(request, investigation_id, act, _("The inspector was assigned."))


@persona_required(Persona.REGULATOR)
@require_POST
def case_rfi_send(request: HttpRequest, investigation_id: int) -> HttpResponse:
    def act(investigation: Any) -> object:
        return rfi_send(investigation=investigation, actor=request.user,
                        questions=request.POST.get("questions", ""),
                        due_date=_due_date(request.POST.get("due_date", "")))

    return _case_action(request, investigation_id, act,
                        _("The request for information was sent to the enterprise."))


@persona_required(Persona.REGULATOR)
@require_POST
def case_finding(request: HttpRequest, investigation_id: int) -> HttpResponse:
    def act(investigation: Any) -> object:
        evidence_ids = [int(v) for v in request.POST.getlist("evidence") if v.isdigit()]
        return finding_record(investigation=investigation, actor=request.user,
                              rule_reference=request.POST.get("rule_reference", ""),
                              text=request.POST.get("text", ""), evidence_ids=evidence_ids)

    return _case_action(request, investigation_id, act, _("The finding was recorded."))


@persona_required(Persona.REGULATOR)
@require_POST
def case_order_issue(request: HttpRequest, investigation_id: int) -> HttpResponse:
    def act(investigation: Any) -> object:
        return order_issue(investigation=investigation, actor=request.user,
                           kind=request.POST.get("kind", ""), text=request.POST.get("text", ""),
                           due_date=_due_date(request.POST.get("due_date", "")))

    return _case_action(request, investigation_id, act, _("The order was issued."))


def _amount(value: str) -> Decimal | None:
    try:
        return Decimal(value.strip().replace(",", "")) if value and value.strip() else None
    except InvalidOperation:
        raise DomainError(_("Write the amount in yuan, e.g. 500000."),
                          code="invalid_amount") from None


@persona_required(Persona.REGULATOR)
@require_POST
def case_penalty(request: HttpRequest, investigation_id: int) -> HttpResponse:
    """A fine (PIPL Art. 66), after a confirmation that spells out what imposing it does."""
    investigation = investigation_get_for_user(user=request.user,
                                               investigation_id=investigation_id)
    # A named responsible person is fined apart from the processor (PIPL Art. 66 ¶ 2).
    target = (request.POST.get("responsible_person", "").strip()
              or (investigation.respondent.name if investigation.respondent_id
                  else _("the processor")))
    confirm = confirmation_needed(
        request, title=_("Impose this fine?"),
        consequence=_("A fine of %(amount)s CNY on %(target)s will be recorded in the case log "
                      "for good, published with the decision on the deployment's public "
                      "register and sent to the enterprise. It cannot be withdrawn here: only "
                      "an appeal can change it.") % {
            "amount": request.POST.get("amount_cny", "").strip() or "?", "target": target},
        confirm_label=_("Impose the fine"),
        back_url=reverse("investigation-case", args=[investigation_id]))
    if confirm is not None:
        return confirm

    def act(investigation: Any) -> object:
        amount = _amount(request.POST.get("amount_cny", ""))
        if amount is None:
            raise DomainError(_("Write the amount of the fine."), code="amount_required")
        return penalty_impose(investigation=investigation, actor=request.user, data=PenaltyInput(
            amount_cny=amount, basis=request.POST.get("basis", ""),
            turnover_cny=_amount(request.POST.get("turnover_cny", "")),
            responsible_person=request.POST.get("responsible_person", "")))

    return _case_action(request, investigation_id, act, _("The fine was imposed."))


@persona_required(Persona.REGULATOR)
@require_POST
def case_transition(request: HttpRequest, investigation_id: int) -> HttpResponse:
    def act(investigation: Any) -> object:
        return investigation_transition(
            investigation=investigation, actor=request.user, data=TransitionInput(
                to=request.POST.get("to", ""), reason=request.POST.get("reason", ""),
                legal_basis=request.POST.get("legal_basis", ""),
                appeal_route=request.POST.get("appeal_route", "")))

    return _case_action(request, investigation_id, act, _("The case moved on."))


@persona_required(Persona.ENTERPRISE)
def enterprise_list(request: HttpRequest) -> HttpResponse:
    investigations = investigation_list_for_user(user=request.user).prefetch_related(
        "rfis", "orders")
    return render(request, "complaints/investigations/enterprise.html", {
        "investigations": investigations, "breaches": breach_list_for_user(user=request.user)})


@persona_required(Persona.ENTERPRISE)
@require_POST
def enterprise_rfi_answer(request: HttpRequest, rfi_id: int) -> HttpResponse:
    rfi = rfi_get_for_user(user=request.user, rfi_id=rfi_id)
    try:
        rfi_answer(rfi=rfi, actor=request.user, answer=request.POST.get("answer", ""),
                   files=request.FILES.getlist("files"))
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Your answer was sent to the regulator."))
    return redirect("enterprise-investigations")


@persona_required(Persona.ENTERPRISE)
@require_POST
def enterprise_order_done(request: HttpRequest, order_id: int) -> HttpResponse:
    """The enterprise reports an order fulfilled, with files (same service as the API)."""
    order = order_get_for_user(user=request.user, order_id=order_id)
    try:
        order_report_done(order=order, actor=request.user, note=request.POST.get("note", ""),
                          files=request.FILES.getlist("files"))
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Your report was sent to the regulator for verification."))
    return redirect("enterprise-investigations")


@persona_required(Persona.REGULATOR)
@require_POST
def case_order_verify(request: HttpRequest, order_id: int) -> HttpResponse:
    """The inspector verifies a reported order, stating what was checked."""
    order = order_get_for_user(user=request.user, order_id=order_id)
    try:
        order_verify(order=order, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The order is verified."))
    return redirect("investigation-case", investigation_id=order.investigation_id)
