"""Leak cases (issue 15): a leaked dump of face templates, analysed for its source.

The regulator uploads the dump; a Celery job reports which copy of the platform's templates it
is (deployment or device, transform version), the canaries it holds, the affected subjects and
a guilt score per candidate source. The report and the dump's hash become evidence in an
investigation. Interception (one action, with its reason) suspends the source, revokes its
keys, rotates its template space and tells the affected people.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import Deployment, Organisation


class LeakStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being analysed")
    DONE = "done", _("Analysed")
    FAILED = "failed", _("Failed")


class DumpFormat(models.TextChoices):
    NPY = "npy", _("NumPy array (.npy)")
    CSV = "csv", _("CSV of vectors")
    JSON = "json", _("JSON of vectors")
    IMAGE = "image", _("Photo (faces encoded by the engine)")


class LeakCase(models.Model):
    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="leak_cases")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    title = models.CharField(max_length=250)
    # The dump as uploaded (sealed); the same sealed file becomes the evidence item.
    dump = models.ForeignKey("governance.SealedFile", on_delete=models.PROTECT,
                             related_name="+")
    dump_sha256 = models.CharField(max_length=64)
    dump_format = models.CharField(max_length=10, choices=DumpFormat.choices)
    vector_count = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=LeakStatus.choices,
                              default=LeakStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    report = models.JSONField(default=dict, blank=True)
    investigation = models.ForeignKey("complaints.Investigation", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="leak_cases")
    source_deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="leak_cases")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    intercepted_at = models.DateTimeField(null=True, blank=True)
    intercepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    intercept_reason = models.TextField(blank=True)
    # What interception did and measured: keys revoked, version, people told, matches after.
    interception = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100),
                                              name="leak_case_progress_percent")]

    def __str__(self) -> str:
        return f"leak case {self.id}: {self.title}"
