"""Access-checked reads of industry self-regulation: who sees which audit, grade and
explanation. Conventions are public norms; grades are public (the register's badges); an
audit and a grade's explanation are seen by the member's staff, its industry body's staff and
the regulators whose mandate covers the member."""

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.conventions.credit import credit_rate, next_audit_due
from governance.errors import NotFound, NotPermitted
from governance.models import (
    Audit,
    Convention,
    CorrectiveAction,
    CreditGrade,
    IndustryMembership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Role,
)
from governance.permissions import enterprises_covered_by, organisations_of

MEMBER_ROLES = {Role.ADMIN, Role.PRIVACY_OFFICER}


def bodies_of(user: Any) -> QuerySet[Organisation]:
    return organisations_of(user, kind=OrganisationKind.INDUSTRY_BODY,
                            roles={Role.AUDITOR, Role.SECRETARIAT})


def member_organisations_of(user: Any) -> QuerySet[Organisation]:
    return organisations_of(user, kind=OrganisationKind.ENTERPRISE, roles=MEMBER_ROLES)


def convention_list() -> QuerySet[Convention]:
    return Convention.objects.select_related("industry_body").order_by("urn", "-version")


def convention_get(*, convention_id: int) -> Convention:
    convention = convention_list().filter(pk=convention_id).first()
    if convention is None:
        raise NotFound(_("No such convention."))
    return convention


def _audit_scope(user: Any) -> Q:
    return (Q(industry_body__in=bodies_of(user))
            | Q(organisation__in=member_organisations_of(user))
            | Q(organisation__in=enterprises_covered_by(user)))


def audit_list_for_user(*, user: Any) -> QuerySet[Audit]:
    if not user.is_authenticated:
        return Audit.objects.none()
    return (Audit.objects.filter(_audit_scope(user))
            .select_related("organisation", "industry_body", "convention", "campaign")
            .order_by("-created_at"))


def audit_get_for_user(*, user: Any, audit_id: int) -> Audit:
    audit = audit_list_for_user(user=user).filter(pk=audit_id).first()
    if audit is None:
        raise NotFound(_("No such audit."))
    return audit


def may_see_credit_detail(user: Any, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return (member_organisations_of(user).filter(pk=organisation.pk).exists()
            or IndustryMembership.objects.filter(enterprise=organisation,
                                                 industry_body__in=bodies_of(user)).exists()
            or enterprises_covered_by(user).filter(pk=organisation.pk).exists())


def credit_for_user(*, user: Any, organisation_id: int) -> dict[str, Any]:
    organisation = Organisation.objects.filter(pk=organisation_id,
                                               kind=OrganisationKind.ENTERPRISE).first()
    if organisation is None:
        raise NotFound(_("No such enterprise."))
    if not may_see_credit_detail(user, organisation):
        raise NotPermitted(_("Only the member, its industry body and its regulators see the "
                             "explanation of a grade."))
    return credit_summary(organisation)


def credit_summary(organisation: Organisation) -> dict[str, Any]:
    current = organisation.credit_grades.first()
    if current is None:
        from django.utils import timezone

        rating = credit_rate(organisation=organisation, now=timezone.now())
        grade, score, deductions, at = rating.grade, rating.score, rating.deductions, None
    else:
        grade, score, deductions, at = (current.grade, current.score, current.deductions,
                                        current.computed_at)
    return {
        "organisation": organisation, "grade": grade, "score": score,
        "deductions": deductions, "computed_at": at,
        "next_audit_due": next_audit_due(organisation=organisation, grade=grade),
        "history": list(organisation.credit_grades.all()[:50]),
        "member_of": [m.industry_body.name for m in IndustryMembership.objects.filter(
            enterprise=organisation, status=MembershipStatus.ACTIVE)
            .select_related("industry_body")],
    }


def current_grades(organisation_ids: list[int] | None = None) -> dict[int, str]:
    """The newest grade of each graded organisation (one query, on every database: a
    correlated subquery, not PostgreSQL's DISTINCT ON, so `make run` on SQLite works too)."""
    newest = CreditGrade.objects.filter(organisation_id=OuterRef("organisation_id")).order_by(
        "-computed_at", "-id").values("id")[:1]
    qs = CreditGrade.objects.filter(id=Subquery(newest))
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=organisation_ids)
    return dict(qs.values_list("organisation_id", "grade"))


def grade_of(organisation_id: int) -> str:
    return current_grades([organisation_id]).get(organisation_id, "")


def d_grade_members() -> list[Organisation]:
    grades = current_grades()
    ids = [pk for pk, grade in grades.items() if grade == "D"]
    return list(Organisation.objects.filter(
        pk__in=ids, industry_bodies__status=MembershipStatus.ACTIVE).distinct().order_by("name"))


def actions_for_member(*, user: Any) -> QuerySet[CorrectiveAction]:
    return (CorrectiveAction.objects.filter(
        finding__audit__organisation__in=member_organisations_of(user))
        .select_related("finding__audit", "finding__result__node", "owner"))


def actions_for_body(*, user: Any) -> QuerySet[CorrectiveAction]:
    return (CorrectiveAction.objects.filter(finding__audit__industry_body__in=bodies_of(user))
            .select_related("finding__audit__organisation", "finding__result__node", "owner"))


GRADE_LABELS = {
    "A": gettext_lazy("A — excellent"), "B": gettext_lazy("B — good"),
    "C": gettext_lazy("C — needs improvement"), "D": gettext_lazy("D — poor"),
    "M": gettext_lazy("M — new member, not yet rated"),
}
GRADE_CLASS = {"A": "ok", "B": "ok", "C": "warn", "D": "bad", "M": ""}


def grade_badge(grade: str) -> dict[str, Any]:
    return {"grade": grade, "label": GRADE_LABELS.get(grade, ""),
            "css": GRADE_CLASS.get(grade, "")}


def credit_badge_section(deployment: Any) -> dict[str, Any] | None:
    """The register section: the operator's industry grade, or None when it is no member."""
    membership = (IndustryMembership.objects.filter(enterprise_id=deployment.organisation_id,
                                                    status=MembershipStatus.ACTIVE)
                  .select_related("industry_body").first())
    if membership is None:
        return None
    grade = current_grades([deployment.organisation_id]).get(deployment.organisation_id, "M")
    badge = grade_badge(grade)
    return {"industry_body": membership.industry_body.name, "grade": grade,
            "label": str(badge["label"]), "css": badge["css"]}
