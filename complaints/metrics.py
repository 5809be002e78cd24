"""The complaint channel's figures: on /metrics (counts only, nothing about any person) and on
the regulator's landing page."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from complaints.models import UNTRIAGED, Complaint
from complaints.selectors.cases import (
    complaint_list_for_regulator,
    triaged_in_time_share,
    untriaged_overdue,
)
from governance.selectors.dashboards import Tile


def complaint_metrics_text() -> str:
    everything = Complaint.objects.all()
    share = triaged_in_time_share(queryset=everything)
    lines = [
        "# HELP facegov_complaints_untriaged_overdue Complaints and tips past their 24-hour "
        "triage window and not triaged.",
        "# TYPE facegov_complaints_untriaged_overdue gauge",
        f"facegov_complaints_untriaged_overdue {untriaged_overdue(queryset=everything)}",
        "# HELP facegov_complaints_untriaged Complaints and tips awaiting triage.",
        "# TYPE facegov_complaints_untriaged gauge",
        f"facegov_complaints_untriaged {everything.filter(status__in=UNTRIAGED).count()}",
        "# HELP facegov_complaints_triaged_in_time_ratio Share of cases triaged within 24 hours "
        "(of those triaged or past their window).",
        "# TYPE facegov_complaints_triaged_in_time_ratio gauge",
        f"facegov_complaints_triaged_in_time_ratio {share if share is not None else 1:g}",
    ]
    return "\n".join(lines) + "\n"


def regulator_complaint_tiles(*, user: Any) -> list[Tile]:
    cases = complaint_list_for_regulator(user=user)
    overdue = untriaged_overdue(queryset=cases)
    share = triaged_in_time_share(queryset=cases)
    return [
        Tile(_("Complaints awaiting triage"), cases.filter(status__in=UNTRIAGED).count(),
             "complaint-inbox"),
        Tile(_("Untriaged past 24 hours"), overdue, "complaint-inbox", alert=overdue > 0),
        Tile(_("Triaged within 24 hours"), "—" if share is None else f"{share:.0%}",
             "complaint-inbox", alert=share is not None and share < 1),
    ]
