"""Organisations, the people in them, and citizens.

A person is either a member of organisations (enterprise, regulator, industry body) with a
role in each, or a citizen who signed up for themselves — never both (enforced in services).
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models.jurisdictions import DEFAULT_JURISDICTION, Jurisdiction


class User(AbstractUser):
    """The login account. What a user may do follows from memberships or a citizen profile."""

    # The language the user last chose with the switch: what the platform writes to them when
    # they are not the one acting (notifications and mail sent by others or by the worker).
    language = models.CharField(_("language"), max_length=10, blank=True,
                                choices=settings.LANGUAGES)

    class Meta:
        db_table = "governance_user"


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    REGULATOR = "regulator", _("Regulator")
    INDUSTRY_BODY = "industry_body", _("Industry body")


class Role(models.TextChoices):
    # enterprise
    ADMIN = "admin", _("Administrator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    OPERATOR = "operator", _("Operator")
    # regulator
    INSPECTOR = "inspector", _("Inspector")
    SUPERVISOR = "supervisor", _("Supervisor")
    # industry body
    AUDITOR = "auditor", _("Auditor")
    SECRETARIAT = "secretariat", _("Secretariat")


ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.ENTERPRISE: frozenset({Role.ADMIN, Role.PRIVACY_OFFICER, Role.OPERATOR}),
    OrganisationKind.REGULATOR: frozenset({Role.INSPECTOR, Role.SUPERVISOR}),
    OrganisationKind.INDUSTRY_BODY: frozenset({Role.AUDITOR, Role.SECRETARIAT}),
}


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    # A regulator's mandate covers the enterprises of its region; "" means nationwide.
    region = models.CharField(max_length=120, blank=True)
    # The legal order the region belongs to: an enterprise's deployments run under it, and a
    # regulator's mandate stays inside it.
    jurisdiction = models.CharField(max_length=8, choices=Jurisdiction.choices,
                                    default=DEFAULT_JURISDICTION)
    registration_number = models.CharField(max_length=80, blank=True)
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values),
                name="organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(jurisdiction__in=Jurisdiction.values),
                name="organisation_jurisdiction_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} at {self.organisation}"


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Member")
    LEFT = "left", _("Left")


class IndustryMembership(models.Model):
    """An enterprise's membership of an industry body, which audits it (self-regulation):
    applied, accepted (active), left — each step dated."""

    industry_body = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="member_enterprises"
    )
    enterprise = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="industry_bodies"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=MembershipStatus.choices,
                              default=MembershipStatus.ACTIVE)
    applied_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    left_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["industry_body", "enterprise"], name="industry_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} in {self.industry_body}"


class CitizenProfile(models.Model):
    """Marks an account as a citizen (data subject) who signed up for themselves."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="citizen_profile")
    display_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.display_name or self.user.username
