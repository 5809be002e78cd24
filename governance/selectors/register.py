"""The public register (PIPL Art. 26; DESIGN promise 12): no login, no private detail.

Only running deployments are listed — active, and suspended ones marked so. Drafts, pending,
rejected and decommissioned deployments are not there, and nothing the operator keeps to
itself (assessment answers, event actors, internal notes) ever leaves through this module.
"""

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from governance.errors import NotFound
from governance.models import (
    Deployment,
    DeploymentNotice,
    DeploymentStatus,
    Mode,
    Organisation,
    PlaceType,
)

PUBLIC_STATUSES = (DeploymentStatus.ACTIVE, DeploymentStatus.SUSPENDED)

# Sections other apps disclose on the register (governance never imports them): each provider
# takes the deployment and returns a JSON-ready dict or None. Every section is always present.
RegisterSection = Callable[[Deployment], dict[str, Any] | None]
DEFAULT_REGISTER_SECTIONS = ("accuracy", "devices")
_SECTIONS: dict[str, RegisterSection] = {}


def register_section_provider(section: str, func: RegisterSection) -> RegisterSection:
    """Apps call this in AppConfig.ready(); one provider per section."""
    _SECTIONS[section] = func
    return func


def _sections(deployment: Deployment) -> dict[str, Any]:
    found: dict[str, Any] = dict.fromkeys(DEFAULT_REGISTER_SECTIONS)
    for section, provider in _SECTIONS.items():
        found[section] = provider(deployment)
    return found


def register_list() -> QuerySet[Deployment]:
    return (Deployment.objects.filter(status__in=PUBLIC_STATUSES)
            .select_related("organisation")
            .prefetch_related(
                "purposes", "retention_rules", "threshold_changes", "filings",
                "decisions__regulator", "changes",
                Prefetch("notices", queryset=DeploymentNotice.objects.filter(
                    published_at__isnull=False).order_by("-version")))
            .order_by("organisation__name", "name"))


class RegisterFilter(django_filters.FilterSet):
    """Search and filters of the register, shared by the page and GET /api/v1/register/.
    All optional; an unknown choice is a 400 on the API and a form error on the page."""

    q = django_filters.CharFilter(method="search", label=_("Search"),
                                  help_text=_("Name, operator, location or purpose"))
    location = django_filters.CharFilter(field_name="location", lookup_expr="icontains",
                                         label=_("Location contains"))
    operator = django_filters.ModelChoiceFilter(
        field_name="organisation", to_field_name="slug", label=_("Operator"),
        queryset=Organisation.objects.filter(deployments__status__in=PUBLIC_STATUSES)
        .distinct().order_by("name"))
    place_type = django_filters.ChoiceFilter(choices=PlaceType.choices, label=_("Place"))
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label=_("Mode"))
    region = django_filters.ChoiceFilter(field_name="organisation__region", label=_("Region"),
                                         choices=[])
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[(s.value, s.label) for s in PUBLIC_STATUSES])

    class Meta:
        model = Deployment
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = (Organisation.objects.filter(deployments__status__in=PUBLIC_STATUSES)
                   .exclude(region="").values_list("region", flat=True).distinct()
                   .order_by("region"))
        self.filters["region"].extra["choices"] = [(r, r) for r in regions]

    def search(self, queryset: QuerySet[Deployment], name: str, value: str
               ) -> QuerySet[Deployment]:
        words = value.split()
        for word in words[:8]:
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(organisation__name__icontains=word)
                | Q(location__icontains=word) | Q(purposes__name__icontains=word)
                | Q(purposes__code__icontains=word) | Q(description__icontains=word))
        return queryset.distinct()


def register_search(params: Any) -> RegisterFilter:
    """The register filtered by `params` (a QueryDict); `.qs` the deployments, `.form` the
    form to show, `.is_valid()` / `.errors` for refusals."""
    return RegisterFilter(params, queryset=register_list())


def register_get(*, deployment_id: int) -> Deployment:
    try:
        return register_list().get(pk=deployment_id)
    except Deployment.DoesNotExist:
        raise NotFound(_("No such deployment on the public register.")) from None


def register_entry(deployment: Deployment) -> dict:
    """The public record of one deployment: an explicit whitelist, shared by API and pages."""
    from governance.retention.rules import effective_retention_all
    from governance.selectors.changes import change_history_public

    notice = next(iter(deployment.notices.all()), None)
    return {
        "id": deployment.id,
        "name": deployment.name,
        "operator": deployment.organisation.name,
        "status": deployment.status,
        "is_suspended": deployment.status == DeploymentStatus.SUSPENDED,
        "scenario": deployment.scenario,
        "mode": deployment.mode,
        "place_type": deployment.place_type,
        "location": deployment.location,
        "jurisdiction": deployment.jurisdiction,
        "is_public_place": deployment.is_public_place,
        "interest": deployment.interest,
        "purposes": sorted(p.code for p in deployment.purposes.all()),
        "legal_basis": deployment.legal_basis,
        "storage": deployment.storage,
        "keeps_images": deployment.keeps_images,
        "non_face_alternative": deployment.non_face_alternative,
        "requires_liveness": deployment.requires_liveness,
        "two_person_confirmation": deployment.two_person_confirmation,
        "threshold": deployment.threshold,
        "threshold_history": [
            {"threshold": c.threshold, "previous": c.previous, "reason": c.reason,
             "changed_at": c.changed_at} for c in deployment.threshold_changes.all()],
        "retention": [
            {"category": r.category, "period_days": r.period_days, "trigger": r.trigger,
             "source": r.source, "reference": r.reference}
            for r in effective_retention_all(deployment=deployment)],
        "notice": notice and {"version": notice.version, "text": notice.text_in(),
                              "published_at": notice.published_at},
        "approval": _approval(deployment),
        "filings": [{"kind": f.kind, "status": "overdue" if f.is_overdue else f.status,
                     "due_at": f.due_at, "submitted_at": f.submitted_at,
                     "acknowledged_at": f.acknowledged_at}
                    for f in deployment.filings.all()],
        "activated_at": deployment.activated_at,
        "change_history": change_history_public(deployment),
        **_sections(deployment),
    }


def _approval(deployment: Deployment) -> dict:
    from governance.models import Decision, Interest

    if deployment.interest != Interest.PUBLIC:
        return {"required": False, "status": "not_required", "regulator": None,
                "decided_at": None}
    approved = [d for d in deployment.decisions.all() if d.decision == Decision.APPROVED]
    latest = approved[0] if approved else None
    return {"required": True, "status": "approved" if latest else "pending",
            "regulator": latest.regulator.name if latest else None,
            "decided_at": latest.decided_at if latest else None}
