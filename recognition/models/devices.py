"""Edge devices: where an `on_device` deployment's templates actually live.

The platform stores only each device's public keys; its gallery never leaves it. What the
platform keeps is what it must answer for: which people it allowed onto which device
(`DeviceSubject`, with their retention clock), the orders it sent and the device's signed
acknowledgements (`DeviceOrder`), the nonces of the signed requests it accepted (replay
window) and every request it refused (`DeviceRefusal`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import DeletionCertificate, DeletionTrigger, Deployment


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class Device(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="devices")
    name = models.CharField(max_length=100)
    place = models.CharField(max_length=200, blank=True)
    # Raw 32-byte keys, standard base64, generated on the device: Ed25519 signs every request,
    # acknowledgement and event log; X25519 receives the device's template-space secret.
    public_key = models.CharField(max_length=44, unique=True)
    encryption_key = models.CharField(max_length=44)
    key_id = models.CharField(max_length=16, db_index=True)
    status = models.CharField(max_length=10, choices=DeviceStatus.choices,
                              default=DeviceStatus.ACTIVE)
    # The template-space version the device holds (raised when it acknowledges a rotation).
    transform_version = models.PositiveIntegerField(default=1)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                      null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # The head of the device's event log as accepted so far: the next push continues it.
    event_sequence = models.PositiveBigIntegerField(default=0)
    event_head = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        ordering = ["deployment_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} (device {self.id})"


class DeviceNonce(models.Model):
    """A nonce of an accepted signed request, kept for the clock window: a replay is refused."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "nonce"],
                                               name="device_nonce_unique")]

    def __str__(self) -> str:
        return self.nonce


class DeviceRefusal(models.Model):
    """A device request the platform refused (forged, stale, replayed, retired, bad log,
    unknown order): recorded, and nothing else stored."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="refusals")
    code = models.CharField(max_length=60)
    detail = models.CharField(max_length=300)
    path = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} at {self.path}"


class DeviceSubject(models.Model):
    """A person the policy gate let onto a device (from the permit on), with the retention
    clock of their template there. Deleted when the device acknowledges their deletion."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="subjects")
    subject_ref = models.CharField(max_length=128)
    permitted_at = models.DateTimeField()
    enrolled_at = models.DateTimeField(null=True, blank=True)
    last_interaction_at = models.DateTimeField()
    delete_after = models.DateTimeField(null=True, blank=True, db_index=True)
    delete_trigger = models.CharField(max_length=30, choices=DeletionTrigger.choices,
                                      blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "subject_ref"],
                                               name="device_subject_unique")]

    def __str__(self) -> str:
        return f"{self.subject_ref} on device {self.device_id}"


class OrderKind(models.TextChoices):
    DELETE_SUBJECT = "delete_subject", _("Delete a person's templates")
    STOP = "stop", _("Stop recognising")
    ROTATE = "rotate", _("Rotate the template space")


class DeviceOrder(models.Model):
    """An order to a device, signed by the platform, repeated on every poll until the device
    acknowledges it; the signed acknowledgement of a deletion is certified in the deployment's
    deletion-certificate chain."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(max_length=20, choices=OrderKind.choices)
    subject_ref = models.CharField(max_length=128, blank=True)
    trigger = models.CharField(max_length=30, choices=DeletionTrigger.choices, blank=True)
    transform_version = models.PositiveIntegerField(null=True, blank=True)
    issued_at = models.DateTimeField()
    deadline_at = models.DateTimeField(db_index=True)
    signature = models.CharField(max_length=100)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack = models.JSONField(default=dict, blank=True)
    ack_signature = models.CharField(max_length=100, blank=True)
    certificate = models.ForeignKey(DeletionCertificate, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            # One open deletion order per person and device: issuing again is a no-op.
            models.UniqueConstraint(fields=["device", "kind", "subject_ref"],
                                    condition=models.Q(acknowledged_at__isnull=True),
                                    name="device_order_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.id} to device {self.device_id}"
