"""Writes for organisations, memberships and citizen accounts."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

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

# The same answer whether the name was free or taken: sign-up does not say who has an account.
SIGNUP_ANSWER = _("Thank you. If that username was free, your account now exists: sign in "
                  "with it. If signing in fails, the name was taken; sign up with another.")


@transaction.atomic
def citizen_signup(*, username: str, password: str, email: str = "",
                   display_name: str = "") -> User | None:
    """A person signs up for themselves as a citizen (data subject).

    Returns the new user, or None when the username is taken: callers answer both the same
    way, so that sign-up does not tell who has an account. A weak password is refused
    first (its answer depends on the password, not on who exists), and a taken name costs
    the same password hashing as a new one.
    """
    user = User(username=username, email=email)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password") from None
    user.set_password(password)
    if User.objects.filter(username__iexact=username).exists():
        return None
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same name, signed up by a concurrent request
        return None
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
        raise DomainError(_("A citizen account cannot join an organisation."), code="invalid_role")
    with acting_as(actor):
        membership, _created = Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
    return membership


@transaction.atomic
def industry_membership_add(*, industry_body: Organisation, enterprise: Organisation,
                            actor: Any = None) -> IndustryMembership:
    if industry_body.kind != OrganisationKind.INDUSTRY_BODY:
        raise DomainError(_("Only an industry body has member enterprises."), code="invalid_kind")
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise DomainError(_("Only an enterprise can be a member."), code="invalid_kind")
    with acting_as(actor):
        membership, _created = IndustryMembership.objects.get_or_create(
            industry_body=industry_body, enterprise=enterprise
        )
    return membership
