"""Enterprise pages: the deployment wizard (describe → retention → assessment → submit),
the status page and filings. Every write goes through the same services as the API."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance.compliance.rules import declared_violations
from governance.errors import DomainError
from governance.models import (
    FILING_MATERIALS,
    DataCategory,
    OrganisationKind,
    RetentionTrigger,
)
from governance.permissions import DEPLOYMENT_MANAGERS, Persona, can, organisations_of
from governance.selectors.changes import changes_for_page
from governance.selectors.compliance import compliance_page, retention_payload
from governance.selectors.deployments import (
    change_get_for_user,
    deployment_list_for_user,
    filing_get_for_user,
    filing_list_for_user,
)
from governance.services.assessments import impact_assessment_missing, impact_assessment_save
from governance.services.change_requests import deployment_change_withdraw
from governance.services.deployments import (
    MATERIAL_EDIT_STATUSES,
    DeploymentUpdate,
    deployment_create,
    deployment_update,
)
from governance.services.filings import filing_submit
from governance.services.lifecycle import (
    allowed_actions,
    deployment_decommission,
    deployment_submit,
)
from governance.views.common import get_deployment, report
from governance.views.forms import (
    AssessmentForm,
    DecommissionForm,
    DescribeForm,
    FilingForm,
    RetentionForm,
)
from governance.views.pages import persona_required

STEPS = (("describe", gettext_lazy("Describe")), ("retention", gettext_lazy("Retention")),
         ("assessment", gettext_lazy("Assessment")), ("submit", gettext_lazy("Submit")))
enterprise_page = persona_required(Persona.ENTERPRISE)


def _wizard(request: HttpRequest, template: str, deployment, step: str, **context) -> HttpResponse:
    return render(request, f"governance/deployments/{template}",
                  {"deployment": deployment, "steps": STEPS, "step": step, **context})


@enterprise_page
def deployment_list(request: HttpRequest) -> HttpResponse:
    deployments = deployment_list_for_user(user=request.user).filter(
        organisation__in=organisations_of(request.user, kind=OrganisationKind.ENTERPRISE))
    filings = filing_list_for_user(user=request.user).filter(deployment__in=deployments)
    may_create = organisations_of(request.user, kind=OrganisationKind.ENTERPRISE,
                                  roles=DEPLOYMENT_MANAGERS).exists()
    return render(request, "governance/deployments/list.html", {
        "deployments": deployments, "filings": [f for f in filings if f.status == "open"],
        "may_create": may_create})


@enterprise_page
def deployment_describe(request: HttpRequest, deployment_id: int | None = None) -> HttpResponse:
    deployment = get_deployment(request, deployment_id) if deployment_id else None
    initial = DescribeForm.initial_for(deployment) if deployment else None
    form = DescribeForm(request.POST or None, initial=initial)
    violations: list = []
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        violations = _declared_violations(request, deployment, kwargs)
        if violations:
            messages.error(request, _("Nothing was saved: what you declared already breaks "
                                      "the law. Change it and save again."))
            return _wizard(request, "describe.html", deployment, "describe", form=form,
                           violations=violations, violations_heading=_("The law stops this"))
        try:
            if deployment is None:
                organisation = organisations_of(
                    request.user, kind=OrganisationKind.ENTERPRISE, roles=DEPLOYMENT_MANAGERS
                ).first()
                if organisation is None:
                    raise DomainError(_("You may not register deployments."),
                                      code="permission_denied")
                kwargs.pop("threshold_reason")
                kwargs.pop("reason")
                deployment = deployment_create(organisation=organisation, actor=request.user,
                                               **kwargs)
            else:
                update = deployment_update(deployment=deployment, actor=request.user, **kwargs)
                if _said_what_happened(request, update):
                    return redirect("deployment-status", deployment_id=deployment.id)
        except DomainError as exc:
            report(request, exc)
        else:
            return redirect("deployment-retention", deployment_id=deployment.id)
    return _wizard(request, "describe.html", deployment, "describe", form=form)


def _declared_violations(request: HttpRequest, deployment, kwargs: dict) -> list[dict]:
    """Step 1 checks every rule whose facts it declares (a prohibited place, a public place
    without signs, …) before anything is saved; a submitted deployment is checked by its
    update service instead."""
    if deployment is not None and deployment.status not in MATERIAL_EDIT_STATUSES:
        return []
    if deployment is not None:
        jurisdiction = deployment.jurisdiction
    else:
        organisation = organisations_of(request.user, kind=OrganisationKind.ENTERPRISE,
                                        roles=DEPLOYMENT_MANAGERS).first()
        if organisation is None:
            return []
        jurisdiction = organisation.jurisdiction
    return [f.as_violation() for f in declared_violations(
        jurisdiction=jurisdiction, fields=kwargs["fields"], purposes=kwargs["purposes"])]


def _said_what_happened(request: HttpRequest, update: DeploymentUpdate) -> bool:
    """After a change of a submitted deployment, tell what happened to it (applied, or
    waiting for the regulator); True when the wizard should not go on (it is submitted)."""
    if update.outcome == "change_request":
        messages.warning(request, _(
            "Your change waits for the regulator's approval (change request %(id)s); the "
            "deployment runs as approved until then.") % {"id": update.change.id})
    elif update.change is not None:
        messages.success(request, _("Changed; the change is recorded and published."))
    return update.deployment.status not in MATERIAL_EDIT_STATUSES


@enterprise_page
def deployment_retention(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = get_deployment(request, deployment_id)
    form = RetentionForm(request.POST or None, initial=RetentionForm.initial_for(deployment))
    if request.method == "POST" and form.is_valid():
        try:
            update = deployment_update(deployment=deployment, actor=request.user, fields={},
                                       retention_rules=form.rules(),
                                       reason=request.POST.get("change_reason", ""))
        except DomainError as exc:
            report(request, exc)
        else:
            if _said_what_happened(request, update):
                return redirect("deployment-status", deployment_id=deployment.id)
            return redirect("deployment-assessment", deployment_id=deployment.id)
    rows = [{**row, "days": form[f"{row['category']}_days"],
             "trigger": form[f"{row['category']}_trigger"],
             "category_label": DataCategory(row["category"]).label,
             "effective": {**row["effective"], "trigger_label": RetentionTrigger(
                 row["effective"]["trigger"]).label}}
            for row in retention_payload(deployment)]
    return _wizard(request, "retention.html", deployment, "retention", form=form, rows=rows)


@enterprise_page
def deployment_assessment(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = get_deployment(request, deployment_id)
    latest = deployment.assessments.order_by("-version").first()
    form = AssessmentForm(request.POST or None, initial=latest.answers if latest else None)
    if request.method == "POST" and form.is_valid():
        try:
            latest = impact_assessment_save(deployment=deployment, actor=request.user,
                                            answers=form.cleaned_data)
        except DomainError as exc:
            report(request, exc)
        else:
            if latest.is_complete:
                return redirect("deployment-submit", deployment_id=deployment.id)
            messages.error(request, _("The assessment is saved but not complete yet."))
    return _wizard(request, "assessment.html", deployment, "assessment", form=form,
                   assessment=latest, missing=impact_assessment_missing(latest))


@enterprise_page
def deployment_review(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = get_deployment(request, deployment_id)
    violations: list = []
    if request.method == "POST":
        try:
            deployment_submit(deployment=deployment, actor=request.user)
        except DomainError as exc:
            violations = report(request, exc)
        else:
            messages.success(request, _("Submitted."))
            return redirect("deployment-status", deployment_id=deployment.id)
    return _wizard(request, "submit.html", deployment, "submit", violations=violations,
                   compliance=compliance_page(deployment),
                   may_submit="submit" in allowed_actions(deployment=deployment,
                                                          user=request.user))


@enterprise_page
def deployment_status(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = get_deployment(request, deployment_id)
    return render(request, "governance/deployments/status.html", {
        "deployment": deployment, "compliance": compliance_page(deployment),
        "retention": retention_payload(deployment),
        "actions": allowed_actions(deployment=deployment, user=request.user),
        "may_manage": can(request.user, "deployment.manage", deployment),
        "changes": changes_for_page(deployment.changes.all()),
        "decommission_form": DecommissionForm()})


@enterprise_page
@require_POST
def deployment_decommission_page(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = get_deployment(request, deployment_id)
    form = DecommissionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was decommissioned: give the reasons and confirm "
                                  "that the deployment ends for good."))
        return redirect("deployment-status", deployment_id=deployment.id)
    try:
        deployment_decommission(deployment=deployment, actor=request.user,
                                reason=form.cleaned_data["reason"])
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Decommissioned."))
    return redirect("deployment-status", deployment_id=deployment.id)


@enterprise_page
@require_POST
def deployment_change_withdraw_page(request: HttpRequest, deployment_id: int,
                                    change_id: int) -> HttpResponse:
    change = change_get_for_user(user=request.user, deployment_id=deployment_id,
                                 change_id=change_id)
    try:
        deployment_change_withdraw(change=change, actor=request.user)
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Change request withdrawn."))
    return redirect("deployment-status", deployment_id=deployment_id)


@enterprise_page
def filing_page(request: HttpRequest, filing_id: int) -> HttpResponse:
    filing = filing_get_for_user(user=request.user, filing_id=filing_id)
    form = FilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filing_submit(filing=filing, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            report(request, exc)
        else:
            messages.success(request, _("Filing submitted to the regulator."))
            return redirect("deployment-status", deployment_id=filing.deployment_id)
    return render(request, "governance/deployments/filing.html",
                  {"filing": filing, "form": form, "materials": FILING_MATERIALS})
