"""Leak cases, as their regulator sees them (nobody else: not the enterprise)."""

from typing import Any

from django.db.models import QuerySet

from complaints.models import LeakCase
from governance.errors import NotFound
from governance.models import OrganisationKind
from governance.permissions import REGULATOR_DECIDERS, organisations_of, require


def leak_cases_for_user(*, user: Any) -> QuerySet[LeakCase]:
    require(user, "leak.handle")
    regulators = organisations_of(user, kind=OrganisationKind.REGULATOR, roles=REGULATOR_DECIDERS)
    return (LeakCase.objects.filter(regulator__in=regulators)
            .select_related("source_deployment", "investigation"))


def leak_case_get_for_user(*, user: Any, case_id: int) -> LeakCase:
    case = leak_cases_for_user(user=user).filter(pk=case_id).first()
    if case is None:
        raise NotFound("No such leak case.", code="not_found")
    return case


def leak_case_payload(case: LeakCase) -> dict[str, Any]:
    """The fixed API shape (DESIGN.md "Leak cases") plus what the report page shows."""
    report = case.report or {}
    return {
        "id": case.id, "title": case.title, "status": case.status,
        "progress": case.progress, "error": case.error, "dump_sha256": case.dump_sha256,
        "dump_format": case.dump_format, "vector_count": case.vector_count,
        "created_at": case.created_at, "finished_at": case.finished_at,
        "sources": report.get("sources", []),
        "canary_hits": report.get("canary_hits", []),
        "affected_subjects": report.get("affected_subjects", []),
        "same_people": report.get("same_people", []),
        "exact_copies": report.get("exact_copies", 0),
        "perturbed_copies": report.get("perturbed_copies", 0),
        "unmatched": report.get("unmatched", 0),
        "investigation_id": case.investigation_id,
        "source_deployment_id": case.source_deployment_id,
        "intercepted_at": case.intercepted_at, "intercept_reason": case.intercept_reason,
        "interception": case.interception or None,
    }
