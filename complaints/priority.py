"""A case's priority from the facts the platform holds, each reason kept and shown.

GlobaLeaks knows only what the reporter wrote; FaceGov also knows the deployment: its current
rule violations, where it runs, whether it identifies people in public, how many others
complained about it lately. Each fact that applies adds its weight; the sum gives the level.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.models import Category, Complaint, Priority
from governance.compliance.rules import PROHIBITED_PLACES, violations
from governance.models import Deployment
from governance.retention.rules import IDENTIFICATION_MODES

REPEAT_WINDOW = dt.timedelta(days=30)
REPEAT_COUNT = 3  # this complaint and at least two others within the window
URGENT_SCORE = 40
HIGH_SCORE = 20


@dataclass(frozen=True)
class Reason:
    code: str
    weight: int
    label: object  # a lazy translation


# The facts, their weights and how a person reads them (the case page lists each that applied).
REASONS = {r.code: r for r in (
    Reason("rule_violations", 30, _("The deployment currently breaks blocking rules")),
    Reason("prohibited_place", 40, _("A prohibited place (hotel room, bath, changing room, "
                                     "toilet)")),
    Reason("minors", 20, _("Minors are affected")),
    Reason("public_identification", 25, _("1:N identification in a public place")),
    Reason("alleged_leak", 40, _("An alleged leak or sale of face data")),
    Reason("unregistered", 25, _("A use that is on no register")),
    Reason("repeated", 20, pgettext_lazy("priority reason",
                                         "At least 3 complaints about this deployment "
                                         "within 30 days")),
)}


def _deployment_facts(deployment: Deployment, *, received_at: dt.datetime,
                      exclude_id: int | None) -> dict[str, str]:
    found = {}
    broken = violations(deployment)
    if broken:
        found["rule_violations"] = "; ".join(f"{f.rule} ({f.reference})" for f in broken)
    if deployment.place_type in PROHIBITED_PLACES:
        found["prohibited_place"] = deployment.get_place_type_display()
    assessment = deployment.assessments.order_by("-version").first()
    if assessment and (assessment.answers or {}).get("vulnerable") == "yes":
        found["minors"] = str(_("the impact assessment says vulnerable people are affected"))
    if deployment.is_public_place and deployment.mode in IDENTIFICATION_MODES:
        found["public_identification"] = deployment.get_mode_display()
    others = Complaint.objects.filter(deployment=deployment,
                                      received_at__gte=received_at - REPEAT_WINDOW)
    if exclude_id is not None:
        others = others.exclude(id=exclude_id)
    if others.count() + 1 >= REPEAT_COUNT:
        found["repeated"] = str(others.count() + 1)
    return found


def priority_facts(complaint: Complaint) -> list[dict[str, str]]:
    """Every reason that applies to the case, in table order: `{"code", "detail"}` where the
    detail is the fact itself (the rules broken, the place, the count)."""
    found: dict[str, str] = {}
    if complaint.deployment_id:
        found.update(_deployment_facts(complaint.deployment, received_at=complaint.received_at,
                                       exclude_id=complaint.id))
    else:
        found["unregistered"] = ""
    said = {Category.UNREGISTERED: "unregistered", Category.PROHIBITED_PLACE: "prohibited_place",
            Category.LEAK_OR_SALE: "alleged_leak"}
    if complaint.category in said:
        found.setdefault(said[complaint.category], str(_("as reported")))
    if complaint.minors_involved:
        found.setdefault("minors", str(_("as reported")))
    return [{"code": code, "detail": found[code]} for code in REASONS if code in found]


def priority_of(reasons: list[dict[str, str]]) -> tuple[str, int]:
    score = sum(REASONS[r["code"]].weight for r in reasons)
    if score >= URGENT_SCORE:
        return Priority.URGENT, score
    if score >= HIGH_SCORE:
        return Priority.HIGH, score
    return Priority.NORMAL, score


def reasons_shown(reasons: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each reason as a person reads it: its label, and the fact behind it."""
    return [{"code": r["code"], "label": str(REASONS[r["code"]].label),
             "detail": r.get("detail", "")} for r in reasons if r["code"] in REASONS]
