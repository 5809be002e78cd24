"""Messages on a case, in two separate channels, and the case's attachments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models.cases import Complaint

MESSAGE_MAX_LENGTH = 5000


class Channel(models.TextChoices):
    # The complainant (or the tipster, through the receipt) and the regulator.
    COMPLAINANT = "complainant", _("With the complainant")
    # The regulator and the respondent enterprise: never shown to the complainant's side,
    # and the enterprise never sees the other channel.
    ENTERPRISE = "enterprise", _("With the enterprise")


class Party(models.TextChoices):
    REGULATOR = "regulator", _("Regulator")
    COMPLAINANT = "complainant", _("Complainant")
    TIPSTER = "tipster", _("Tipster")
    ENTERPRISE = "enterprise", _("Enterprise")
    PLATFORM = "platform", _("FaceGov")


class CaseMessage(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    party = models.CharField(max_length=20, choices=Party.choices)
    # Staff authors only: a complainant's or tipster's message names no account here.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values),
                                   name="case_message_channel_valid"),
            models.CheckConstraint(
                condition=~Q(party__in=[Party.COMPLAINANT, Party.TIPSTER]) | Q(author__isnull=True),
                name="case_message_reporter_unnamed"),
        ]

    def __str__(self) -> str:
        return f"message {self.id} on complaint {self.complaint_id}"


class CaseAttachment(models.Model):
    """A file on a case (a photo of a camera or a sign, a document), sealed at rest by the
    platform's upload service; `sealed` is that service's record. Which party added it is
    kept, who (for a complainant or tipster) is not."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE,
                                  related_name="attachments")
    party = models.CharField(max_length=20, choices=Party.choices)
    sealed = models.OneToOneField("governance.SealedFile", on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"file {self.sealed_id} on complaint {self.complaint_id}"
