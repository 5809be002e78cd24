"""In-app notifications and the outbox of mail waiting to be sent.

A `Notification` is what a person reads on the platform's Notifications page; nothing depends
on mail arriving. An `OutboundMail` is one message the platform has committed to sending:
written in the caller's transaction, sent after commit by `send_mail_task`, re-enqueued by a
sweep if its task was lost. Its address, subject and body are sealed (they may hold a one-time
code or a contact the platform otherwise keeps only as a hash) and wiped once sent.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models.organisations import User


class MailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class OutboundMail(models.Model):
    # AES-GCM of {"to", "subject", "body"} under KeyPurpose.MAIL_OUTBOX; empty once sent.
    sealed_message = models.BinaryField(blank=True, default=b"")
    status = models.CharField(max_length=10, choices=MailStatus.choices,
                              default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound mail")
        indexes = [models.Index(fields=["status", "created_at"], name="outboundmail_pending")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MailStatus.values),
                                   name="outboundmail_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Mail {self.pk} ({self.status})"


class Notification(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # A path inside the platform where the person can act on it ("" for none).
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    mail = models.ForeignKey(OutboundMail, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="notifications")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_id}"
