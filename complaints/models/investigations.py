"""Investigations and enforcement (issue 11): the case, its chained log, requests for
information, findings, orders, penalties, the decision and its evidence.

A case moves along a transition table (complaints/services/investigations.py); every move
and every piece of evidence touched is an entry in the investigation's hash-chained log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import Deployment, Organisation
from governance.platform.ledger import ChainedEntry

TEXT_MAX_LENGTH = 10000


class InvestigationStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    GATHERING_EVIDENCE = "gathering_evidence", _("Gathering evidence")
    PRELIMINARY_FINDINGS = "preliminary_findings", _("Preliminary findings (hearing)")
    DECIDED = "decided", _("Decided")
    REMEDIES_ORDERED = "remedies_ordered", _("Remedies ordered")
    COMPLIANCE_VERIFIED = "compliance_verified", _("Compliance verified")
    CLOSED = "closed", _("Closed")


class Origin(models.TextChoices):
    COMPLAINT = "complaint", _("Opened from a complaint")
    OWN_INITIATIVE = "own_initiative", _("On the regulator's own initiative")
    BREACH = "breach", _("Opened from a breach report")


class Investigation(models.Model):
    """One investigation of one respondent (usually about one deployment); one or several
    complaints may point to it."""

    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="investigations")
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="investigations")
    respondent = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="investigations_of")
    title = models.CharField(max_length=250)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.COMPLAINT)
    status = models.CharField(max_length=30, choices=InvestigationStatus.choices,
                              default=InvestigationStatus.OPENED)
    under_appeal = models.BooleanField(default=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                        related_name="investigations_assigned")
    legal_holds = models.ManyToManyField("governance.LegalHold", blank=True, related_name="+")
    hearing_due = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InvestigationStatus.values),
                                   name="investigation_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class InvestigationLogKind(models.TextChoices):
    OPENED = "opened", _("Investigation opened")
    STATUS_CHANGED = "status_changed", _("Status changed")
    APPEAL = "appeal", _("Appeal")
    INSPECTOR_ASSIGNED = "inspector_assigned", _("Inspector assigned")
    LEGAL_HOLD = "legal_hold", _("Legal hold placed")
    RFI_SENT = "rfi_sent", _("Request for information sent")
    RFI_ANSWERED = "rfi_answered", _("Request for information answered")
    RFI_OVERDUE = "rfi_overdue", _("Request for information overdue")
    FINDING = "finding", _("Finding recorded")
    ORDER = "order", _("Order issued")
    ORDER_DONE = "order_done", _("Order reported done")
    ORDER_VERIFIED = "order_verified", _("Order verified")
    ORDER_OVERDUE = "order_overdue", _("Order overdue")
    PENALTY = "penalty", _("Penalty imposed")
    EVIDENCE_COLLECTED = "evidence_collected", _("Evidence collected")
    EVIDENCE_VIEWED = "evidence_viewed", _("Evidence viewed")
    EVIDENCE_EXPORTED = "evidence_exported", _("Evidence exported")
    LEAK_INTERCEPTED = "leak_intercepted", _("Leak intercepted")


class InvestigationLogEntry(ChainedEntry):
    """The investigation's hash-chained log: every move and the custody of every evidence
    item (collected, viewed, exported), each with the acting person and the reason."""

    chain_field = "investigation_id"

    investigation_id = models.BigIntegerField()
    kind = models.CharField(max_length=30, choices=InvestigationLogKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["investigation_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["investigation_id", "sequence"],
                                    name="investigation_log_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"investigation {self.investigation_id} #{self.sequence}: {self.kind}"


class RfiKind(models.TextChoices):
    QUESTIONS = "questions", _("Request for information")
    HEARING = "hearing", _("Hearing on the preliminary findings")


class InformationRequest(models.Model):
    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT,
                                      related_name="rfis")
    kind = models.CharField(max_length=10, choices=RfiKind.choices, default=RfiKind.QUESTIONS)
    questions = models.TextField(max_length=TEXT_MAX_LENGTH)
    due_date = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField()
    answer = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_late = models.BooleanField(default=False)
    overdue_at = models.DateTimeField(null=True, blank=True)
    files = models.ManyToManyField("governance.SealedFile", blank=True, related_name="+")

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"RFI {self.id} of investigation {self.investigation_id}"


class Finding(models.Model):
    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT,
                                      related_name="findings")
    rule_reference = models.CharField(max_length=200)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    evidence = models.ManyToManyField("complaints.EvidenceItem", blank=True,
                                      related_name="findings")
    # A late or refused answer to an RFI counts as a finding of its own.
    rfi = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, null=True,
                            blank=True, related_name="findings")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.rule_reference}: {self.text[:40]}"


class Decision(models.Model):
    """The decision document: reasons, legal basis and the route of appeal. Published on the
    deployment's public register entry as its enforcement history."""

    investigation = models.OneToOneField(Investigation, on_delete=models.PROTECT,
                                         related_name="decision")
    reasons = models.TextField(max_length=TEXT_MAX_LENGTH)
    legal_basis = models.TextField(max_length=2000)
    appeal_route = models.TextField(max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reasons="") & ~Q(legal_basis=""),
                                   name="decision_has_reasons_and_basis"),
        ]

    def __str__(self) -> str:
        return f"decision on investigation {self.investigation_id}"


class OrderKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    RECTIFICATION = "rectification", _("Rectification order")
    SUSPENSION = "suspension", _("Suspension of the deployment")
    DECOMMISSION = "decommission", _("Order to decommission the deployment")


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    DONE = "done", _("Reported done, awaiting verification")
    VERIFIED = "verified", _("Verified")


class Order(models.Model):
    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT,
                                      related_name="orders")
    kind = models.CharField(max_length=20, choices=OrderKind.choices)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    due_date = models.DateTimeField()
    status = models.CharField(max_length=10, choices=OrderStatus.choices,
                              default=OrderStatus.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    done_files = models.ManyToManyField("governance.SealedFile", blank=True, related_name="+")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrderKind.values),
                                   name="order_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id}"


class PenaltyBasis(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary case (PIPL Art. 66(1))")
    SERIOUS = "serious", _("Serious case (PIPL Art. 66(2))")


class Penalty(models.Model):
    """A fine on the processor, or on a named directly responsible person (kept apart: the
    Art. 66 tiers for persons differ from those for the processor)."""

    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT,
                                      related_name="penalties")
    basis = models.CharField(max_length=10, choices=PenaltyBasis.choices)
    amount_cny = models.DecimalField(max_digits=16, decimal_places=2)
    # Recorded when the 5 % of the previous year's turnover cap is relied on.
    turnover_cny = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    cap_cny = models.DecimalField(max_digits=18, decimal_places=2)
    responsible_person = models.CharField(max_length=200, blank=True)
    imposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    imposed_at = models.DateTimeField()

    class Meta:
        ordering = ["imposed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cny__gt=0)
                                   & Q(amount_cny__lte=models.F("cap_cny")),
                                   name="penalty_within_cap"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cny} CNY ({self.basis})"


class EvidenceKind(models.TextChoices):
    UPLOAD = "upload", _("Uploaded file")
    PLATFORM = "platform", _("Platform snapshot")


class EvidenceItem(models.Model):
    """A sealed, immutable piece of evidence; its custody is in the investigation log."""

    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT,
                                      related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(max_length=250)
    sealed = models.OneToOneField("governance.SealedFile", on_delete=models.PROTECT,
                                  related_name="+")
    sha256 = models.CharField(max_length=64)
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    collected_at = models.DateTimeField()

    class Meta:
        ordering = ["collected_at", "id"]

    def __str__(self) -> str:
        return self.title
