"""Recognition events: every enrolment, verification, identification and deletion, hash-chained
per deployment. No biometric data: no vectors, no images, no face boxes of bystanders."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import Deployment
from governance.platform.ledger import ChainedEntry
from recognition.models.apikeys import ApiKey


class Operation(models.TextChoices):
    ENROLL = "enroll", _("Enrolment")
    VERIFY = "verify", _("Verification")
    IDENTIFY = "identify", _("Identification")
    DELETE = "delete", _("Deletion")
    LIVENESS = "liveness", _("Liveness challenge")


class Outcome(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    MATCH = "match", _("Match")
    NO_MATCH = "no_match", _("No match")
    DELETED = "deleted", _("Deleted")
    REFUSED = "refused", _("Refused")
    ISSUED = "issued", _("Issued")


class RecognitionEvent(ChainedEntry):
    """One use of the engine. Chained per deployment (sequence, hashes and time come from
    `ChainedEntry`); `matched_refs` is part of the chain, `RecognitionMatch` only indexes it."""

    chain_field = "deployment_id"

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="recognition_events")
    operation = models.CharField(max_length=10, choices=Operation.choices)
    purpose = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    refusal_code = models.CharField(max_length=60, blank=True)
    # The subject the call named (enrol, verify, delete); identification lists who matched.
    subject_ref = models.CharField(max_length=128, blank=True, db_index=True)
    matched_refs = models.JSONField(default=list, blank=True)
    faces = models.PositiveSmallIntegerField(default=0)
    distance = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    api_key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="events")
    liveness = models.CharField(max_length=64, blank=True)
    # How the person was admitted: each liveness cue with its score, threshold and verdict.
    liveness_cues = models.JSONField(default=dict, blank=True)
    # The edge device that recognised (its pushed, verified log); empty for the central engine.
    device = models.ForeignKey("recognition.Device", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="events")

    class Meta:
        ordering = ["deployment_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "sequence"],
                                    name="recognition_event_sequence_unique"),
        ]
        indexes = [models.Index(fields=["deployment", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.operation} {self.outcome} #{self.sequence}"

    def chain_fields(self) -> dict[str, object]:
        """The chained fields; `liveness_cues` only when set, so entries sealed before the
        column existed keep their hashes and every entry that carries cues seals them."""
        fields = super().chain_fields()
        if not fields.get("liveness_cues"):
            fields.pop("liveness_cues", None)
        if fields.get("device_id") is None:  # likewise: central events keep their hashes
            fields.pop("device_id", None)
        return fields


class RecognitionMatch(models.Model):
    """A person an identification matched: the event shows in that person's records."""

    event = models.ForeignKey(RecognitionEvent, on_delete=models.CASCADE, related_name="matches")
    subject_ref = models.CharField(max_length=128, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "subject_ref"],
                                    name="recognition_match_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject_ref} matched in event {self.event_id}"


class ConfirmationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a second person")
    CONFIRMED = "confirmed", _("Confirmed by two people")
    REJECTED = "rejected", _("Rejected")


class MatchConfirmation(models.Model):
    """A 1:N match on a deployment that must not be acted on until two different people have
    confirmed it (EU AI Act Art. 14(5)); either of them can reject it instead."""

    event = models.ForeignKey(RecognitionEvent, on_delete=models.PROTECT,
                              related_name="confirmations")
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="+")
    subject_ref = models.CharField(max_length=128)
    distance = models.FloatField()
    status = models.CharField(max_length=10, choices=ConfirmationStatus.choices,
                              default=ConfirmationStatus.PENDING)
    first_by = models.ForeignKey("governance.User", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    first_at = models.DateTimeField(null=True, blank=True)
    second_by = models.ForeignKey("governance.User", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(second_by__isnull=True) | ~models.Q(second_by=models.F(
                    "first_by")), name="match_confirmation_two_different_people"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_ref} in event {self.event_id}: {self.status}"
