"""Deployments: what an enterprise declares it will do with face recognition.

The field names here are part of the API contract (see DESIGN.md and the deployment issue).
Lifecycle, rules and approvals live in services; this module only declares the data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models.jurisdictions import DEFAULT_JURISDICTION, Jurisdiction
from governance.models.organisations import Organisation


class Purpose(models.Model):
    """The purpose taxonomy (seeded by a data migration); recognition calls name one."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Scenario(models.TextChoices):
    IDENTITY_RECOGNITION = "identity_recognition", _("Identity recognition")
    TRANSPORTATION = "transportation", _("Transportation")
    ACCESS_CONTROL = "access_control", _("Access control")
    ELECTRONIC_PAYMENT = "electronic_payment", _("Electronic payment")
    PUBLIC_SECURITY = "public_security", _("Public security")
    OTHER = "other", _("Other")


class Mode(models.TextChoices):
    VERIFICATION = "verification", _("1:1 verification")
    IDENTIFICATION_REALTIME = "identification_realtime", _("1:N identification, real time")
    IDENTIFICATION_POST = "identification_post", _("1:N identification, after the fact")


class PlaceType(models.TextChoices):
    RESIDENTIAL_COMMUNITY = "residential_community", _("Residential community")
    OFFICE_BUILDING = "office_building", _("Office building")
    TRANSPORT_HUB = "transport_hub", _("Transport hub")
    CAMPUS = "campus", _("Campus")
    BANK = "bank", _("Bank")
    HOSPITAL = "hospital", _("Hospital")
    GOVERNMENT_BUILDING = "government_building", _("Government building")
    RETAIL_STORE = "retail_store", _("Retail store")
    STREET = "street", _("Street")
    HOTEL_ROOM = "hotel_room", _("Hotel room")
    PUBLIC_BATH = "public_bath", _("Public bath")
    CHANGING_ROOM = "changing_room", _("Changing room")
    TOILET = "toilet", _("Toilet")
    OTHER = "other", _("Other")


class Interest(models.TextChoices):
    PUBLIC = "public", _("Public interest")
    PRIVATE = "private", _("Private interest")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the person")
    PUBLIC_SECURITY_LAW = "public_security_law", _("Public security, by law")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    CONTRACT = "contract", _("Necessary for a contract with the person")


class Storage(models.TextChoices):
    ON_DEVICE = "on_device", _("On the device")
    CENTRAL = "central", _("Central database")


class DeploymentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REJECTED = "rejected", _("Rejected")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


DEFAULT_THRESHOLD = 0.6
FILING_SUBJECTS_THRESHOLD = 100_000

# Fields whose change alters what the impact assessment assessed: changing one needs a new
# assessment, and is only possible before the deployment runs (draft or rejected).
MATERIAL_FIELDS = frozenset({
    "scenario", "mode", "place_type", "is_public_place", "interest", "purposes",
    "legal_basis", "storage", "keeps_images",
})


class Deployment(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deployments"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    location = models.CharField(max_length=250, blank=True)
    # Whose law judges the deployment (its rule pack); must match the operator's jurisdiction.
    jurisdiction = models.CharField(max_length=8, choices=Jurisdiction.choices,
                                    default=DEFAULT_JURISDICTION)
    scenario = models.CharField(max_length=30, choices=Scenario.choices)
    mode = models.CharField(max_length=30, choices=Mode.choices)
    place_type = models.CharField(max_length=30, choices=PlaceType.choices)
    is_public_place = models.BooleanField(default=False)
    has_signage = models.BooleanField(default=False)
    interest = models.CharField(max_length=10, choices=Interest.choices)
    purposes = models.ManyToManyField(Purpose, related_name="deployments")
    legal_basis = models.CharField(max_length=30, choices=LegalBasis.choices,
                                   default=LegalBasis.CONSENT)
    storage = models.CharField(max_length=10, choices=Storage.choices, default=Storage.ON_DEVICE)
    # CN pack, CAC Measures 2025 Art. 8: stored on the device unless separately consented.
    central_storage_separate_consent = models.BooleanField(default=False)
    expected_subjects = models.PositiveIntegerField(default=0)
    non_face_alternative = models.TextField()
    keeps_images = models.BooleanField(default=False)
    keeps_images_justification = models.TextField(blank=True)
    # One decision threshold for everyone, in the engine's distance units (lower = stricter).
    threshold = models.FloatField(default=DEFAULT_THRESHOLD)
    requires_liveness = models.BooleanField(default=False)
    two_person_confirmation = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=DeploymentStatus.choices,
                              default=DeploymentStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When something that the impact assessment depends on last changed.
    material_change_at = models.DateTimeField(null=True, blank=True)
    # How many subjects the engine holds templates for, reported by recognition; the filing
    # duty (CN pack: CAC Measures 2025 Art. 15) starts when it reaches FILING_SUBJECTS_THRESHOLD.
    stored_subjects = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    decommissioned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gt=0) & models.Q(threshold__lte=1.5),
                name="deployment_threshold_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeploymentStatus.values),
                name="deployment_status_valid",
            ),
            models.UniqueConstraint(fields=["organisation", "name"],
                                    name="deployment_name_unique_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class DeploymentNotice(models.Model):
    """The versioned public notice shown to people before they consent (PIPL Art. 17)."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="notices")
    version = models.PositiveIntegerField()
    language = models.CharField(max_length=16, default="en")
    text = models.TextField()
    # The same notice in other languages, {"zh-hans": "..."}: shown by the reader's language
    # (text_in), `text` in `language` stays the version people consented under.
    translations = models.JSONField(default=dict, blank=True)
    # A material change (new purpose, longer retention...) requires consents to be renewed.
    is_material_change = models.BooleanField(default=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deployment", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "version"],
                                    name="notice_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.deployment.name} notice v{self.version}"

    def text_in(self, language: str | None = None) -> str:
        """The notice in `language` (default: the active one) when translated, else as
        published."""
        from django.utils.translation import get_language

        return translated_text(self.translations, self.text, language or get_language())

    @property
    def localized_text(self) -> str:
        return self.text_in()


def translated_text(translations: dict, original: str, language: str | None) -> str:
    """`translations[language]` (or its base language's), else the original text."""
    if not language or not isinstance(translations, dict):
        return original
    language = language.lower()
    for code in (language, language.split("-")[0]):
        if translations.get(code):
            return translations[code]
    return original
