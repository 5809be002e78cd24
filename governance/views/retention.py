"""Retention pages: the overdue gauge and deletions per day (enterprise, regulator), the
certificates, the holds in force; and the citizen's own deletion certificates."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from governance.charts import bar_chart_svg, daily_bars
from governance.permissions import Persona, personas_of
from governance.selectors.retention import (
    certificates_for_citizen,
    deletions_per_day,
    retention_overview,
)
from governance.views.pages import persona_required

CHART_DAYS = 30
DASHBOARD_PERSONAS = {Persona.ENTERPRISE, Persona.REGULATOR}


def retention_panel(user: Any) -> dict[str, Any]:
    """What the enterprise and regulator dashboards show: the gauge and the chart."""
    overview = retention_overview(user=user)
    per_day = deletions_per_day(deployment_ids=overview["deployment_ids"], days=CHART_DAYS)
    overview["chart"] = bar_chart_svg(
        daily_bars(per_day, days=CHART_DAYS, today=timezone.localdate()),
        title=f"Items destroyed per day, last {CHART_DAYS} days")
    return overview


@login_required
def retention_dashboard(request: HttpRequest) -> HttpResponse:
    if not DASHBOARD_PERSONAS & set(personas_of(request.user)):
        raise PermissionDenied
    return render(request, "governance/retention/dashboard.html",
                  {"retention": retention_panel(request.user)})


@persona_required(Persona.CITIZEN)
def citizen_certificates(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/retention/citizen_certificates.html",
                  {"certificates": certificates_for_citizen(user=request.user)[:200]})
