"""Files people upload, sealed at rest (governance/platform/uploads.py writes and reads them).

A row describes one stored file: what it is (type detected from its content, size, SHA-256 of
the plaintext), who uploaded it and for what, where its ciphertext lives in the uploads
storage, and its own data key wrapped under a key derived from the master key. Destroying
the file removes the ciphertext and wipes the wrapped key (crypto-shredding); the row stays
as the record that the file existed, so the features that point at it keep their history.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models.organisations import Organisation, User


class SealedFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # What the owning feature uses it for ("consent_evidence", "complaint_attachment", ...).
    purpose = models.CharField(max_length=60)
    policy = models.CharField(max_length=40)
    # The client's file name, cleaned; shown to people, never used as a path.
    name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Where the ciphertext is in the uploads storage ("" once destroyed).
    storage_name = models.CharField(max_length=255, blank=True)
    # This file's AES-256 data key, sealed under KeyPurpose.UPLOAD_KEY_WRAP; empty once shredded.
    wrapped_key = models.BinaryField(blank=True, default=b"")
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="sealed_files")
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="sealed_files")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the owning feature when the file must go at a known time; the sweep destroys it.
    delete_after = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sealed file")
        indexes = [models.Index(fields=["delete_after"], name="sealedfile_delete_after",
                                condition=Q(destroyed_at__isnull=True))]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="sealedfile_not_empty"),
            models.CheckConstraint(
                condition=Q(destroyed_at__isnull=True) | (Q(storage_name="")),
                name="sealedfile_destroyed_has_no_bytes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.id} ({self.content_type}, {self.size} bytes)"

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None
