"""factory_boy factories: the people and organisations tests are told in terms of."""

import factory

from governance.models import (
    CitizenProfile,
    IndustryMembership,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 — factory_boy's signature
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationKind.ENTERPRISE
    region = "Demo Province"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ADMIN


class IndustryMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryMembership

    industry_body = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.INDUSTRY_BODY)
    enterprise = factory.SubFactory(OrganisationFactory)


class CitizenProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CitizenProfile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name")
