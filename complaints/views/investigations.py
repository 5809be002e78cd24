"""Investigation pages: the regulator's case list and case page, the enterprise's
investigations (RFIs to answer, orders to fulfil, breach reports). They read through the same
selectors as the API and write through the same services."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import InvestigationLogEntry
from complaints.selectors.investigations import (
    breach_list_for_user,
    investigation_get_for_user,
    investigation_list_for_user,
    order_get_for_user,
    rfi_get_for_user,
    viewer_is_regulator,
)
from complaints.services.enforcement import order_report_done, order_verify, rfi_answer
from complaints.services.evidence import custody_log
from complaints.services.investigations import allowed_moves
from complaints.views.common import refused
from governance.errors import DomainError
from governance.permissions import Persona
from governance.views.pages import persona_required


@persona_required(Persona.REGULATOR)
def case_list(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/investigations/list.html",
                  {"investigations": investigation_list_for_user(user=request.user)})


@persona_required(Persona.REGULATOR)
def case_page(request: HttpRequest, investigation_id: int) -> HttpResponse:
    investigation = investigation_get_for_user(user=request.user,
                                               investigation_id=investigation_id)
    if not viewer_is_regulator(user=request.user, investigation=investigation):
        return redirect("enterprise-investigations")
    evidence = [(item, custody_log(item=item)) for item in investigation.evidence.all()]
    return render(request, "complaints/investigations/case.html", {
        "investigation": investigation, "evidence": evidence,
        "timeline": InvestigationLogEntry.objects.filter(
            investigation_id=investigation.id).select_related("actor").order_by("sequence"),
        "moves": allowed_moves(investigation=investigation)})


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
