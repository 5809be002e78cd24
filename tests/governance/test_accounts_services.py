"""Services for organisations and memberships keep their invariants and audit the actor."""

import pytest
from auditlog.models import LogEntry

from governance.errors import DomainError
from governance.models import Membership, OrganisationKind, Role
from governance.services.accounts import (
    industry_membership_add,
    membership_add,
    organisation_create,
)
from tests.factories import OrganisationFactory, UserFactory


def test_a_role_must_belong_to_the_organisation_kind(db):
    regulator = OrganisationFactory(kind=OrganisationKind.REGULATOR)
    user = UserFactory()
    with pytest.raises(DomainError) as caught:
        membership_add(organisation=regulator, user=user, role=Role.ADMIN)
    assert caught.value.code == "invalid_role"
    assert not Membership.objects.exists()


def test_a_citizen_cannot_join_an_organisation(world):
    with pytest.raises(DomainError) as caught:
        membership_add(organisation=world.acme, user=world.citizen, role=Role.OPERATOR)
    assert caught.value.code == "invalid_role"
    assert not world.citizen.memberships.exists()


def test_only_an_industry_body_has_member_enterprises(world):
    with pytest.raises(DomainError):
        industry_membership_add(industry_body=world.acme, enterprise=world.other_enterprise)


def test_membership_changes_are_audited_with_the_acting_user(world):
    newcomer = UserFactory()
    membership_add(organisation=world.acme, user=newcomer, role=Role.OPERATOR,
                   actor=world.acme_admin)
    entry = LogEntry.objects.get_for_model(Membership).latest("timestamp")
    assert entry.actor == world.acme_admin
    assert entry.action == LogEntry.Action.CREATE


def test_organisation_creation_is_audited(db):
    actor = UserFactory(is_staff=True)
    organisation = organisation_create(name="New Regulator", kind=OrganisationKind.REGULATOR,
                                       actor=actor)
    entry = LogEntry.objects.get_for_object(organisation).get()
    assert entry.actor == actor
    assert organisation.slug == "new-regulator"
