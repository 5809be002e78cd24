"""The template vault: envelope-encrypted templates, one data key per subject.

master key (settings) → DeploymentKey.wrapped_key → VaultSubject.wrapped_data_key → templates.
Nothing here is ever plaintext biometric data: vectors are transformed (a per-deployment secret
rotation, ISO/IEC 24745 renewability) and then sealed with AES-GCM bound to their context.
"""

import uuid

from django.db import models

from governance.models import DeletionTrigger, Deployment


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
