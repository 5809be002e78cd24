"""Retention pages: the overdue gauge and deletions per day (enterprise, regulator), the
certificates, the holds in force; and the citizen's own deletion certificates."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance.errors import DomainError, NotFound
from governance.models import DataCategory
from governance.permissions import Persona, can, personas_of, require
from governance.platform.charts import bar_chart_svg, daily_bars
from governance.selectors.deployments import deployments_permitting
from governance.selectors.retention import (
    certificates_for_citizen,
    deletions_per_day,
    deployment_get_for_hold,
    legal_hold_list_for_user,
    retention_overview,
)
from governance.services.retention import legal_hold_place, legal_hold_release
from governance.views.pages import persona_required

CHART_DAYS = 30
DASHBOARD_PERSONAS = {Persona.ENTERPRISE, Persona.REGULATOR}


def retention_panel(user: Any) -> dict[str, Any]:
    """What the enterprise and regulator dashboards show: the gauge and the chart."""
    overview = retention_overview(user=user)
    per_day = deletions_per_day(deployment_ids=overview["deployment_ids"], days=CHART_DAYS)
    overview["chart"] = bar_chart_svg(
        daily_bars(per_day, days=CHART_DAYS, today=timezone.localdate()),
        title=_("Items destroyed per day, last %(days)d days") % {"days": CHART_DAYS},
        x_label=_("Day"), y_label=_("Items destroyed"), legend=_("Items destroyed"))
    return overview


class LegalHoldForm(forms.Form):
    deployment = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Deployment"))
    subject_ref = forms.CharField(max_length=128, required=False,
                                  label=gettext_lazy("Subject (optional)"),
                                  help_text=gettext_lazy("Leave empty to hold every subject."))
    category = forms.ChoiceField(choices=[("", gettext_lazy("every category")),
                                          *DataCategory.choices],
                                 required=False, label=gettext_lazy("Category"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             label=gettext_lazy("Reason"))
    expires_at = forms.DateTimeField(label=gettext_lazy("Hold until"),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deployment"].choices = [
            (d.id, f"{d.name} — {d.organisation.name}")
            for d in deployments_permitting(user=user, action="legal_hold.place")]


@login_required
def retention_dashboard(request: HttpRequest) -> HttpResponse:
    if not DASHBOARD_PERSONAS & set(personas_of(request.user)):
        raise PermissionDenied
    context: dict[str, Any] = {"retention": retention_panel(request.user)}
    if can(request.user, "legal_hold.list"):
        context["hold_form"] = LegalHoldForm(user=request.user)
    return render(request, "governance/retention/dashboard.html", context)


@require_POST
@login_required
def legal_hold_new(request: HttpRequest) -> HttpResponse:
    """A regulator places a hold from the page, through the same service as the API."""
    require(request.user, "legal_hold.list")
    form = LegalHoldForm(request.POST, user=request.user)
    if not form.is_valid():
        # Each problem under the field's label ("Hold until: This field is required."),
        # never its name (`expires_at`).
        messages.error(request, _("The hold was not placed: ") + "; ".join(
            f"{form.fields[field].label if field in form.fields else ''}: {' '.join(errors)}"
            .lstrip(": ") for field, errors in form.errors.items()))
        return redirect("retention-dashboard")
    fields = dict(form.cleaned_data)
    deployment = deployment_get_for_hold(user=request.user,
                                         deployment_id=fields.pop("deployment"))
    try:
        legal_hold_place(actor=request.user, deployment=deployment, **fields)
    except DomainError as exc:
        messages.error(request, _("The hold was not placed: ") + str(exc.detail))
    else:
        messages.success(request, _("Hold placed on %(name)s.") % {"name": deployment.name})
    return redirect("retention-dashboard")


@require_POST
@login_required
def legal_hold_release_page(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = legal_hold_list_for_user(user=request.user).filter(id=hold_id).first()
    if hold is None:
        raise NotFound(_("No such legal hold."))
    try:
        legal_hold_release(hold=hold, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Hold released; the next sweep destroys what is overdue."))
    return redirect("retention-dashboard")


@persona_required(Persona.CITIZEN)
def citizen_certificates(request: HttpRequest) -> HttpResponse:
    # Grouped by deployment, oldest first: each deployment numbers its own certificates.
    certificates = sorted(certificates_for_citizen(user=request.user)[:200],
                          key=lambda c: (c.deployment.name, c.deployment_id, c.sequence))
    return render(request, "governance/retention/citizen_certificates.html",
                  {"certificates": certificates})
