"""Filings with the regulator (CAC Measures Art. 15).

Once a deployment stores the faces of 100,000 people, its operator files five materials with
the regulator within 30 working days; changes and termination are filed the same way.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models.assessments import ImpactAssessment
from governance.models.deployments import Deployment


class FilingKind(models.TextChoices):
    INITIAL = "initial", _("Initial filing")
    CHANGE = "change", _("Change filing")
    TERMINATION = "termination", _("Termination filing")


class FilingStatus(models.TextChoices):
    OPEN = "open", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


# The five materials of CAC Measures Art. 15, in the order the article lists them.
FILING_MATERIALS: tuple[tuple[str, str], ...] = (
    ("handler_information", "Basic information about the personal-information handler"),
    ("purpose_and_method", "Purpose and method of processing face information"),
    ("stored_subjects", "Number of people whose face information is stored"),
    ("security_measures", "Measures protecting the face information"),
    ("impact_assessment", "The personal-information protection impact assessment report"),
)


class Filing(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField(max_length=12, choices=FilingKind.choices)
    status = models.CharField(max_length=12, choices=FilingStatus.choices,
                              default=FilingStatus.OPEN)
    trigger = models.CharField(max_length=250)
    triggered_at = models.DateTimeField()
    due_at = models.DateTimeField()
    # The five materials; filled in when the operator submits.
    handler_information = models.TextField(blank=True)
    purpose_and_method = models.TextField(blank=True)
    stored_subjects = models.PositiveIntegerField(null=True, blank=True)
    security_measures = models.TextField(blank=True)
    impact_assessment = models.ForeignKey(ImpactAssessment, on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="filings")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=FilingKind.values),
                                   name="filing_kind_valid"),
            models.CheckConstraint(condition=models.Q(status__in=FilingStatus.values),
                                   name="filing_status_valid"),
            # One initial filing per deployment; later ones are changes or termination.
            models.UniqueConstraint(fields=["deployment"], condition=models.Q(kind="initial"),
                                    name="filing_one_initial_per_deployment"),
        ]

    def __str__(self) -> str:
        return f"{self.deployment.name}: {self.get_kind_display()} ({self.status})"

    @property
    def is_overdue(self) -> bool:
        """Still not submitted after its deadline."""
        return self.status == FilingStatus.OPEN and timezone.now() > self.due_at

    @property
    def was_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at > self.due_at
