"""Output shapes shared by the deployment and register APIs.

Payloads are built by small functions from the model (and the register's whitelist), then
serialized; the serializers document the shape for the OpenAPI schema.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance.models import ChangeState, Deployment, DeploymentChange
from governance.selectors.compliance import compliance_payload, retention_payload
from governance.selectors.register import register_entry
from governance.services.lifecycle import allowed_actions


class RetentionOutputSerializer(serializers.Serializer):
    category = serializers.CharField()
    declared = serializers.DictField(allow_null=True)
    effective = serializers.DictField()


class ChangeRequestOutputSerializer(serializers.Serializer):
    """A change of a submitted deployment: applied at once, or a request for the regulator."""

    id = serializers.IntegerField()
    deployment_id = serializers.IntegerField()
    state = serializers.ChoiceField(ChangeState.choices)
    changed_fields = serializers.ListField(child=serializers.CharField())
    changes = serializers.DictField(
        child=serializers.DictField(), help_text=_("{field: {before, after}}"))
    reason = serializers.CharField()
    requested_by = serializers.CharField(allow_null=True)
    requested_at = serializers.DateTimeField()
    regulator = serializers.CharField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reasons = serializers.CharField()
    applied_at = serializers.DateTimeField(allow_null=True)


def change_payload(change: DeploymentChange) -> dict[str, Any]:
    return {"id": change.id, "deployment_id": change.deployment_id, "state": change.state,
            "changed_fields": change.fields, "changes": change.changes, "reason": change.reason,
            "requested_by": change.requested_by.username if change.requested_by else None,
            "requested_at": change.requested_at,
            "regulator": change.regulator.name if change.regulator else None,
            "decided_by": change.decided_by.username if change.decided_by else None,
            "decided_at": change.decided_at, "decision_reasons": change.decision_reasons,
            "applied_at": change.applied_at}


class DeploymentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.DictField()
    name = serializers.CharField()
    description = serializers.CharField()
    location = serializers.CharField()
    jurisdiction = serializers.CharField()
    scenario = serializers.CharField()
    mode = serializers.CharField()
    place_type = serializers.CharField()
    is_public_place = serializers.BooleanField()
    has_signage = serializers.BooleanField()
    interest = serializers.CharField()
    purposes = serializers.ListField(child=serializers.CharField())
    legal_basis = serializers.CharField()
    storage = serializers.CharField()
    central_storage_separate_consent = serializers.BooleanField()
    expected_subjects = serializers.IntegerField()
    stored_subjects = serializers.IntegerField()
    non_face_alternative = serializers.CharField()
    keeps_images = serializers.BooleanField()
    keeps_images_justification = serializers.CharField()
    threshold = serializers.FloatField()
    requires_liveness = serializers.BooleanField()
    two_person_confirmation = serializers.BooleanField()
    status = serializers.CharField()
    notice = serializers.DictField(allow_null=True)
    retention = RetentionOutputSerializer(many=True)
    threshold_history = serializers.ListField(child=serializers.DictField())
    assessment = serializers.DictField(allow_null=True)
    filings = serializers.ListField(child=serializers.DictField())
    decisions = serializers.ListField(child=serializers.DictField())
    events = serializers.ListField(child=serializers.DictField(), required=False)
    allowed_actions = serializers.ListField(child=serializers.CharField())
    pending_change_request = ChangeRequestOutputSerializer(
        allow_null=True, help_text=_("The change waiting for the regulator, if any."))
    submitted_at = serializers.DateTimeField(allow_null=True)
    activated_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


FIELDS = ("id", "name", "description", "location", "jurisdiction", "scenario", "mode", "place_type",
          "is_public_place", "has_signage", "interest", "legal_basis", "storage",
          "central_storage_separate_consent", "expected_subjects", "stored_subjects",
          "non_face_alternative", "keeps_images", "keeps_images_justification", "threshold",
          "requires_liveness", "two_person_confirmation", "status", "submitted_at",
          "activated_at", "created_at")


def deployment_payload(deployment: Deployment, user: Any, *, detail: bool = True) -> dict:
    """Everything a permitted viewer sees; the event log only on the detail view."""
    data: dict[str, Any] = {name: getattr(deployment, name) for name in FIELDS}
    public = register_entry(deployment)
    data |= {
        "organisation": {"id": deployment.organisation_id,
                         "name": deployment.organisation.name},
        "purposes": public["purposes"],
        "notice": public["notice"],
        "threshold_history": public["threshold_history"],
        "retention": retention_payload(deployment),
        "assessment": _assessment(deployment),
        "filings": [_filing(f) for f in deployment.filings.all()],
        "decisions": [{"decision": d.decision, "regulator": d.regulator.name,
                       "reasons": d.reasons, "legal_basis": d.legal_basis,
                       "decided_at": d.decided_at} for d in deployment.decisions.all()],
        "allowed_actions": allowed_actions(deployment=deployment, user=user),
        "pending_change_request": next(
            (change_payload(c) for c in deployment.changes.all()
             if c.state == ChangeState.PENDING), None),
    }
    if detail:
        data["events"] = [{"action": e.action, "from_status": e.from_status,
                           "to_status": e.to_status, "reason": e.reason,
                           "actor": e.actor.username if e.actor else None,
                           "at": e.created_at} for e in deployment.events.all()]
    return data


def _assessment(deployment: Deployment) -> dict | None:
    latest = max(deployment.assessments.all(), key=lambda a: a.version, default=None)
    if latest is None:
        return None
    return {"id": latest.id, "version": latest.version, "risk_level": latest.risk_level,
            "score": latest.score, "completed_at": latest.completed_at,
            "locked_at": latest.locked_at, "keep_until": latest.keep_until}


def _filing(filing: Any) -> dict:
    return {"id": filing.id, "kind": filing.kind, "status": filing.status,
            "trigger": filing.trigger, "due_at": filing.due_at,
            "is_overdue": filing.is_overdue, "submitted_at": filing.submitted_at,
            "acknowledged_at": filing.acknowledged_at}


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    reference = serializers.CharField()
    severity = serializers.CharField()
    title = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField()
    jurisdiction = serializers.CharField()


class ComplianceOutputSerializer(serializers.Serializer):
    deployment = serializers.IntegerField()
    jurisdiction = serializers.CharField(help_text=_("Whose rule pack judged it."))
    checked_at = serializers.DateTimeField()
    compliant = serializers.BooleanField(help_text=_("No blocking rule fails."))
    violations = serializers.ListField(child=serializers.DictField())
    warnings = serializers.ListField(child=serializers.DictField())
    results = FindingSerializer(many=True)


__all__ = ["compliance_payload", "retention_payload"]
