"""Declaring a deployment: create, change, retention rules, notices and the threshold.

Material facts (what the impact assessment assessed) change only before the deployment runs.
A change to a running deployment is checked by the rules engine inside the transaction: if a
blocking rule fails, everything rolls back and nothing changed.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.audit import acting_as
from governance.compliance.rules import violations
from governance.errors import Conflict, DomainError, InvalidTransition, RuleViolations
from governance.models import (
    MATERIAL_FIELDS,
    DataCategory,
    Deployment,
    DeploymentAction,
    DeploymentStatus,
    Organisation,
    Purpose,
    RetentionRule,
    RetentionTrigger,
    ThresholdChange,
)
from governance.permissions import require
from governance.services.events import deployment_event_record
from governance.services.notices import notice_publish
from governance.services.retention import retention_rules_changed

# The declared fields a client may set (status and timestamps belong to the lifecycle).
EDITABLE_FIELDS = frozenset({
    "name", "description", "location", "scenario", "mode", "place_type", "is_public_place",
    "has_signage", "interest", "legal_basis", "storage", "central_storage_separate_consent",
    "expected_subjects", "non_face_alternative", "keeps_images", "keeps_images_justification",
    "threshold", "requires_liveness", "two_person_confirmation",
})
# Material facts may change only while the deployment is not running.
MATERIAL_EDIT_STATUSES = frozenset({DeploymentStatus.DRAFT, DeploymentStatus.REJECTED})
RUNNING_STATUSES = frozenset({DeploymentStatus.PENDING_APPROVAL, DeploymentStatus.ACTIVE,
                              DeploymentStatus.SUSPENDED})
MIN_THRESHOLD, MAX_THRESHOLD = 0.0, 1.5


@transaction.atomic
def deployment_create(*, organisation: Organisation, actor: Any, fields: Mapping[str, Any],
                      purposes: Iterable[str], retention_rules: Iterable[Mapping] = (),
                      notice_text: str = "") -> Deployment:
    """A new draft deployment of the organisation, with its first threshold-history row."""
    require(actor, "deployment.create", organisation)
    _check_fields(fields)
    with acting_as(actor):
        deployment = Deployment(organisation=organisation, **fields)
        deployment.material_change_at = timezone.now()
        _save_named(deployment)
        deployment.purposes.set(_purposes(purposes))
        _set_retention(deployment, retention_rules)
        ThresholdChange.objects.create(deployment=deployment, previous=None,
                                       threshold=deployment.threshold, actor=actor,
                                       reason="Initial threshold")
        if notice_text.strip():
            notice_publish(deployment=deployment, text=notice_text, is_material_change=True)
    deployment_event_record(deployment=deployment, action=DeploymentAction.CREATE,
                            from_status=DeploymentStatus.DRAFT, actor=actor)
    return deployment


@transaction.atomic
def deployment_update(*, deployment: Deployment, actor: Any, fields: Mapping[str, Any],
                      purposes: Iterable[str] | None = None,
                      retention_rules: Iterable[Mapping] | None = None,
                      notice_text: str | None = None, threshold_reason: str = "") -> Deployment:
    """Change what is declared. Returns the deployment as stored."""
    require(actor, "deployment.manage", deployment)
    deployment = Deployment.objects.select_for_update().get(pk=deployment.pk)
    if deployment.status == DeploymentStatus.DECOMMISSIONED:
        raise InvalidTransition("A decommissioned deployment cannot change.")
    _check_fields(fields)
    changed = _changed_fields(deployment, fields, purposes, retention_rules)
    material = changed & (MATERIAL_FIELDS | {"retention_rules"})
    if material and deployment.status not in MATERIAL_EDIT_STATUSES:
        raise InvalidTransition(
            "Material facts (" + ", ".join(sorted(material)) + ") cannot change once the "
            "deployment is submitted: they were assessed and approved as they are.",
            code="material_change_not_allowed")
    previous_threshold = deployment.threshold
    with acting_as(actor):
        for name, value in fields.items():
            setattr(deployment, name, value)
        if material:
            deployment.material_change_at = timezone.now()
        _save_named(deployment)
        if purposes is not None:
            deployment.purposes.set(_purposes(purposes))
        if retention_rules is not None:
            _set_retention(deployment, retention_rules)
            if "retention_rules" in changed:
                retention_rules_changed(deployment=deployment)
        if deployment.threshold != previous_threshold:
            _record_threshold(deployment, previous_threshold, actor, threshold_reason)
        if notice_text is not None and _notice_changed(deployment, notice_text):
            notice_publish(deployment=deployment, text=notice_text,
                           is_material_change=bool(material))
            changed.add("notice")
    if not changed:
        return deployment
    deployment_event_record(deployment=deployment, action=DeploymentAction.UPDATE,
                            from_status=deployment.status, actor=actor,
                            reason="Changed: " + ", ".join(sorted(changed)))
    if deployment.status in RUNNING_STATUSES:
        _recheck_running(deployment, changed)
    return deployment


def _recheck_running(deployment: Deployment, changed: set[str]) -> None:
    """Every change to a running deployment passes the rules engine, or is undone."""
    from governance.services.filings import filing_open_for_change

    broken = violations(deployment)
    if broken:
        raise RuleViolations([f.as_violation() for f in broken],
                             detail="The change would break blocking rules; nothing changed.")
    filing_open_for_change(deployment=deployment, changed=changed)


def _save_named(deployment: Deployment) -> None:
    """Save, refusing a name the organisation already uses (409 `duplicate_name`). The check
    gives the common case its answer; a race between two requests meets the unique
    constraint inside a savepoint, and is answered the same way."""
    if not _name_taken(deployment):
        try:
            with transaction.atomic():
                deployment.save()
            return
        except IntegrityError:
            if not _name_taken(deployment):
                raise
    raise Conflict(f"This organisation already has a deployment named {deployment.name!r}.",
                   code="duplicate_name")


def _name_taken(deployment: Deployment) -> bool:
    return (Deployment.objects.filter(organisation_id=deployment.organisation_id,
                                      name=deployment.name)
            .exclude(pk=deployment.pk).exists())


def _check_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.", code="unknown_field")
    threshold = fields.get("threshold")
    if threshold is not None and not MIN_THRESHOLD < threshold <= MAX_THRESHOLD:
        raise DomainError("The threshold must be above 0 and at most 1.5.",
                          code="invalid_threshold")


def _purposes(codes: Iterable[str]) -> list[Purpose]:
    codes = list(dict.fromkeys(codes))
    found = list(Purpose.objects.filter(code__in=codes))
    unknown = set(codes) - {p.code for p in found}
    if unknown:
        raise DomainError(f"Unknown purposes: {', '.join(sorted(unknown))}.",
                          code="unknown_purpose")
    return found


def _set_retention(deployment: Deployment, rules: Iterable[Mapping]) -> None:
    rows = list(rules)
    for row in rows:
        if row["category"] not in DataCategory.values:
            raise DomainError(f"Unknown data category {row['category']!r}.", code="invalid")
        if row["trigger"] not in RetentionTrigger.values:
            raise DomainError(f"Unknown retention trigger {row['trigger']!r}.", code="invalid")
    deployment.retention_rules.exclude(category__in=[r["category"] for r in rows]).delete()
    for row in rows:
        RetentionRule.objects.update_or_create(
            deployment=deployment, category=row["category"],
            defaults={"period_days": row["period_days"], "trigger": row["trigger"],
                      "note": row.get("note", "")})


def _changed_fields(deployment: Deployment, fields: Mapping[str, Any],
                    purposes: Iterable[str] | None,
                    retention_rules: Iterable[Mapping] | None) -> set[str]:
    changed = {name for name, value in fields.items() if getattr(deployment, name) != value}
    if purposes is not None and set(purposes) != set(
            deployment.purposes.values_list("code", flat=True)):
        changed.add("purposes")
    if retention_rules is not None:
        current = {(r.category, r.period_days, r.trigger)
                   for r in deployment.retention_rules.all()}
        wanted = {(r["category"], r["period_days"], r["trigger"]) for r in retention_rules}
        if current != wanted:
            changed.add("retention_rules")
    return changed


def _record_threshold(deployment: Deployment, previous: float, actor: Any, reason: str) -> None:
    # The threshold decides who is matched: once submitted, every change gives its reason.
    if deployment.status != DeploymentStatus.DRAFT and not reason.strip():
        raise DomainError("Say why the threshold changes (it is shown on the public register).",
                          code="reason_required")
    ThresholdChange.objects.create(deployment=deployment, previous=previous,
                                   threshold=deployment.threshold, actor=actor,
                                   reason=reason.strip())


def _notice_changed(deployment: Deployment, text: str) -> bool:
    latest = deployment.notices.order_by("-version").first()
    return bool(text.strip()) and (latest is None or latest.text != text.strip())

