"""Breach reports (PIPL Art. 57; GDPR Art. 33/34) and court evidence packages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import Deployment, Organisation


class BreachStatus(models.TextChoices):
    RECEIVED = "received", _("Awaiting the regulator's review")
    REVIEWED = "reviewed", _("Reviewed")
    INVESTIGATING = "investigating", _("Under investigation")


class BreachReport(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="breach_reports")
    deployments = models.ManyToManyField(Deployment, related_name="breach_reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    discovered_at = models.DateTimeField()
    reported_at = models.DateTimeField()
    # 72 hours from discovery (governance/platform/deadlines.py); a later report is late.
    notify_due = models.DateTimeField()
    late = models.BooleanField()
    description = models.TextField(max_length=10000)
    data_categories = models.JSONField(default=list, blank=True)
    people_affected = models.PositiveIntegerField()
    measures = models.TextField(blank=True, max_length=10000)
    status = models.CharField(max_length=15, choices=BreachStatus.choices,
                              default=BreachStatus.RECEIVED)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    investigation = models.ForeignKey("complaints.Investigation", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="breaches")
    people_notified = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(discovered_at__lte=models.F("reported_at")),
                                   name="breach_discovered_before_reported"),
        ]

    def __str__(self) -> str:
        return f"breach report {self.id}"


class PackageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class EvidencePackage(models.Model):
    """A complainant's evidence package for court, built by a Celery task."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT,
                                  related_name="evidence_packages")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(max_length=10, choices=PackageStatus.choices,
                              default=PackageStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    sealed = models.OneToOneField("governance.SealedFile", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100),
                                   name="evidence_package_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"evidence package {self.id} for complaint {self.complaint_id}"
