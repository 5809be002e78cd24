"""Citizens' rights requests against a deployment, their history, and access exports."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models.deployments import Deployment
from governance.models.organisations import User


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access to my data")
    DELETION = "deletion", _("Deletion")
    CORRECTION = "correction", _("Correction")
    PORTABILITY = "portability", _("Portability (a copy to take elsewhere)")
    EXPLANATION = "explanation", _("Explanation of the processing")
    RESTRICTION = "restriction", _("Restriction of processing")


# The request types that are answered with a download of everything held about the person.
EXPORT_TYPES = frozenset({RequestType.ACCESS, RequestType.PORTABILITY})


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    FULFILLED = "fulfilled", _("Fulfilled")
    REJECTED = "rejected", _("Rejected")
    OVERDUE = "overdue", _("Overdue")


OPEN_STATES = frozenset({RequestState.RECEIVED, RequestState.IN_PROGRESS,
                         RequestState.EXTENDED, RequestState.OVERDUE})


class RightsRequest(models.Model):
    citizen = models.ForeignKey(User, on_delete=models.PROTECT, related_name="rights_requests")
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="rights_requests")
    # The pseudonym(s) the deployment knows the citizen by, at filing time.
    subject_refs = models.JSONField(default=list, blank=True)
    type = models.CharField(max_length=20, choices=RequestType.choices)
    details = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=RequestState.choices,
                             default=RequestState.RECEIVED)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)
    # PIPL Art. 50: a rejection states its reasons and how to take it to court.
    rejection_reason = models.TextField(blank=True)
    court_route = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(type__in=RequestType.values),
                                   name="rights_request_type_valid"),
            models.CheckConstraint(condition=Q(state__in=RequestState.values),
                                   name="rights_request_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=RequestState.REJECTED)
                | (~Q(rejection_reason="") & ~Q(court_route="")),
                name="rights_request_rejection_has_reasons_and_court_route",
            ),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True) | ~Q(extension_reason=""),
                name="rights_request_extension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} request #{self.id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RightsRequestEvent(models.Model):
    """Append-only history of a request, shown to the citizen and the enterprise."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=20, choices=RequestState.choices)
    note = models.TextField(blank=True)
    actor = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.state} at {self.at:%Y-%m-%d %H:%M}"


class RightsExport(models.Model):
    """Everything held about the person, sealed with AES-GCM (governance.platform.crypto); the
    ciphertext is erased when the download expires."""

    request = models.OneToOneField(RightsRequest, on_delete=models.CASCADE,
                                   related_name="export")
    sealed = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export for request {self.request_id}"


class ProcessingRestriction(models.Model):
    """A fulfilled restriction request (GDPR Art. 18; PIPL Art. 44): while it is in force the
    policy gate refuses every recognition of the person in the deployment (`restricted`);
    their data is kept, not used. Lifting it is recorded with its reason."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT,
                                related_name="restrictions")
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="restrictions")
    subject_ref = models.CharField(max_length=120)
    started_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)
    lifted_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["deployment", "subject_ref"])]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "subject_ref"],
                                    condition=Q(lifted_at__isnull=True),
                                    name="processing_restriction_one_in_force"),
            models.CheckConstraint(condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                                   name="processing_restriction_lift_has_reason"),
        ]

    def __str__(self) -> str:
        state = "lifted" if self.lifted_at else "in force"
        return f"Restriction of {self.subject_ref} at {self.deployment_id} ({state})"
