"""Reads of guidance (public) and consultations (the enterprise's own, the regulator's)."""

from typing import Any

from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.models import Consultation, GuidanceNote
from complaints.permissions import RESPONDENT_STAFF, regulators_of
from governance.compliance.guidance import RuleGuidance
from governance.errors import NotFound
from governance.permissions import organisations_of, regulator_covers


def guidance_current() -> list[GuidanceNote]:
    """The latest version of every note (superseded versions stay stored, not listed)."""
    latest = (GuidanceNote.objects.values("regulator_id", "series")
              .annotate(v=Max("version")))
    q = Q(pk__in=[])
    for row in latest:
        q |= Q(regulator_id=row["regulator_id"], series=row["series"], version=row["v"])
    return list(GuidanceNote.objects.filter(q).select_related("regulator")
                .order_by("-published_at"))


def guidance_by_rule() -> dict[str, list[GuidanceNote]]:
    """Current notes per rule id, for showing guidance beside the rule it explains."""
    found: dict[str, list[GuidanceNote]] = {}
    for note in guidance_current():
        for rule_id in note.rules:
            found.setdefault(rule_id, []).append(note)
    return found


def guidance_for_deployment(deployment: Any) -> dict[str, list[RuleGuidance]]:
    """The guidance provider for governance's compliance panels: per rule id, the current
    notes of the regulators whose mandate covers the deployment's operator."""
    enterprise = deployment.organisation
    page = reverse("guidance")
    return {rule_id: [RuleGuidance(title=n.localized_title, regulator=n.regulator.name,
                                   version=n.version, url=f"{page}#note-{n.id}")
                      for n in notes if regulator_covers(n.regulator, enterprise)]
            for rule_id, notes in guidance_by_rule().items()}


def published_questions() -> QuerySet[Consultation]:
    return Consultation.objects.filter(published_at__isnull=False).order_by("-published_at")


def consultation_list_for_user(*, user: Any) -> QuerySet[Consultation]:
    if not user.is_authenticated:
        return Consultation.objects.none()
    return (Consultation.objects
            .filter(Q(enterprise__in=organisations_of(user, roles=RESPONDENT_STAFF))
                    | Q(regulator__in=regulators_of(user)))
            .select_related("enterprise", "regulator").distinct())


def consultation_get_for_user(*, user: Any, consultation_id: int) -> Consultation:
    found = consultation_list_for_user(user=user).filter(id=consultation_id).first()
    if found is None:
        raise NotFound(_("No such consultation."), code="consultation_not_found")
    return found
