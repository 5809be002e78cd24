"""Declaring a deployment: create, change, retention rules, notices and the threshold.

Before submission a deployment changes freely. After submission every change is recorded
with its before and after (governance.models.changes) and passes the rules engine inside the
transaction: if a blocking rule fails, everything rolls back and nothing changed. What
changes at once and what waits depends on the change (governance.compliance.changes):

- neutral (name, wording) and safer changes (threshold down, liveness on, …) apply at once;
- on a public-interest deployment the regulator approved (active or suspended), any other
  change becomes a pending change request and the deployment stays as approved until the
  regulator decides (governance.services.change_requests);
- elsewhere such a change applies at once, except a material fact the impact assessment
  rests on, which cannot change once submitted.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import acting_as
from governance.compliance.changes import (
    field_labels,
    material,
    material_unsafe,
    needing_approval,
    proposed_changes,
)
from governance.compliance.rules import violations
from governance.errors import Conflict, DomainError, InvalidTransition, RuleViolations
from governance.models import (
    ChangeState,
    DataCategory,
    Deployment,
    DeploymentAction,
    DeploymentChange,
    DeploymentStatus,
    Interest,
    Organisation,
    Purpose,
    RetentionRule,
    RetentionTrigger,
    ThresholdChange,
)
from governance.permissions import require
from governance.services.events import deployment_event_record
from governance.services.jurisdictions import (
    JURISDICTION_FIELD,
    deployment_fields_with_jurisdiction,
    deployment_jurisdiction_check,
)
from governance.services.notices import notice_publish
from governance.services.retention import retention_rules_changed
from governance.thresholds import threshold_range

# The declared fields a client may set (status and timestamps belong to the lifecycle).
EDITABLE_FIELDS = frozenset({
    "name", "description", "location", "scenario", "mode", "place_type", "is_public_place",
    "has_signage", "interest", "legal_basis", "storage", "central_storage_separate_consent",
    "expected_subjects", "non_face_alternative", "keeps_images", "keeps_images_justification",
    "threshold", "requires_liveness", "two_person_confirmation", "jurisdiction",
})
# Material facts may change only while the deployment is not running.
MATERIAL_EDIT_STATUSES = frozenset({DeploymentStatus.DRAFT, DeploymentStatus.REJECTED})
RUNNING_STATUSES = frozenset({DeploymentStatus.PENDING_APPROVAL, DeploymentStatus.ACTIVE,
                              DeploymentStatus.SUSPENDED})
# A public-interest deployment in these states runs as the regulator approved it.
APPROVED_STATUSES = frozenset({DeploymentStatus.ACTIVE, DeploymentStatus.SUSPENDED})


@dataclass(frozen=True)
class DeploymentUpdate:
    """What a call of `deployment_update` did: `applied` (with its change record
    once the deployment was submitted), `change_request` (pending, nothing changed yet) or
    `unchanged`."""

    deployment: Deployment
    outcome: str
    change: DeploymentChange | None = None


@transaction.atomic
def deployment_create(*, organisation: Organisation, actor: Any, fields: Mapping[str, Any],
                      purposes: Iterable[str], retention_rules: Iterable[Mapping] = (),
                      notice_text: str = "") -> Deployment:
    """A new draft deployment of the organisation, with its first threshold-history row."""
    require(actor, "deployment.create", organisation)
    fields = deployment_fields_with_jurisdiction(organisation=organisation, fields=fields)
    _check_fields(fields)
    if "threshold" in fields:
        _check_threshold(fields["threshold"])
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
                      notice_text: str | None = None, threshold_reason: str = "",
                      reason: str = "") -> DeploymentUpdate:
    """Change what is declared: applied at once, or filed as a change request for the
    regulator (see the module docstring). A refusal changes nothing."""
    require(actor, "deployment.manage", deployment)
    deployment = Deployment.objects.select_for_update().get(pk=deployment.pk)
    if deployment.status == DeploymentStatus.DECOMMISSIONED:
        raise InvalidTransition(_("A decommissioned deployment cannot change."))
    _check_fields(fields)
    if JURISDICTION_FIELD in fields:
        deployment_jurisdiction_check(organisation=deployment.organisation,
                                      jurisdiction=fields[JURISDICTION_FIELD])
    if purposes is not None:
        _purposes(purposes)
    _check_retention(retention_rules or ())
    changes = proposed_changes(deployment, fields=fields, purposes=purposes,
                               retention_rules=retention_rules, notice_text=notice_text)
    if not changes:
        return DeploymentUpdate(deployment=deployment, outcome="unchanged")
    if "threshold" in changes:
        _check_threshold(changes["threshold"]["after"])
    if _needs_regulator(deployment, changes):
        change = _change_request_file(deployment, changes, actor,
                                      reason=reason, threshold_reason=threshold_reason)
        return DeploymentUpdate(deployment=deployment, outcome="change_request", change=change)
    unsafe_material = material_unsafe(changes)
    if unsafe_material and deployment.status not in MATERIAL_EDIT_STATUSES:
        raise InvalidTransition(
            _("Material facts (%(fields)s) cannot change once the deployment is submitted: "
              "they were assessed as they are.") % {"fields": field_labels(unsafe_material)},
            code="material_change_not_allowed")
    if deployment.status in MATERIAL_EDIT_STATUSES and material(changes):
        material_at = timezone.now()
    else:
        material_at = None
    change_apply(deployment=deployment, changes=changes, actor=actor,
                 threshold_reason=threshold_reason or reason, material_at=material_at)
    deployment_event_record(deployment=deployment, action=DeploymentAction.UPDATE,
                            from_status=deployment.status, actor=actor,
                            reason="Changed: " + ", ".join(sorted(changes)))
    record = None
    if deployment.status in RUNNING_STATUSES:
        record = _change_record(deployment, changes, actor, state=ChangeState.APPLIED,
                                reason=reason or threshold_reason,
                                threshold_reason=threshold_reason)
        change_recheck(deployment=deployment, changed=set(changes))
    return DeploymentUpdate(deployment=deployment, outcome="applied", change=record)


def _needs_regulator(deployment: Deployment, changes: Mapping[str, Any]) -> bool:
    return (deployment.interest == Interest.PUBLIC
            and deployment.status in APPROVED_STATUSES
            and bool(needing_approval(changes)))


def change_apply(*, deployment: Deployment, changes: Mapping[str, Mapping[str, Any]],
                 actor: Any, threshold_reason: str, material_at: Any = None,
                 record: bool = True) -> None:
    """Write `changes` onto the locked deployment (the one way a change takes effect, at once
    or on the regulator's approval). `record=False` only sets the values, for a dry run."""
    with acting_as(actor):
        for name, change in changes.items():
            if name in EDITABLE_FIELDS:
                setattr(deployment, name, change["after"])
        if material_at is not None:
            deployment.material_change_at = material_at
        _save_named(deployment)
        if "purposes" in changes:
            deployment.purposes.set(_purposes(changes["purposes"]["after"]))
        if "retention_rules" in changes:
            _set_retention(deployment, changes["retention_rules"]["after"])
            if record:
                retention_rules_changed(deployment=deployment)
        if not record:
            return
        if "threshold" in changes:
            _record_threshold(deployment, changes["threshold"]["before"], actor,
                              threshold_reason)
        if "notice" in changes:
            notice_publish(deployment=deployment, text=changes["notice"]["after"],
                           is_material_change=material_at is not None)


def change_recheck(*, deployment: Deployment, changed: set[str]) -> None:
    """Every change to a running deployment passes the rules engine, or is undone; a filed
    deployment files its change."""
    from governance.services.filings import filing_open_for_change

    broken = violations(deployment)
    if broken:
        raise RuleViolations([f.as_violation() for f in broken],
                             detail=_("The change would break blocking rules; nothing changed."))
    filing_open_for_change(deployment=deployment, changed=changed)


def _violations_if_applied(deployment: Deployment, changes: Mapping[str, Any]) -> list:
    """The blocking rules the deployment would break with `changes`, found by applying them
    in a savepoint that is always rolled back (the assessment is judged as it stands: a
    material change is re-assessed before approval, see change_requests)."""
    savepoint = transaction.savepoint()
    try:
        change_apply(deployment=deployment, changes=changes, actor=None, threshold_reason="",
                     record=False)
        return violations(deployment)
    finally:
        transaction.savepoint_rollback(savepoint)
        deployment.refresh_from_db()


def _change_request_file(deployment: Deployment, changes: Mapping[str, Any], actor: Any, *,
                         reason: str, threshold_reason: str) -> DeploymentChange:
    """File the change for the regulator; the deployment itself does not change."""
    pending = deployment.changes.filter(state=ChangeState.PENDING).first()
    if pending is not None:
        raise InvalidTransition(
            _("Change request %(id)s is still waiting for the regulator; withdraw it or wait "
              "for the decision.") % {"id": pending.id},
            code="change_request_pending", change_request_id=pending.id)
    broken = _violations_if_applied(deployment, changes)
    if broken:
        raise RuleViolations([f.as_violation() for f in broken],
                             detail=_("The change would break blocking rules; nothing was "
                                      "filed."))
    why = (reason or threshold_reason).strip()
    if not why:
        raise DomainError(_("Say why the deployment should change: the regulator decides on "
                            "it and the reason is published."), code="reason_required")
    change = _change_record(deployment, changes, actor, state=ChangeState.PENDING, reason=why,
                            threshold_reason=threshold_reason.strip() or why)
    deployment_event_record(
        deployment=deployment, action=DeploymentAction.CHANGE_REQUEST,
        from_status=deployment.status, actor=actor,
        reason=f"Change request {change.id} ({field_labels(change.fields)}): {why}")
    return change


def _change_record(deployment: Deployment, changes: Mapping[str, Any], actor: Any, *,
                   state: str, reason: str, threshold_reason: str) -> DeploymentChange:
    now = timezone.now()
    return DeploymentChange.objects.create(
        deployment=deployment, state=state, changes=dict(changes), reason=reason.strip(),
        threshold_reason=threshold_reason.strip(), requested_at=now,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        applied_at=now if state == ChangeState.APPLIED else None)


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


def _check_threshold(threshold: float) -> None:
    """Only thresholds the engine is calibrated for (governance.thresholds)."""
    allowed = threshold_range()
    if not allowed.allows(threshold):
        raise DomainError(
            _("The threshold must be above %(min)s and at most %(max)s, the range the "
              "recognition engine is calibrated for.") % {"min": allowed.minimum,
                                                         "max": allowed.maximum},
            code="threshold_out_of_range", minimum=allowed.minimum, maximum=allowed.maximum)


def _purposes(codes: Iterable[str]) -> list[Purpose]:
    codes = list(dict.fromkeys(codes))
    found = list(Purpose.objects.filter(code__in=codes))
    unknown = set(codes) - {p.code for p in found}
    if unknown:
        raise DomainError(_("These are not purposes of the taxonomy: %(codes)s. Choose from: "
                            "%(known)s.") % {"codes": ", ".join(sorted(unknown)),
                                             "known": ", ".join(Purpose.objects.values_list(
                                                 "code", flat=True))},
                          code="unknown_purpose")
    return found


def _check_retention(rules: Iterable[Mapping]) -> None:
    for row in rules:
        if row["category"] not in DataCategory.values:
            raise DomainError(f"Unknown data category {row['category']!r}.", code="invalid")
        if row["trigger"] not in RetentionTrigger.values:
            raise DomainError(f"Unknown retention trigger {row['trigger']!r}.", code="invalid")


def _set_retention(deployment: Deployment, rules: Iterable[Mapping]) -> None:
    rows = list(rules)
    _check_retention(rows)
    deployment.retention_rules.exclude(category__in=[r["category"] for r in rows]).delete()
    for row in rows:
        RetentionRule.objects.update_or_create(
            deployment=deployment, category=row["category"],
            defaults={"period_days": row["period_days"], "trigger": row["trigger"],
                      "note": row.get("note", "")})


def _record_threshold(deployment: Deployment, previous: float, actor: Any, reason: str) -> None:
    # The threshold decides who is matched: once submitted, every change gives its reason.
    if deployment.status != DeploymentStatus.DRAFT and not reason.strip():
        raise DomainError(_("Say why the threshold changes (it is shown on the public register)."),
                          code="reason_required")
    ThresholdChange.objects.create(deployment=deployment, previous=previous,
                                   threshold=deployment.threshold, actor=actor,
                                   reason=reason.strip())
