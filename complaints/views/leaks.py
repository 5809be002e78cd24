"""Leak case pages (regulator): list, upload, progress, report, interception with a
confirmation that spells out the consequence. Same selectors and services as the API."""

from typing import Any

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
                  {"cases": leak_cases_for_user(user=request.user)[:200],
                   "galleries": canary_overview(user=request.user)})


def canary_overview(*, user: object) -> list[dict[str, object]]:
    """Deployments under the regulator's mandate with a gallery, and their canaries per copy
    (the regulator counts canaries; the enterprise never sees them)."""
    from django.db.models import Count

    from governance.models import Deployment
    from governance.permissions import enterprises_covered_by
    from recognition.models import Canary

    deployments = (Deployment.objects.filter(organisation__in=enterprises_covered_by(user),
                                             vault_key__isnull=False)
                   .select_related("organisation").order_by("name")[:200])
    counts = {row["deployment_id"]: row["n"] for row in Canary.objects.filter(
        deployment__in=deployments).values("deployment_id").annotate(n=Count("id"))}
    return [{"deployment": d, "canaries": counts.get(d.id, 0)} for d in deployments]


@persona_required(Persona.REGULATOR)
@require_POST
def leak_canaries_plant(request: HttpRequest) -> HttpResponse:
    from governance.models import Deployment
    from recognition.services.leaks import canaries_plant

    deployment = Deployment.objects.filter(pk=request.POST.get("deployment_id") or 0).first()
    if deployment is None:
        messages.error(request, _("Choose a deployment."))
        return redirect("leak-list")
    try:
        planted = canaries_plant(deployment=deployment, actor=request.user)
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("%(n)s canaries were planted in %(name)s's gallery copy.")
                         % {"n": len(planted), "name": deployment.name})
    return redirect("leak-list")


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
                          and case.intercepted_at is None),
        "source_device": _source_device(case, report)})


def _source_device(case: Any, report: dict[str, Any]) -> Any:
    from complaints.services.leaks import primary_source
    from recognition.models import Device

    source = primary_source(report) or {}
    if source.get("kind") != "device" or case.source_deployment_id is None:
        return None
    return Device.objects.filter(pk=source.get("device_id"),
                                 deployment_id=case.source_deployment_id).first()


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
