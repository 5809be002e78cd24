"""Leak tracing (issue 15): past template spaces, canaries, and the disclosure ledger.

- ``TransformArchive`` keeps each past transform secret of a deployment (sealed under a key
  derived from the master key), with the window in which it was current: a copy taken before a
  rotation still names its version and time window.
- ``Canary``: a synthetic identity planted in one copy (the deployment's own, a device's, an
  export's), known in raw space and sealed. Canaries are not vault subjects: nothing that counts,
  files, evaluates, exports, purges or searches the gallery ever sees them. They go only into the
  copies that leave the vault, and are destroyed with the deployment (CASCADE).
- ``DisclosureEntry``: every time templates leave the vault, a chained entry (one chain per
  deployment, ledger "disclosure") records recipient, space, version, canaries and item hashes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import Deployment
from governance.platform.ledger import ChainedEntry


class CopyKind(models.TextChoices):
    DEPLOYMENT = "deployment", _("The deployment's gallery")
    DEVICE = "device", _("An edge device")
    EXPORT = "export", _("An export")


class TransformArchive(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="transform_archive")
    transform_version = models.PositiveIntegerField()
    sealed_secret = models.BinaryField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deployment", "transform_version"],
                                               name="transform_archive_unique_version")]

    def __str__(self) -> str:
        return f"transform v{self.transform_version} of {self.deployment_id}"


class Canary(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="canaries")
    copy_kind = models.CharField(max_length=20, choices=CopyKind.choices)
    # The device (or export) the copy went to; null for the deployment's own gallery.
    copy_id = models.BigIntegerField(null=True, blank=True)
    # Looks like a subject reference; unique, so a hit names exactly one canary.
    canary_ref = models.CharField(max_length=64, unique=True)
    sealed_vector = models.BinaryField()  # raw space, sealed, bound to canary_ref
    planted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    planted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["deployment", "copy_kind", "copy_id"])]

    def __str__(self) -> str:
        return f"canary of {self.copy_kind} {self.copy_id or self.deployment_id}"


class DisclosureEntry(ChainedEntry):
    chain_field = "deployment_id"

    # Not a foreign key: the record outlives the deployment's data.
    deployment_id = models.BigIntegerField()
    recipient_kind = models.CharField(max_length=20, choices=CopyKind.choices)
    recipient_id = models.BigIntegerField(null=True, blank=True)
    recipient_label = models.CharField(max_length=200)
    space_kind = models.CharField(max_length=20)
    transform_version = models.PositiveIntegerField()
    canary_refs = models.JSONField(default=list)
    item_count = models.PositiveIntegerField()
    # SHA-256 of each item's float32 bytes, in the order disclosed, and over the whole list.
    item_hashes = models.JSONField(default=list)
    items_digest = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["deployment_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["deployment_id", "sequence"],
                                               name="disclosure_sequence_unique")]

    def __str__(self) -> str:
        return f"disclosure {self.deployment_id} #{self.sequence} to {self.recipient_label}"
