"""Retention rules declared per deployment and data category.

The statutory caps and the computation of the effective rule are code, in
governance/retention/rules.py; this module only stores what the operator declared.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models.deployments import Deployment
from governance.platform.ledger import ChainedEntry


class DataCategory(models.TextChoices):
    FACE_TEMPLATE = "face_template", _("Face templates")
    FACE_IMAGE = "face_image", _("Face images")
    RECOGNITION_EVENT = "recognition_event", _("Recognition events (logs)")
    CONSENT_RECORD = "consent_record", _("Consent records")
    EVALUATION_SET = "evaluation_set", _("Evaluation sets (labelled photos)")


class RetentionTrigger(models.TextChoices):
    COLLECTION = "collection", _("after collection")
    LAST_INTERACTION = "last_interaction", _("after the last interaction")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("after consent is withdrawn")
    DEPLOYMENT_END = "deployment_end", _("after the deployment ends")


class RetentionRule(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="retention_rules")
    category = models.CharField(max_length=30, choices=DataCategory.choices)
    period_days = models.PositiveIntegerField()
    trigger = models.CharField(max_length=30, choices=RetentionTrigger.choices)
    note = models.CharField(max_length=250, blank=True)
    # Demonstrations and tests only (never offered in the API or the wizard): a period in
    # minutes that replaces period_days, so `make run` can show an expiry within minutes.
    # It can only shorten what is kept: the effective rule is still the shortest one.
    demo_period_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["deployment", "category"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "category"],
                                    name="retention_rule_one_per_category"),
            models.CheckConstraint(condition=models.Q(category__in=DataCategory.values),
                                   name="retention_rule_category_valid"),
            models.CheckConstraint(condition=models.Q(trigger__in=RetentionTrigger.values),
                                   name="retention_rule_trigger_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.deployment.name}: {self.category} {self.period_days}d {self.trigger}"


class DeletionTrigger(models.TextChoices):
    """Why an item is due: a retention trigger, or a person's deletion request."""

    COLLECTION = "collection", _("retention period after collection ended")
    LAST_INTERACTION = "last_interaction", _("retention period after the last interaction ended")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("consent withdrawn or expired")
    DEPLOYMENT_END = "deployment_end", _("the deployment ended")
    DELETION_REQUEST = "deletion_request", _("the person asked for deletion")


class DeletionCertificate(ChainedEntry):
    """Proof that one batch of one category was destroyed, chained per deployment.

    Never an identifier of the face itself: identifiers and subjects appear only as keyed
    hashes (governance.platform.crypto, KeyPurpose.DELETION_CERTIFICATE), and keys by their key ids.
    """

    chain_field = "deployment_id"

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="deletion_certificates")
    category = models.CharField(max_length=30, choices=DataCategory.choices)
    count = models.PositiveIntegerField()
    trigger = models.CharField(max_length=30, choices=DeletionTrigger.choices)
    rule = models.CharField(max_length=200)
    legal_reference = models.CharField(max_length=200)
    description = models.CharField(max_length=300)
    identifier_hashes = models.JSONField(default=list)
    subject_hashes = models.JSONField(default=list)
    keys_shredded = models.JSONField(default=list)
    # Set when the batch pruned a ledger's oldest entries: the chain now starts after this.
    ledger_checkpoint = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["deployment_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "sequence"],
                                    name="deletion_certificate_sequence_unique"),
        ]
        indexes = [models.Index(fields=["recorded_at"])]

    def __str__(self) -> str:
        return f"certificate {self.reference}: {self.count} {self.category}"

    @property
    def reference(self) -> str:
        """How a person cites it: the sequence counts within its deployment's chain only (each
        deployment's first certificate is number 1), so the deployment is part of the name."""
        return f"DC-{self.deployment_id}-{self.sequence}"


class DeletionCertificateSubject(models.Model):
    """Index of whom a certificate is about (keyed hash of deployment and subject_ref), so a
    citizen finds their certificates; the chained list on the certificate is the proof."""

    certificate = models.ForeignKey(DeletionCertificate, on_delete=models.CASCADE,
                                    related_name="subjects")
    subject_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["certificate", "subject_hash"],
                                    name="deletion_certificate_subject_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_hash[:12]}… in certificate {self.certificate_id}"


class LegalHold(models.Model):
    """A regulator's order to keep data (an investigation, a court case): the only thing that
    defers deletion. Scoped to a deployment, optionally to one subject and/or one category;
    always time-bounded."""

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="legal_holds")
    subject_ref = models.CharField(max_length=128, blank=True)
    category = models.CharField(max_length=30, choices=DataCategory.choices, blank=True)
    reason = models.TextField()
    expires_at = models.DateTimeField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    regulator = models.ForeignKey("governance.Organisation", on_delete=models.PROTECT,
                                  related_name="legal_holds")
    placed_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(category="") | Q(category__in=DataCategory.values),
                                   name="legal_hold_category_valid"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("placed_at")),
                                   name="legal_hold_expires_after_placed"),
        ]

    def __str__(self) -> str:
        return f"hold {self.id} on {self.deployment_id}"


class RetentionDeferral(models.Model):
    """What a hold kept past its delete_after: one row per hold and category, counted by every
    sweep that skipped held items."""

    hold = models.ForeignKey(LegalHold, on_delete=models.PROTECT, related_name="deferrals")
    category = models.CharField(max_length=30, choices=DataCategory.choices)
    items = models.PositiveIntegerField()
    first_deferred_at = models.DateTimeField()
    last_deferred_at = models.DateTimeField()
    sweeps = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hold", "category"],
                                    name="retention_deferral_one_per_hold_category"),
        ]

    def __str__(self) -> str:
        return f"{self.items} {self.category} deferred by hold {self.hold_id}"


class LedgerCheckpoint(models.Model):
    """Where a pruned chain now starts: the sequence and hash of the last entry removed by a
    sanctioned prune (retention of the ledger's own entries). Verification starts from it, and
    the chained record that vouches for the prune carries the same values in its
    `ledger_checkpoint`: a deletion certificate (per deployment), or, for data that belongs to
    no deployment, an entry of another registered ledger named by its address (ledger, chain
    key, sequence) — e.g. the complaints app's case retention records. Exactly one voucher."""

    ledger = models.CharField(max_length=60)
    chain_key = models.CharField(max_length=60)
    sequence = models.PositiveBigIntegerField()
    entry_hash = models.CharField(max_length=64)
    certificate = models.ForeignKey(DeletionCertificate, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    voucher_ledger = models.CharField(max_length=60, blank=True)
    voucher_chain_key = models.CharField(max_length=60, blank=True)
    voucher_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    pruned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ledger", "chain_key"],
                                    name="ledger_checkpoint_one_per_chain"),
            models.CheckConstraint(
                condition=(Q(certificate__isnull=False, voucher_ledger="",
                             voucher_sequence__isnull=True)
                           | (Q(certificate__isnull=True, voucher_sequence__isnull=False)
                              & ~Q(voucher_ledger=""))),
                name="ledger_checkpoint_one_voucher"),
        ]

    def __str__(self) -> str:
        return f"{self.ledger} chain {self.chain_key} starts after #{self.sequence}"


class RetentionSweep(models.Model):
    """One run of the sweep, for the dashboards and /metrics."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(default=0)
    destroyed = models.PositiveIntegerField(default=0)
    certificates = models.PositiveIntegerField(default=0)
    deferred = models.PositiveIntegerField(default=0)
    overdue_after = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"sweep {self.id}: {self.destroyed} destroyed"
