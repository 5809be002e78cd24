"""Consents, refusals, and the append-only consent ledger that proves them.

`Consent` is the current state of one consent (what the policy gate reads); every change to it
appends a `ConsentLedgerEntry` in the same transaction, hash-chained per deployment, which is
the record that must stand up years later. `SubjectLink` ties a citizen account to the
pseudonymous `subject_ref` a deployment knows them by.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models.deployments import Deployment, DeploymentNotice, Purpose
from governance.models.organisations import User
from governance.models.uploads import SealedFile
from governance.platform.ledger import ChainedEntry


class ConsentMethod(models.TextChoices):
    WRITTEN_SIGNATURE = "written_signature", _("Written signature")
    ELECTRONIC_SIGNATURE = "electronic_signature", _("Electronic signature")
    IN_APP_EXPLICIT = "in_app_explicit", _("Explicit action in an app")


class ConsentState(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class Consent(models.Model):
    receipt_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="consents")
    subject_ref = models.CharField(max_length=120)
    purposes = models.ManyToManyField(Purpose, related_name="consents")
    notice = models.ForeignKey(DeploymentNotice, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="consents")
    notice_version = models.PositiveIntegerField()
    language = models.CharField(max_length=16, default="en")
    # CAC Art. 8: storing the template centrally needs its own, separate consent.
    central_storage = models.BooleanField(default=False)
    method = models.CharField(max_length=30, choices=ConsentMethod.choices)
    # The signed form of a written or electronic consent, sealed by the upload service and
    # downloaded only through access-checked views; its SHA-256 is also in the ledger entry.
    evidence_upload = models.OneToOneField(SealedFile, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="consent")
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    # The click record of an in-app consent: time, IP address, user agent.
    evidence = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Below the guardian age of the deployment's pack (CN 14: PIPL Art. 31; EU 13–16 by member
    # state: GDPR Art. 8(1); US-IL 18) the guardian consents.
    subject_minor = models.BooleanField(default=False)
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_relationship = models.CharField(max_length=80, blank=True)
    # A contact the enterprise recorded, only as a keyed hash (governance.platform.crypto).
    contact_hash = models.CharField(max_length=64, blank=True, db_index=True)
    citizen = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="consents_given")
    state = models.CharField(max_length=12, choices=ConsentState.choices,
                             default=ConsentState.ACTIVE)
    # A materially changed notice was published after this consent was given.
    needs_renewal = models.BooleanField(default=False)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="consents_recorded")

    class Meta:
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["deployment", "subject_ref"])]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ConsentState.values),
                                   name="consent_state_valid"),
            models.CheckConstraint(condition=Q(method__in=ConsentMethod.values),
                                   name="consent_method_valid"),
            models.CheckConstraint(
                condition=Q(subject_minor=False)
                | (~Q(guardian_name="") & ~Q(guardian_relationship="")),
                name="consent_minor_has_guardian",
            ),
            models.CheckConstraint(
                condition=~Q(state=ConsentState.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="consent_withdrawn_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent {self.receipt_id} ({self.state})"


class Refusal(models.Model):
    """A person declined face recognition and used the non-face alternative (CAC Art. 10)."""

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="refusals")
    subject_ref = models.CharField(max_length=120, blank=True)
    citizen = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="refusals")
    alternative_offered = models.TextField()
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="refusals_recorded")

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Refusal at {self.deployment.name} on {self.recorded_at:%Y-%m-%d}"


class LedgerEntryKind(models.TextChoices):
    GIVEN = "given", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    REFUSED = "refused", _("Refused")
    RENEWED = "renewed", _("Renewed")


class ConsentLedgerEntry(ChainedEntry):
    """One event in a deployment's consent history. Never updated or deleted; the actor is
    kept as text so that deleting a user account never rewrites the ledger."""

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="consent_ledger")
    kind = models.CharField(max_length=12, choices=LedgerEntryKind.choices)
    subject_ref = models.CharField(max_length=120, blank=True)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="ledger_entries")
    refusal = models.ForeignKey(Refusal, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="ledger_entries")
    actor = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict)

    chain_field = "deployment_id"

    class Meta:
        ordering = ["deployment", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "sequence"],
                                    name="consent_ledger_sequence_unique"),
            models.CheckConstraint(condition=Q(kind__in=LedgerEntryKind.values),
                                   name="consent_ledger_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.deployment_id}#{self.sequence} {self.kind}"


class LinkVia(models.TextChoices):
    PORTAL = "portal", _("Consent given through the portal")
    CONTACT_PROOF = "contact_proof", _("Proved a contact recorded with the consent")


class SubjectLink(models.Model):
    """This citizen is the person a deployment knows as `subject_ref`."""

    citizen = models.ForeignKey(User, on_delete=models.CASCADE, related_name="subject_links")
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="subject_links")
    subject_ref = models.CharField(max_length=120)
    via = models.CharField(max_length=20, choices=LinkVia.choices)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deployment__name"]
        constraints = [
            # One person per pseudonym: a subject can never be claimed by two accounts.
            models.UniqueConstraint(fields=["deployment", "subject_ref"],
                                    name="subject_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} is {self.subject_ref} at {self.deployment.name}"


class ContactProof(models.Model):
    """A one-time code sent to a contact; the contact and the code are kept only as hashes."""

    citizen = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contact_proofs")
    contact_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Contact proof {self.id} of {self.citizen_id}"


class SubjectPurge(models.Model):
    """A request to destroy what every registered app holds about a subject in a deployment.

    Written in the transaction that withdrew consent (or granted deletion), so a lost task is
    found again by the sweep; `completed_at` is set when every purge handler has run.
    """

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="purges")
    subject_ref = models.CharField(max_length=120)
    reason = models.CharField(max_length=40)
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["completed_at", "requested_at"])]

    def __str__(self) -> str:
        return f"Purge {self.subject_ref} at {self.deployment_id} ({self.reason})"
