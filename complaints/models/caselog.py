"""The case log: every step of a case, hash-chained per case (governance.platform.ledger).

An entry names what happened and which party acted; a staff member is named, a complainant
or tipster never (their identity stays sealed even in the log)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.messages import Party
from governance.platform.ledger import ChainedEntry


class LogKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned to a regulator")
    ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")
    TRIAGED = "triaged", _("Triaged")
    MESSAGE = "message", _("Message")
    ATTACHMENT = "attachment", _("File added")
    FORWARDED = "forwarded", _("Forwarded to the enterprise")
    REVEAL_REQUESTED = "reveal_requested", _("Identity reveal requested")
    REVEAL_DECIDED = "reveal_decided", _("Identity reveal decided")
    STATUS_CHANGED = "status_changed", _("Status changed")
    INTERIM_SUSPENSION = "interim_suspension", _("Deployment suspended in the interim")
    ESCALATED = "escalated", _("Escalated to supervisors")
    OVERDUE = "overdue", _("Triage overdue")
    PROGRESS_NOTICE = "progress_notice", _("Progress notice sent")


class CaseLogEntry(ChainedEntry):
    chain_field = "complaint_id"

    # Not a foreign key: the chain is pruned by retention on its own terms (chain_prune).
    complaint_id = models.BigIntegerField()
    kind = models.CharField(max_length=30, choices=LogKind.choices)
    party = models.CharField(max_length=20, choices=Party.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    # Non-identifying facts of the step (a decision, an investigation id, a status).
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["complaint_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["complaint_id", "sequence"],
                                    name="case_log_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"case {self.complaint_id} #{self.sequence}: {self.kind}"
