"""`{% load industry %}{% industry_grade organisation_id %}`: an enterprise's industry credit
badge (nothing when it is no graded member); `{% fast_review organisation_id %}` marks an
A-grade member's filing for fast review. Grades are read once per rendered page."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from governance.selectors.industry import current_grades, grade_badge

register = template.Library()


def _grades(context: Any) -> dict[int, str]:
    cache = context.render_context
    if "industry_grades" not in cache:
        cache["industry_grades"] = current_grades()
    return cache["industry_grades"]


@register.simple_tag(takes_context=True)
def industry_grade(context: Any, organisation_id: int) -> str:
    grade = _grades(context).get(organisation_id)
    if not grade:
        return ""
    return render_to_string("governance/industry/_grade.html", {"badge": grade_badge(grade)})


@register.simple_tag(takes_context=True)
def fast_review(context: Any, organisation_id: int) -> str:
    if _grades(context).get(organisation_id) != "A":
        return ""
    return render_to_string("governance/industry/_fast_review.html",
                            {"label": _("Fast review (A-grade member)")})
