"""Changes to a deployment after it was submitted: each one recorded with before and after.

A change that makes recognition less safe, or touches what the regulator approved, does not
take effect on a public-interest deployment until the regulator approves it: until then it is
a `pending` change request and the deployment stays as approved. Every other change to a
submitted deployment is `applied` at once and recorded here too; applied and approved changes
are the deployment's public change history (governance.selectors.register).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models.deployments import Deployment
from governance.models.organisations import Organisation


class ChangeState(models.TextChoices):
    APPLIED = "applied", _("Applied at once")
    PENDING = "pending", _("Waiting for the regulator")
    APPROVED = "approved", _("Approved by the regulator and applied")
    REJECTED = "rejected", _("Rejected by the regulator")
    WITHDRAWN = "withdrawn", _("Withdrawn by the operator")


# The states in which a change took effect: the deployment's change history.
IN_EFFECT = (ChangeState.APPLIED, ChangeState.APPROVED)


class DeploymentChange(models.Model):
    """One change (or change request) of a submitted deployment.

    `changes` maps each changed field to `{"before": …, "after": …}` in JSON values: purposes
    as sorted codes, retention rules as rows, the notice as its text.
    """

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="changes")
    state = models.CharField(max_length=12, choices=ChangeState.choices)
    changes = models.JSONField()
    # Why the operator changes it; shown to the regulator and on the public register.
    reason = models.TextField(blank=True)
    # What the threshold history records as the reason of a threshold change.
    threshold_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField()
    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deployment", "-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ChangeState.values),
                                   name="deployment_change_state_valid"),
            # One open request at a time: each is judged against the deployment as approved.
            models.UniqueConstraint(fields=["deployment"], condition=Q(state="pending"),
                                    name="deployment_change_one_pending"),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "rejected"]) | ~Q(decision_reasons=""),
                name="deployment_change_decision_has_reasons"),
            models.CheckConstraint(
                condition=~Q(state__in=["applied", "approved"]) | Q(applied_at__isnull=False),
                name="deployment_change_in_effect_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.deployment.name}: change {self.id} ({self.state})"

    @property
    def fields(self) -> list[str]:
        return sorted(self.changes)
