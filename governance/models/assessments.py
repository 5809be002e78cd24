"""Personal-information protection impact assessments (PIPL Art. 55–56; GDPR Art. 35).

The questionnaire and the risk computation are code (governance/compliance/questionnaire.py);
a row stores one version of the answers. The version in force when a deployment is submitted
is locked, and every version is kept for at least three years (PIPL Art. 56).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models.deployments import Deployment

RETENTION_YEARS = 3


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")


class ImpactAssessment(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="assessments")
    version = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)
    score = models.PositiveIntegerField(default=0)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    keep_until = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deployment", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "version"],
                                    name="assessment_version_unique"),
            # A locked assessment was complete when it was locked.
            models.CheckConstraint(
                condition=models.Q(locked_at__isnull=True) | models.Q(completed_at__isnull=False),
                name="assessment_locked_only_when_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deployment.name} assessment v{self.version}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
