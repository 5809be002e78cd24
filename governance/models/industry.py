"""Industry self-regulation (issue 12): conventions, pledges, audits, evidence, findings,
corrective actions, credit grades and certificates, and requirements adopted as rules.

A convention is a CISO Assistant framework library (YAML) stored as published, immutable
versions; its requirement nodes are rows. An audit (CISO Assistant's "compliance assessment")
holds one result per assessable node; probes answer what the platform can check and store
their answer as evidence with the chain heads they read.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models.organisations import IndustryMembership, MembershipStatus, Organisation

__all__ = ["MembershipStatus"]


class Convention(models.Model):
    """One published version of a library: immutable once stored."""

    industry_body = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                      related_name="conventions")
    urn = models.CharField(max_length=200)
    ref_id = models.CharField(max_length=100)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    provider = models.CharField(max_length=200, blank=True)
    locale = models.CharField(max_length=10, blank=True)
    version = models.PositiveIntegerField()
    publication_date = models.DateField(null=True, blank=True)
    framework_urn = models.CharField(max_length=200)
    # The library exactly as uploaded, and the parsed library (translations included).
    source_yaml = models.TextField()
    library = models.JSONField()
    implementation_groups = models.JSONField(default=list, blank=True)
    # What changed since the previous version: {"added": [...], "removed": [...], "changed": [...]}
    changes = models.JSONField(default=dict, blank=True)
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["urn", "-version"]
        constraints = [models.UniqueConstraint(fields=["urn", "version"],
                                               name="convention_urn_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValueError("A published convention version is immutable")
        super().save(*args, **kwargs)


class RequirementNode(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE,
                                   related_name="nodes")
    position = models.PositiveIntegerField()
    urn = models.CharField(max_length=250)
    ref_id = models.CharField(max_length=100, blank=True)
    parent_urn = models.CharField(max_length=250, blank=True)
    depth = models.PositiveSmallIntegerField(default=1)
    assessable = models.BooleanField(default=False)
    name = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    annotation = models.TextField(blank=True)
    typical_evidence = models.TextField(blank=True)
    implementation_groups = models.JSONField(default=list, blank=True)
    importance = models.CharField(max_length=30, blank=True)
    questions = models.JSONField(default=dict, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    legal_ref = models.CharField(max_length=300, blank=True)
    auto_check = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["convention", "position"]
        constraints = [models.UniqueConstraint(fields=["convention", "urn"],
                                               name="requirement_node_urn_unique")]

    def __str__(self) -> str:
        return self.ref_id or self.urn

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.ref_id, self.name) if part) or self.urn


class Pledge(models.Model):
    """A member's signed pledge to a convention version (recorded, dated)."""

    membership = models.ForeignKey(IndustryMembership, on_delete=models.CASCADE,
                                   related_name="pledges")
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="pledges")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField()
    statement = models.TextField()

    class Meta:
        ordering = ["-signed_at"]
        constraints = [models.UniqueConstraint(fields=["membership", "convention"],
                                               name="pledge_unique")]

    def __str__(self) -> str:
        return f"{self.membership} — {self.convention}"


class AuditCampaign(models.Model):
    industry_body = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                      related_name="audit_campaigns")
    name = models.CharField(max_length=200)
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="+")
    implementation_groups = models.JSONField(default=list, blank=True)
    due_date = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    IN_REVIEW = "in_review", _("In review")
    DONE = "done", _("Done")


class Audit(models.Model):
    campaign = models.ForeignKey(AuditCampaign, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="audits")
    industry_body = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="industry_audits")
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="audits")
    name = models.CharField(max_length=200)
    implementation_groups = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=AuditStatus.choices,
                              default=AuditStatus.PLANNED)
    due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    section_scores = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Result(models.TextChoices):
    """CISO Assistant's requirement assessment results."""

    NOT_ASSESSED = "not_assessed", _("Not assessed")
    COMPLIANT = "compliant", _("Compliant")
    PARTIALLY_COMPLIANT = "partially_compliant", _("Partially compliant")
    NON_COMPLIANT = "non_compliant", _("Non compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ExtendedResult(models.TextChoices):
    NONE = "", _("—")
    MAJOR = "major_nonconformity", _("Major nonconformity")
    MINOR = "minor_nonconformity", _("Minor nonconformity")
    OBSERVATION = "observation", _("Observation")
    GOOD_PRACTICE = "good_practice", _("Good practice")


class EvidenceKind(models.TextChoices):
    PROBE = "probe", _("Platform probe")
    UPLOAD = "upload", _("Uploaded document")
    SAMPLE = "sample", _("Random sample with chain proofs")


class Evidence(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="industry_evidence")
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    probe = models.CharField(max_length=80, blank=True)
    title = models.CharField(max_length=300)
    compliant = models.BooleanField(null=True)
    value = models.JSONField(default=dict, blank=True)
    detail = models.TextField(blank=True)
    chain_heads = models.JSONField(default=list, blank=True)
    file = models.ForeignKey("governance.SealedFile", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    collected_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-collected_at"]
        indexes = [models.Index(fields=["organisation", "probe", "-collected_at"])]

    def __str__(self) -> str:
        return self.title


class RequirementResult(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="results")
    node = models.ForeignKey(RequirementNode, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=20, choices=Result.choices,
                              default=Result.NOT_ASSESSED)
    extended_result = models.CharField(max_length=20, choices=ExtendedResult.choices,
                                       blank=True)
    notes = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True)
    answered_by_probe = models.BooleanField(default=False)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="results")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "node__position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "node"], name="requirement_result_unique"),
            models.CheckConstraint(condition=models.Q(result__in=Result.values),
                                   name="requirement_result_valid"),
            models.CheckConstraint(condition=models.Q(extended_result__in=ExtendedResult.values),
                                   name="requirement_extended_result_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.audit} — {self.node}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FIXED = "fixed", _("Fixed, awaiting verification")
    CLOSED = "closed", _("Closed (verified)")


class Finding(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    result = models.OneToOneField(RequirementResult, on_delete=models.CASCADE,
                                  related_name="finding")
    severity = models.CharField(max_length=20, choices=ExtendedResult.choices)
    status = models.CharField(max_length=10, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} — {self.result}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done, awaiting verification")
    VERIFIED = "verified", _("Verified")


class CorrectiveAction(models.Model):
    finding = models.OneToOneField(Finding, on_delete=models.CASCADE,
                                   related_name="action")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    done_note = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.finding} (due {self.due_date})"


class CreditGrade(models.Model):
    """One computation of a member's grade; the newest is the current one, all are history."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="credit_grades")
    grade = models.CharField(max_length=1)
    score = models.IntegerField()
    deductions = models.JSONField(default=list)
    reason = models.CharField(max_length=200)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"{self.organisation}: {self.grade} ({self.score})"


class CreditCertificate(models.Model):
    serial = models.CharField(max_length=40, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="credit_certificates")
    grade = models.ForeignKey(CreditGrade, on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    signature = models.CharField(max_length=200)
    key_id = models.CharField(max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.serial


class AdoptedRule(models.Model):
    """A probe-backed convention requirement adopted by a regulator as a rule of the engine."""

    node = models.ForeignKey(RequirementNode, on_delete=models.PROTECT, related_name="+")
    urn = models.CharField(max_length=250)
    probe = models.CharField(max_length=80)
    jurisdiction = models.CharField(max_length=8)
    severity = models.CharField(max_length=10)  # compliance.packs.base.Severity
    title = models.CharField(max_length=300)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    adopted_at = models.DateTimeField()

    class Meta:
        ordering = ["adopted_at"]
        constraints = [models.UniqueConstraint(fields=["urn", "jurisdiction"],
                                               name="adopted_rule_unique")]

    def __str__(self) -> str:
        return self.rule_id

    @property
    def rule_id(self) -> str:
        return f"convention:{self.urn}"
