"""The public register (PIPL Art. 26; DESIGN promise 12): no login, no private detail.

Only running deployments are listed — active, and suspended ones marked so. Drafts, pending,
rejected and decommissioned deployments are not there, and nothing the operator keeps to
itself (assessment answers, event actors, internal notes) ever leaves through this module.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from governance.errors import NotFound
from governance.models import Deployment, DeploymentNotice, DeploymentStatus

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
