"""The template vault: envelope-encrypted templates, one data key per subject.

master key (settings) → DeploymentKey.wrapped_key → VaultSubject.wrapped_data_key → templates.
Nothing here is ever plaintext biometric data: vectors are transformed (a per-deployment secret
rotation, ISO/IEC 24745 renewability) and then sealed with AES-GCM bound to their context.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import DeletionTrigger, Deployment


class GalleryIndexKind(models.TextChoices):
    EXACT = "exact", _("Exact search")
    IVF = "ivf", _("Approximate (FAISS IVF-Flat)")
    HNSW = "hnsw", _("Approximate (FAISS HNSW)")


class DeploymentKey(models.Model):
    """The deployment's key (wrapped by the master key) and its template transform secret."""

    deployment = models.OneToOneField(Deployment, on_delete=models.CASCADE,
                                      related_name="vault_key")
    key_version = models.PositiveIntegerField(default=1)
    wrapped_key = models.BinaryField()
    transform_version = models.PositiveIntegerField(default=1)
    # The transform secret, sealed under the deployment key.
    sealed_transform_secret = models.BinaryField()
    # Bumped on every enrolment and deletion: every process rebuilds its 1:N gallery when the
    # number it cached differs from this one.
    gallery_version = models.PositiveBigIntegerField(default=0)
    # With shard workers (FACEGOV_GALLERY_SHARDS > 0): the gallery is split into this many
    # parts (by subject), each held by the workers of its own queue and searched in parallel.
    gallery_parts = models.PositiveSmallIntegerField(default=1)
    # How the gallery is searched: exact (default) or an approximate FAISS index, switched on
    # only after its recall was measured on this gallery (recognition/services/approximate.py).
    index_kind = models.CharField(_("gallery index"), max_length=10,
                                  choices=GalleryIndexKind.choices,
                                  default=GalleryIndexKind.EXACT)
    index_params = models.JSONField(_("gallery index parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"key v{self.key_version} of {self.deployment_id}"


class VaultSubject(models.Model):
    """A person enrolled in one deployment, known only by the deployment's pseudonymous ref.

    Deleting this row destroys the subject's wrapped data key: every template sealed under it
    becomes unreadable at once (crypto-shredding), before the template rows are removed.
    """

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="vault_subjects")
    subject_ref = models.CharField(max_length=128)
    key_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    wrapped_data_key = models.BinaryField()
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_interaction_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "subject_ref"],
                                    name="vault_subject_unique_per_deployment")
        ]

    def __str__(self) -> str:
        return f"{self.subject_ref} in deployment {self.deployment_id}"


class Template(models.Model):
    """One sealed face template (a transformed 128-d vector) of a subject."""

    subject = models.ForeignKey(VaultSubject, on_delete=models.CASCADE,
                                related_name="templates")
    nonce_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sealed_vector = models.BinaryField()
    transform_version = models.PositiveIntegerField()
    engine_version = models.CharField(max_length=40)
    model_version = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    # Computed by the retention rules when written, recomputed when what they depend on
    # changes (recognition/retention.py); the trigger is the term that set it.
    delete_after = models.DateTimeField(null=True, blank=True, db_index=True)
    delete_trigger = models.CharField(max_length=30, choices=DeletionTrigger.choices,
                                      blank=True)

    def __str__(self) -> str:
        return f"template {self.nonce_id}"


class FaceImage(models.Model):
    """A raw enrolment image, kept only when the deployment declares its purpose needs it."""

    subject = models.ForeignKey(VaultSubject, on_delete=models.CASCADE, related_name="images")
    nonce_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sealed_image = models.BinaryField()
    content_type = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    delete_after = models.DateTimeField(null=True, blank=True, db_index=True)
    delete_trigger = models.CharField(max_length=30, choices=DeletionTrigger.choices,
                                      blank=True)

    def __str__(self) -> str:
        return f"image {self.nonce_id}"


class GalleryIndexMeasurement(models.Model):
    """One recall@1 measurement of an approximate index against exact search, on the
    deployment's own templates; an index is switched on only when `accepted`."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="gallery_index_measurements")
    kind = models.CharField(_("gallery index"), max_length=10,
                            choices=GalleryIndexKind.choices)
    params = models.JSONField(_("parameters"), default=dict)
    recall_at_1 = models.FloatField(_("recall@1"))
    required_recall = models.FloatField(_("required recall@1"))
    probes = models.PositiveIntegerField(_("probes"))
    templates = models.PositiveIntegerField(_("templates"))
    exact_ms = models.FloatField(_("exact search (ms per probe)"))
    approximate_ms = models.FloatField(_("approximate search (ms per probe)"))
    accepted = models.BooleanField(_("accepted"))
    measured_at = models.DateTimeField(_("measured at"), auto_now_add=True)
    measured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-measured_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} recall@1 {self.recall_at_1:.4%} for {self.deployment_id}"
