"""Writes for organisations, memberships and citizen accounts."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from governance.audit import acting_as
from governance.errors import DomainError
from governance.models import (
    CitizenProfile,
    IndustryMembership,
    Membership,
    Organisation,
    OrganisationKind,
    User,
)
from governance.models.organisations import ROLES_BY_KIND


@transaction.atomic
def citizen_signup(*, username: str, password: str, email: str = "",
                   display_name: str = "") -> User:
    """A person signs up for themselves as a citizen (data subject)."""
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("That username is taken.", code="username_taken")
    user = User(username=username, email=email)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password") from None
    user.set_password(password)
    user.save()
    CitizenProfile.objects.create(user=user, display_name=display_name)
    return user


@transaction.atomic
def organisation_create(*, name: str, kind: str, region: str = "", actor: Any = None,
                        slug: str = "") -> Organisation:
    if kind not in OrganisationKind.values:
        raise DomainError(f"Unknown organisation kind {kind!r}.", code="invalid_kind")
    with acting_as(actor):
        return Organisation.objects.create(
            name=name, kind=kind, region=region, slug=slug or slugify(name)[:80]
        )


@transaction.atomic
def membership_add(*, organisation: Organisation, user: User, role: str,
                   actor: Any = None) -> Membership:
    """Give a person a role in an organisation; the role must exist for that kind."""
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise DomainError(
            f"Role {role!r} does not exist in an organisation of kind {organisation.kind}.",
            code="invalid_role",
        )
    if hasattr(user, "citizen_profile"):
        raise DomainError("A citizen account cannot join an organisation.", code="invalid_role")
    with acting_as(actor):
        membership, _ = Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
    return membership


@transaction.atomic
def industry_membership_add(*, industry_body: Organisation, enterprise: Organisation,
                            actor: Any = None) -> IndustryMembership:
    if industry_body.kind != OrganisationKind.INDUSTRY_BODY:
        raise DomainError("Only an industry body has member enterprises.", code="invalid_kind")
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise DomainError("Only an enterprise can be a member.", code="invalid_kind")
    with acting_as(actor):
        membership, _ = IndustryMembership.objects.get_or_create(
            industry_body=industry_body, enterprise=enterprise
        )
    return membership
