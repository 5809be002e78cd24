"""Regulator pages: the approval queue, decisions with reasons, suspend/resume, change
requests, filings."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.errors import DomainError
from governance.permissions import Persona, can, enterprises_covered_by
from governance.selectors.changes import changes_for_page
from governance.selectors.compliance import compliance_page, retention_payload
from governance.selectors.deployments import (
    approval_queue_for_user,
    change_get_for_user,
    change_requests_pending_for_regulator,
    deployment_list_for_user,
    filing_get_for_user,
    filing_list_for_user,
)
from governance.services.change_requests import DECISIONS
from governance.services.filings import filing_acknowledge
from governance.services.lifecycle import ACTIONS, allowed_actions
from governance.views.common import get_deployment, report
from governance.views.forms import ReasonForm
from governance.views.pages import persona_required

regulator_page = persona_required(Persona.REGULATOR)
REGULATOR_ACTIONS = ("approve", "reject", "suspend", "resume")


@regulator_page
def approval_queue(request: HttpRequest) -> HttpResponse:
    running = deployment_list_for_user(user=request.user).filter(
        organisation__in=enterprises_covered_by(request.user),
        status__in=["active", "suspended"])
    return render(request, "governance/regulator/approvals.html", {
        "queue": approval_queue_for_user(user=request.user), "running": running,
        "change_requests": changes_for_page(
            change_requests_pending_for_regulator(user=request.user))})


@regulator_page
def regulator_deployment(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = get_deployment(request, deployment_id)
    assessment = deployment.assessments.order_by("-version").first()
    return render(request, "governance/regulator/deployment.html", {
        "deployment": deployment, "assessment": assessment,
        "compliance": compliance_page(deployment), "retention": retention_payload(deployment),
        "actions": [a for a in allowed_actions(deployment=deployment, user=request.user)
                    if a in REGULATOR_ACTIONS],
        "form": ReasonForm(),
        "changes": changes_for_page(deployment.changes.all()),
        "may_decide": can(request.user, "deployment.decide", deployment)})


@regulator_page
@require_POST
def regulator_change_decide(request: HttpRequest, deployment_id: int, change_id: int,
                            decision: str) -> HttpResponse:
    """Approve or reject a change request with reasons, through the API's service."""
    change = change_get_for_user(user=request.user, deployment_id=deployment_id,
                                 change_id=change_id)
    if decision not in ("approve", "reject"):
        raise Http404
    try:
        DECISIONS[decision](change=change, actor=request.user,
                            reason=request.POST.get("reason", ""))
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Change request approved and applied.")
                         if decision == "approve" else _("Change request rejected."))
    return redirect("regulator-deployment", deployment_id=deployment_id)


@regulator_page
@require_POST
def regulator_decide(request: HttpRequest, deployment_id: int, action: str) -> HttpResponse:
    deployment = get_deployment(request, deployment_id)
    if action not in REGULATOR_ACTIONS:
        return redirect("regulator-deployment", deployment_id=deployment_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    kwargs = {"reason": form.cleaned_data.get("reason", "")}
    if action == "approve":
        kwargs["legal_basis"] = form.cleaned_data.get("legal_basis", "")
    try:
        ACTIONS[action](deployment=deployment, actor=request.user, **kwargs)
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, f"Done: {action}.")
    return redirect("regulator-deployment", deployment_id=deployment_id)


@regulator_page
def regulator_filings(request: HttpRequest) -> HttpResponse:
    filings = filing_list_for_user(user=request.user).filter(
        deployment__organisation__in=enterprises_covered_by(request.user))
    return render(request, "governance/regulator/filings.html", {"filings": filings})


@regulator_page
@require_POST
def regulator_filing_acknowledge(request: HttpRequest, filing_id: int) -> HttpResponse:
    filing = filing_get_for_user(user=request.user, filing_id=filing_id)
    try:
        filing_acknowledge(filing=filing, actor=request.user)
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Filing acknowledged."))
    return redirect("regulator-filings")
