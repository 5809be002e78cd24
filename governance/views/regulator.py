"""Regulator pages: the approval queue, decisions with reasons, suspend/resume, change
requests, filings."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from governance.errors import DomainError
from governance.models import Deployment, DeploymentStatus
from governance.permissions import Persona, can, enterprises_covered_by
from governance.selectors.changes import changes_for_page
from governance.selectors.compliance import compliance_page, retention_payload
from governance.selectors.decision import decision_dossier
from governance.selectors.deployments import (
    approval_queue_for_user,
    change_get_for_user,
    change_requests_pending_for_regulator,
    deployment_list_for_user,
    filing_get_for_user,
    filing_list_for_user,
)
from governance.services.approvals import approval_propose
from governance.services.change_requests import DECISIONS
from governance.services.filings import filing_acknowledge
from governance.services.lifecycle import ACTIONS, allowed_actions
from governance.views.common import get_deployment, report
from governance.views.confirm import confirmation_needed
from governance.views.forms import ReasonForm
from governance.views.pages import persona_required

regulator_page = persona_required(Persona.REGULATOR)
REGULATOR_ACTIONS = ("approve", "reject", "suspend", "resume")
DONE = {"propose": _("Approval proposed: a supervisor decides on it."),
        "approve": _("Deployment approved: it may run from now."),
        "reject": _("Deployment rejected; the operator has your reasons."),
        "suspend": _("Deployment suspended: recognition is refused from the next request."),
        "resume": _("Deployment resumed.")}
CONFIRMED_ACTIONS = {
    "reject": (_("Reject %(name)s?"),
               _("The deployment is refused and may not run. The operator receives your "
                 "reasons and must correct the deployment and submit it again; an open "
                 "approval proposal is closed."),
               _("Yes, reject the deployment")),
    "suspend": (_("Suspend %(name)s?"),
                _("Recognition stops from the next request, for every person and device of "
                  "the deployment, until a regulator resumes it. The suspension is shown on "
                  "the public register."),
                _("Yes, suspend the deployment")),
}


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
    """The decision page: everything the regulator needs in view, and the moves the user may
    make now (four eyes on an approval: an inspector proposes, another person decides)."""
    deployment = get_deployment(request, deployment_id)
    dossier = decision_dossier(deployment=deployment, user=request.user)
    open_proposal = next((p for p in dossier["proposals"] if p.is_open), None)
    actions = [a for a in allowed_actions(deployment=deployment, user=request.user)
               if a in REGULATOR_ACTIONS]
    may_propose = (deployment.status == DeploymentStatus.PENDING_APPROVAL
                   and open_proposal is None and can(request.user, "deployment.decide",
                                                    deployment))
    if "approve" in actions and (open_proposal is None
                                 or open_proposal.proposed_by_id == request.user.pk):
        actions.remove("approve")
    return render(request, "governance/regulator/deployment.html", {
        "deployment": deployment, **dossier, "open_proposal": open_proposal,
        "compliance": compliance_page(deployment), "retention": retention_payload(deployment),
        "actions": actions, "may_propose": may_propose, "form": ReasonForm(),
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


def _confirm(request: HttpRequest, deployment: Deployment, action: str
             ) -> HttpResponse | None:
    """Rejecting and suspending take effect at once: say what follows, and ask."""
    if action not in CONFIRMED_ACTIONS:
        return None
    title, consequence, label = CONFIRMED_ACTIONS[action]
    return confirmation_needed(
        request, title=title % {"name": deployment.name},
        consequence=str(consequence), confirm_label=str(label),
        irreversible=action != "suspend",
        back_url=reverse("regulator-deployment", args=[deployment.id]))


@regulator_page
@require_POST
def regulator_decide(request: HttpRequest, deployment_id: int, action: str) -> HttpResponse:
    """Propose, approve, reject, suspend or resume through the API's services."""
    deployment = get_deployment(request, deployment_id)
    if action not in REGULATOR_ACTIONS and action != "propose":
        return redirect("regulator-deployment", deployment_id=deployment_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    kwargs = {"reason": form.cleaned_data.get("reason", "")}
    if action in ("approve", "propose"):
        kwargs["legal_basis"] = form.cleaned_data.get("legal_basis", "")
    if kwargs["reason"].strip():
        confirm = _confirm(request, deployment, action)
        if confirm is not None:
            return confirm
    service = approval_propose if action == "propose" else ACTIONS[action]
    try:
        service(deployment=deployment, actor=request.user, **kwargs)
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, str(DONE[action]))
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
