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


class CaseRetentionRecord(ChainedEntry):
    """Proof that a closed case was destroyed by its retention rule, chained (and its heads
    signed and published) like every ledger. It vouches for the LedgerCheckpoint the destruction
    leaves on the case log's chain, so `verify_ledger` tells a sanctioned destruction from a
    cut chain. Each case's record is the one entry of its own chain (keyed by the destroyed
    case's id): destructions never contend for a shared chain, and removing a record is itself
    caught against its signed head. Nothing that identifies the complainant or tipster."""

    chain_field = "case_id"

    # Not a foreign key: the case is gone; this record outlives it.
    case_id = models.BigIntegerField()
    case_kind = models.CharField(max_length=20)
    closed_at = models.DateTimeField()
    rule = models.CharField(max_length=300)
    legal_reference = models.CharField(max_length=200)
    messages = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)
    log_entries = models.PositiveIntegerField(default=0)
    # The case log's checkpoint, as on governance's LedgerCheckpoint ({} when it had no log).
    ledger_checkpoint = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case_id", "sequence"],
                                    name="case_retention_record_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} destroyed ({self.case_kind})"
