"""Complaints and anonymous tips: one case model, two ways in.

A complaint comes from a signed-in citizen (their identity sealed); a tip from anyone, known
only by the receipt they were shown once. Both are about a registered deployment or about an
unregistered use (operator name and place). The platform's own facts give the priority; the
regulator whose region covers the operator (or the place) triages within 24 hours.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import Deployment, Organisation

DESCRIPTION_MAX_LENGTH = 5000


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    TIP = "tip", _("Anonymous tip")


class Category(models.TextChoices):
    NO_CONSENT = "no_consent", _("No consent was asked")
    NO_ALTERNATIVE = "no_alternative", _("No alternative to face recognition was offered")
    PROHIBITED_PLACE = "prohibited_place", _("Used in a prohibited place")
    UNREGISTERED = "unregistered", _("A use that is on no register")
    PURPOSE_CREEP = "purpose_creep", _("Used for another purpose than declared")
    OVER_RETENTION = "over_retention", _("Face data kept too long")
    LEAK_OR_SALE = "leak_or_sale", _("Face data leaked or sold")
    WRONG_MATCH = "wrong_match", _("A wrong match had consequences")
    NO_SIGNAGE = "no_signage", _("No sign tells people about it")
    OTHER = "other", _("Something else")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Awaiting triage")
    REFERRED = "referred", _("Referred to another regulator, awaiting its triage")
    INVESTIGATING = "investigating", _("Under investigation")
    INADMISSIBLE = "inadmissible", _("Declared inadmissible")
    CLOSED = "closed", _("Closed")


# A case in one of these states still waits for a regulator's triage decision.
UNTRIAGED = (CaseStatus.RECEIVED, CaseStatus.REFERRED)
TERMINAL = (CaseStatus.INADMISSIBLE, CaseStatus.CLOSED)


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class TriageDecision(models.TextChoices):
    INVESTIGATE = "investigate", _("Open an investigation")
    ADD_TO_INVESTIGATION = "add_to_investigation", _("Add to an existing investigation")
    REFER = "refer", _("Refer to another regulator")
    INADMISSIBLE = "inadmissible", _("Declare inadmissible")


class Complaint(models.Model):
    """A complaint or a tip. The complainant's identity is sealed (AES-GCM under a key only
    this app derives) and shown inside the regulator only after a supervisor's approval."""

    kind = models.CharField(max_length=10, choices=CaseKind.choices)
    # What it is about: a deployment on the register, or an unregistered use.
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="complaints")
    respondent = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="complaints_about")
    operator_name = models.CharField(max_length=200, blank=True)
    place = models.CharField(max_length=250, blank=True)
    region = models.CharField(max_length=120, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH)
    minors_involved = models.BooleanField(default=False)
    # The citizen's own records at that deployment (consents, recognition events), attached
    # at their request so the regulator sees facts, not only a story.
    own_records = models.JSONField(default=dict, blank=True)
    # The complainant (a citizen's complaint); never set on a tip.
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="complaints")
    sealed_identity = models.BinaryField(blank=True, default=b"")
    # A tip: an Argon2id hash of its receipt, and a keyed index of the receipt's first digits
    # so that a lookup verifies one hash, not every tip's (complaints/receipts.py).
    receipt_hash = models.CharField(max_length=200, blank=True)
    receipt_index = models.CharField(max_length=64, blank=True, db_index=True)
    # Assignment and triage.
    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="complaints_assigned")
    status = models.CharField(max_length=20, choices=CaseStatus.choices,
                              default=CaseStatus.RECEIVED)
    priority = models.CharField(max_length=10, choices=Priority.choices,
                                default=Priority.NORMAL)
    priority_score = models.PositiveSmallIntegerField(default=0)
    priority_reasons = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField()
    triage_due = models.DateTimeField()
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_decision = models.CharField(max_length=30, choices=TriageDecision.choices,
                                       blank=True)
    triage_reasons = models.TextField(blank=True)
    route_to_court = models.TextField(blank=True)
    closing_reasons = models.TextField(blank=True)
    investigation = models.ForeignKey("complaints.Investigation", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="complaints")
    # The clocks (complaints/services/clocks.py).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    last_news_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # What the respondent enterprise may read: only what the regulator forwards, redacted.
    forwarded_summary = models.TextField(blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    delete_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["triage_due", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CaseKind.values),
                                   name="complaint_kind_valid"),
            models.CheckConstraint(condition=Q(category__in=Category.values),
                                   name="complaint_category_valid"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values),
                                   name="complaint_status_valid"),
            # A tip has no complainant and a receipt; a complaint the reverse.
            models.CheckConstraint(
                condition=(Q(kind=CaseKind.TIP, complainant__isnull=True)
                           & ~Q(receipt_hash="") & ~Q(receipt_index=""))
                | (Q(kind=CaseKind.COMPLAINT, complainant__isnull=False, receipt_hash="")),
                name="complaint_tip_or_complainant"),
            # About a registered deployment, or names the operator of an unregistered use.
            models.CheckConstraint(condition=Q(deployment__isnull=False) | ~Q(operator_name=""),
                                   name="complaint_names_what_it_is_about"),
        ]
        indexes = [models.Index(fields=["status", "triage_due"]),
                   models.Index(fields=["deployment", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id}"

    @property
    def about(self) -> str:
        if self.deployment_id:
            return f"{self.deployment.name} ({self.deployment.organisation.name})"
        return f"{self.operator_name}, {self.place}" if self.place else self.operator_name

    @property
    def is_untriaged(self) -> bool:
        return self.status in UNTRIAGED


class Investigation(models.Model):
    """The record a triage opens or joins. Issue 11 fills in the investigation itself; here it
    exists so that a triage can name the `investigation_id` it opened or joined."""

    class Status(models.TextChoices):
        OPENED = "opened", _("Opened")

    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="investigations")
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="investigations")
    title = models.CharField(max_length=250)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPENED)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class RevealStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting a supervisor")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class IdentityReveal(models.Model):
    """A request inside the regulator to see who complained, and the supervisor's answer.
    Only the person who asked sees the identity, and only once a different person, a
    supervisor of the assigned regulator, approved."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE,
                                  related_name="reveals")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    reason = models.TextField()
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=RevealStatus.choices,
                              default=RevealStatus.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="identity_reveal_needs_another_person"),
        ]

    def __str__(self) -> str:
        return f"reveal {self.id} of complaint {self.complaint_id}: {self.status}"
