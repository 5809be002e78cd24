"""A member's credit grade, computed from what the platform holds (issue 12).

Modelled on China's tax credit rating (纳税信用管理办法): start at a score, deduct per
failing, grade by bands (A ≥ 90, B 70–89, C 40–69, D < 40), put a serious breach straight
into D, rate newcomers "M", let deductions lapse after a period, and let a corrected failing be
repaired (纳税信用修复). Every number is in settings.FACEGOV_CREDIT.

Deductions, each with its source:
- a finding of a completed audit: major nonconformity, minor nonconformity, observation —
  repaired (no longer deducted) once its corrective action is verified;
- a corrective action past its due date: per started month overdue, until it is done;
- a regulator's fine on the member (penalty), from the complaints app's provider;
- a suspension order: grade D whatever the score.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from governance.conventions.credit_events import credit_events
from governance.models import (
    ActionStatus,
    AuditStatus,
    CorrectiveAction,
    ExtendedResult,
    Finding,
    Organisation,
)

GRADES = ("A", "B", "C", "D", "M")


@dataclass
class CreditRating:
    grade: str
    score: int
    deductions: list[dict[str, Any]] = field(default_factory=list)


def _config() -> dict[str, Any]:
    return settings.FACEGOV_CREDIT


def _months_overdue(due: dt.date, until: dt.date) -> int:
    days = (until - due).days
    return math.ceil(days / 30) if days > 0 else 0


def grade_for(score: int) -> str:
    for grade, floor in _config()["bands"]:
        if score >= floor:
            return grade
    return "D"


def credit_rate(*, organisation: Organisation, now: dt.datetime) -> CreditRating:
    cfg = _config()
    deduct = cfg["deduct"]
    since = now - dt.timedelta(days=30 * cfg["lapse_months"])
    deductions: list[dict[str, Any]] = []
    findings = (Finding.objects.filter(audit__organisation=organisation,
                                       audit__status=AuditStatus.DONE, created_at__gte=since)
                .select_related("audit", "result__node", "action"))
    for finding in findings:
        action = getattr(finding, "action", None)
        label = f"{finding.audit.name} — {finding.result.node.label}"
        if finding.severity in deduct:
            repaired = action is not None and action.status == ActionStatus.VERIFIED
            deductions.append({
                "kind": finding.severity, "points": 0 if repaired else deduct[finding.severity],
                "at": finding.created_at.isoformat(), "source": label,
                "reference": finding.result.node.urn,
                "explanation": (_("%(severity)s, repaired: the corrective action was verified")
                                if repaired else "%(severity)s")
                % {"severity": finding.get_severity_display()}})
        if action is not None:
            until = (action.done_at or now).date()
            months = _months_overdue(action.due_date, until)
            if months:
                deductions.append({
                    "kind": "overdue_action", "points": months * deduct["overdue_action_per_month"],
                    "at": action.due_date.isoformat(), "source": label,
                    "reference": finding.result.node.urn,
                    "explanation": _("Corrective action overdue: %(months)d month(s)")
                    % {"months": months}})
    suspended = False
    for event in credit_events(organisation_id=organisation.pk, since=since):
        if event["kind"] == "suspension":
            suspended = True
            deductions.append({"kind": "suspension", "points": 0,
                               "at": event["at"].isoformat(), "source": event["source"],
                               "reference": event["reference"],
                               "explanation": _("Suspension order: grade D")})
        elif event["kind"] == "penalty":
            deductions.append({"kind": "penalty", "points": deduct["penalty"],
                               "at": event["at"].isoformat(), "source": event["source"],
                               "reference": event["reference"],
                               "explanation": _("Regulator's penalty")})
    score = max(0, cfg["start"] - sum(d["points"] for d in deductions))
    audited = organisation.industry_audits.filter(status=AuditStatus.DONE).exists()
    if suspended:
        grade = "D"
    elif not audited and not deductions:
        grade = "M"
    else:
        grade = grade_for(score)
    return CreditRating(grade, score, sorted(deductions, key=lambda d: d["at"]))


def next_audit_due(*, organisation: Organisation, grade: str) -> dt.date | None:
    """The last completed audit plus the interval the grade earns (A later, C sooner)."""
    last = (organisation.industry_audits.filter(status=AuditStatus.DONE)
            .order_by("-done_at").values_list("done_at", flat=True).first())
    if last is None:
        return None
    months = _config()["audit_interval_months"].get(grade, 6)
    return (last + dt.timedelta(days=round(months * 30.44))).date()


def action_due(severity: str, start: dt.date) -> dt.date:
    return start + dt.timedelta(days=_config()["action_days"].get(severity, 60))


SEVERITY_OF_RESULT = {
    "non_compliant": ExtendedResult.MAJOR,
    "partially_compliant": ExtendedResult.MINOR,
}
__all__ = ["GRADES", "CorrectiveAction", "CreditRating", "action_due", "credit_rate",
           "grade_for", "next_audit_due"]
