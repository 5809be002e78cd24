"""What happened to a deployment: transitions, regulator decisions, threshold changes.

These rows are append-only: services create them in the same transaction as the change they
record, and nothing updates or deletes them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models.deployments import Deployment, DeploymentStatus
from governance.models.organisations import Organisation


class DeploymentAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    SUSPEND = "suspend", _("Suspended")
    RESUME = "resume", _("Resumed")
    DECOMMISSION = "decommission", _("Decommissioned")
    # A change that waits for the regulator (governance.models.changes), and its outcome.
    CHANGE_REQUEST = "change_request", _("Change requested")
    CHANGE_APPROVE = "change_approve", _("Change approved")
    CHANGE_REJECT = "change_reject", _("Change rejected")
    CHANGE_WITHDRAW = "change_withdraw", _("Change request withdrawn")


class DeploymentEvent(models.Model):
    """One row per transition (and per change), naming who acted and why."""

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20, choices=DeploymentAction.choices)
    from_status = models.CharField(max_length=20, choices=DeploymentStatus.choices)
    to_status = models.CharField(max_length=20, choices=DeploymentStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deployment", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=DeploymentAction.values),
                                   name="deployment_event_action_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.deployment.name}: {self.action} {self.from_status}→{self.to_status}"


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DeploymentDecision(models.Model):
    """A regulator's prior decision on a public-interest deployment, with its reasons.

    An approval's `legal_basis` is what a public-security deployment enrols under instead of
    consent (DESIGN invariant 1).
    """

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="decisions")
    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reasons = models.TextField()
    legal_basis = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deployment", "-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(decision__in=Decision.values),
                                   name="deployment_decision_valid"),
            models.CheckConstraint(condition=~models.Q(reasons=""),
                                   name="deployment_decision_has_reasons"),
        ]

    def __str__(self) -> str:
        return f"{self.deployment.name}: {self.decision} by {self.regulator}"


class ThresholdChange(models.Model):
    """The public history of a deployment's one decision threshold (DESIGN invariant 8)."""

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="threshold_changes")
    previous = models.FloatField(null=True, blank=True)
    threshold = models.FloatField()
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deployment", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.deployment.name}: {self.previous} → {self.threshold}"
