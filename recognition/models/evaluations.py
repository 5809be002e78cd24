"""Accuracy and fairness evaluations of a deployment's threshold (issue 13).

An `EvaluationSet` is a labelled set of photos: an uploaded ZIP (sealed at rest through
governance/platform/uploads.py, under a retention rule) or the reference set shipped for the
demo (read from FACEGOV_REFERENCE_SET_DIR, nothing stored). Its `manifest` lists, per
identity, the image entries that will be evaluated, and what was excluded at upload and why.

An `Evaluation` is one run of the engine over a set at the deployment's threshold: status and
progress while it runs, then figures (JSON) with the engine version, the set size and the
failures to enrol by reason. Figures are aggregates; `closest_impostors` names identities of
the set and is shown to the owner only, and cleared when the set is destroyed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import Deployment
from governance.models.uploads import SealedFile


class EvaluationSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded set")
    REFERENCE = "reference", _("Reference set")


class EvaluationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class EvaluationSet(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="evaluation_sets")
    source = models.CharField(max_length=10, choices=EvaluationSource.choices)
    sealed_file = models.OneToOneField(SealedFile, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="evaluation_set")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    # {"identities": {name: [entry, ...]}, "groups": {name: {attribute: value}},
    #  "exclusions": {"non_images": n, "single_image_identities": [...], "ignored": n}}
    manifest = models.JSONField(default=dict)
    identities = models.PositiveIntegerField(default=0)
    images = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    delete_after = models.DateTimeField(null=True, blank=True)
    delete_trigger = models.CharField(max_length=30, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["delete_after"], name="evalset_delete_after",
                                condition=Q(destroyed_at__isnull=True))]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="reference", sealed_file__isnull=True)
                | Q(source="upload", sealed_file__isnull=False),
                name="evaluation_set_upload_has_file"),
        ]

    def __str__(self) -> str:
        return f"evaluation set #{self.pk} of {self.deployment_id} ({self.source})"


class Evaluation(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="evaluations")
    evaluation_set = models.ForeignKey(EvaluationSet, on_delete=models.PROTECT,
                                       related_name="evaluations")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=EvaluationStatus.choices,
                              default=EvaluationStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # The deployment's threshold when the run was requested, and the target it calibrates for.
    threshold = models.FloatField()
    target_fmr = models.FloatField()
    engine_version = models.CharField(max_length=60, blank=True)
    model_version = models.CharField(max_length=200, blank=True)
    images = models.PositiveIntegerField(default=0)
    identities = models.PositiveIntegerField(default=0)
    # Images the engine refused, by refusal code ({"no_face": 2, ...}): never dropped silently.
    failures_to_enrol = models.JSONField(default=dict)
    results = models.JSONField(default=dict)
    closest_impostors = models.JSONField(default=list)
    error_code = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100),
                                   name="evaluation_progress_percent"),
            models.CheckConstraint(condition=Q(status__in=EvaluationStatus.values),
                                   name="evaluation_status_valid"),
        ]

    def __str__(self) -> str:
        return f"evaluation #{self.pk} of {self.deployment_id} ({self.status})"

    @property
    def fte_count(self) -> int:
        return sum(self.failures_to_enrol.values())
