"""Leak case pages (regulator): list, upload, progress, report, interception with a
confirmation that spells out the consequence. Same selectors and services as the API."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import LeakStatus
from complaints.selectors.leaks import leak_case_get_for_user, leak_cases_for_user
from complaints.services.leaks import leak_case_intercept, leak_case_open
from complaints.views.common import refused
from governance.errors import DomainError
from governance.permissions import Persona
from governance.views.pages import persona_required

PENDING = (LeakStatus.QUEUED, LeakStatus.RUNNING)


@persona_required(Persona.REGULATOR)
def leak_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            case = leak_case_open(actor=request.user, file=request.FILES.get("dump") or b"",
                                  title=request.POST.get("title", ""))
        except DomainError as exc:
            refused(request, exc)
        else:
            messages.success(request, _("The dump was sealed; its analysis has started."))
            return redirect("leak-case", case.id)
    return render(request, "complaints/leaks/list.html",
                  {"cases": leak_cases_for_user(user=request.user)[:200]})


@persona_required(Persona.REGULATOR)
def leak_case_page(request: HttpRequest, leak_case_id: int) -> HttpResponse:
    case = leak_case_get_for_user(user=request.user, case_id=leak_case_id)
    report = case.report or {}
    return render(request, "complaints/leaks/case.html", {
        "case": case, "pending": case.status in PENDING,
        "sources": report.get("sources", []), "canary_hits": report.get("canary_hits", []),
        "affected": report.get("affected_subjects", []),
        "same_people": report.get("same_people", []),
        "can_intercept": (case.status == LeakStatus.DONE and case.source_deployment_id
                          and case.intercepted_at is None)})


@persona_required(Persona.REGULATOR)
@require_POST
def leak_case_intercept_page(request: HttpRequest, leak_case_id: int) -> HttpResponse:
    case = leak_case_get_for_user(user=request.user, case_id=leak_case_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the interception."))
        return redirect("leak-case", case.id)
    try:
        leak_case_intercept(case=case, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The leak was intercepted."))
    return redirect("leak-case", case.id)
