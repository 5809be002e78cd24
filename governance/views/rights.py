"""Rights-request pages: the citizen's requests and downloads; the enterprise's inbox with a
deadline countdown, consent records and who must renew."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance.errors import DomainError
from governance.models import RequestType, RightsRequest
from governance.permissions import Persona, can, organisations_of
from governance.platform.deadlines import time_left
from governance.selectors.consent import consent_list_for_user, deployments_open_to_citizens
from governance.selectors.exports import export_for_page
from governance.selectors.rights import rights_request_get_for_user, rights_request_list_for_user
from governance.services.exports import rights_export_open
from governance.services.rights import (
    rights_request_extend,
    rights_request_file,
    rights_request_fulfil,
    rights_request_reject,
    rights_request_start,
    rights_restriction_lift,
)
from governance.views.consent import deployment_for_page, run_service
from governance.views.pages import persona_required


def _request_for_page(request: HttpRequest, request_id: int) -> RightsRequest:
    return rights_request_get_for_user(user=request.user, request_id=request_id)


def _with_countdown(requests: Any) -> list[RightsRequest]:
    rows = list(requests)
    for row in rows:
        row.time_left = time_left(row.due_at)
        row.days_left = row.time_left.days
    return rows


@persona_required(Persona.CITIZEN)
def citizen_requests(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        deployment = deployment_for_page(request, int(request.POST.get("deployment") or 0))
        run_service(request, lambda: rights_request_file(
            citizen=request.user, deployment=deployment, type=request.POST.get("type", ""),
            details=request.POST.get("details", "")), _("Your request was received."))
        return redirect("citizen-requests")
    context = {"requests": _with_countdown(rights_request_list_for_user(user=request.user)
                                           .filter(citizen=request.user)),
               "types": RequestType.choices, "deployments": deployments_open_to_citizens()}
    return render(request, "governance/rights/citizen_requests.html", context)


@persona_required(Persona.CITIZEN)
def citizen_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    found = _request_for_page(request, request_id)
    if found.citizen_id != request.user.id:
        raise Http404
    document, error, export = None, "", getattr(found, "export", None)
    if export is not None and request.GET.get("show") == "export":
        try:
            document = export_for_page(rights_export_open(export=export))
        except DomainError as exc:
            error = exc.detail
    return render(request, "governance/rights/citizen_request_detail.html",
                  {"req": found, "export": export, "document": document, "error": error})


@persona_required(Persona.ENTERPRISE)
def enterprise_requests(request: HttpRequest) -> HttpResponse:
    own = set(organisations_of(request.user).values_list("id", flat=True))
    inbox = rights_request_list_for_user(user=request.user).filter(
        deployment__organisation__in=own)
    state = request.GET.get("state", "")
    if state:
        inbox = inbox.filter(state=state)
    return render(request, "governance/rights/enterprise_requests.html",
                  {"requests": _with_countdown(inbox), "state": state})


@persona_required(Persona.ENTERPRISE)
def enterprise_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    found = _request_for_page(request, request_id)
    found.time_left = time_left(found.due_at)
    return render(request, "governance/rights/enterprise_request_detail.html",
                  {"req": found, "can_handle": can(request.user, "rights_request.handle", found)})


_ACTIONS = {
    "start": (lambda r, u, p: rights_request_start(request=r, actor=u), "Work started."),
    "extend": (lambda r, u, p: rights_request_extend(request=r, actor=u,
                                                     reason=p.get("reason", "")),
               "Extended; the citizen is told why."),
    "fulfil": (lambda r, u, p: rights_request_fulfil(request=r, actor=u,
                                                     response=p.get("response", "")),
               "Answered."),
    "reject": (lambda r, u, p: rights_request_reject(request=r, actor=u,
                                                     reason=p.get("reason", ""),
                                                     court_route=p.get("court_route", "")),
               "Rejected; the citizen has your reasons and the route to court."),
    "lift_restriction": (lambda r, u, p: rights_restriction_lift(request=r, actor=u,
                                                                 reason=p.get("reason", "")),
                         gettext_lazy("Restriction lifted; the citizen is told why.")),
}


@require_POST
@persona_required(Persona.ENTERPRISE)
def enterprise_request_action(request: HttpRequest, request_id: int, action: str
                              ) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404
    found = _request_for_page(request, request_id)
    call, success = _ACTIONS[action]
    run_service(request, lambda: call(found, request.user, request.POST), success)
    return redirect("enterprise-request-detail", request_id=found.id)


@persona_required(Persona.ENTERPRISE)
def enterprise_consents(request: HttpRequest) -> HttpResponse:
    subject_ref = request.GET.get("subject_ref", "").strip()
    consents = consent_list_for_user(user=request.user, subject_ref=subject_ref)
    return render(request, "governance/consent/enterprise_consents.html",
                  {"consents": consents[:200], "subject_ref": subject_ref})


@persona_required(Persona.ENTERPRISE)
def enterprise_renewals(request: HttpRequest) -> HttpResponse:
    consents = consent_list_for_user(user=request.user, needs_renewal=True).filter(
        state="active")
    return render(request, "governance/consent/enterprise_renewals.html",
                  {"consents": consents})
