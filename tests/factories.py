"""factory_boy factories: the people and organisations tests are told in terms of."""

import datetime as dt

import factory
from django.utils import timezone

from governance.models import (
    CitizenProfile,
    Deployment,
    DeploymentNotice,
    DeploymentStatus,
    ImpactAssessment,
    IndustryMembership,
    Interest,
    Membership,
    Mode,
    Organisation,
    OrganisationKind,
    PlaceType,
    Purpose,
    Role,
    Scenario,
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


# Answers that complete the impact-assessment questionnaire with the lowest risk.
COMPLETE_ANSWERS = {
    "necessity": "strictly_necessary", "lawful_basis": "documented", "scale": "under_1000",
    "vulnerable": "no", "error_effect": "inconvenience", "encryption": "encrypted",
    "access": "role_based_logged", "residual_risk": "low",
    "necessity_summary": "Residents asked for hands-free entry; cards are lost weekly.",
    "rights_summary": "Refusers use the card; no effect on access to their homes.",
    "security_summary": "Templates stay encrypted on the gate device.",
    "residual_summary": "Low: verification only, on the device.",
}


class DeploymentFactory(factory.django.DjangoModelFactory):
    """A private-interest 1:1 access-control gate: lawful as declared, but without the
    notice and assessment a submission needs (see `ready_deployment`)."""

    class Meta:
        model = Deployment
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Gate {n}")
    scenario = Scenario.ACCESS_CONTROL
    mode = Mode.VERIFICATION
    place_type = PlaceType.RESIDENTIAL_COMMUNITY
    interest = Interest.PRIVATE
    non_face_alternative = "Show the resident card to the guard, or type the door PIN."
    status = DeploymentStatus.DRAFT

    @factory.post_generation
    def purposes(obj, create, extracted, **kwargs):  # noqa: N805 — factory_boy's signature
        if create:
            obj.purposes.set(Purpose.objects.filter(code__in=extracted or ["access_control"]))


class DeploymentNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeploymentNotice

    deployment = factory.SubFactory(DeploymentFactory)
    version = 1
    text = "Face recognition opens this gate for residents who consented. Cards work too."
    published_at = factory.LazyFunction(timezone.now)


class ImpactAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImpactAssessment

    deployment = factory.SubFactory(DeploymentFactory)
    version = 1
    answers = factory.LazyFunction(lambda: dict(COMPLETE_ANSWERS))
    score = 0
    risk_level = "low"
    completed_at = factory.LazyFunction(timezone.now)
    keep_until = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3 * 366))


def ready_deployment(**kwargs) -> Deployment:
    """A deployment that passes every blocking rule: notice published, assessment complete."""
    deployment = DeploymentFactory(**kwargs)
    DeploymentNoticeFactory(deployment=deployment)
    ImpactAssessmentFactory(deployment=deployment)
    return deployment


class ActiveDeploymentFactory(DeploymentFactory):
    """A gate already running (for consent and recognition tests that start after approval)."""

    status = DeploymentStatus.ACTIVE


def bulk_templates(deployment, *, subjects: int, per_subject: int = 1, delete_after=None,
                   trigger: str = "collection", prefix: str = "bulk") -> list:
    """Many vault subjects and templates at once, for retention tests: the bytes are random
    stand-ins (the sweep never opens them), the retention columns are what is under test."""
    import os

    from recognition.models import Template, VaultSubject

    created = VaultSubject.objects.bulk_create(
        VaultSubject(deployment=deployment, subject_ref=f"{prefix}-{i}",
                     wrapped_data_key=os.urandom(40), last_interaction_at=timezone.now())
        for i in range(subjects))
    if not all(s.pk for s in created):  # backends that do not return ids on bulk insert
        created = list(VaultSubject.objects.filter(deployment=deployment,
                                                   subject_ref__startswith=f"{prefix}-"))
    Template.objects.bulk_create(
        (Template(subject=subject, sealed_vector=os.urandom(540), transform_version=1,
                  engine_version="test", model_version="test", delete_after=delete_after,
                  delete_trigger=trigger if delete_after else "")
         for subject in created for _ in range(per_subject)), batch_size=2000)
    return created


# The click record an in-app consent carries as its evidence (time, IP, user agent).
CLICK = {"time": "2026-03-01T10:00:00+00:00", "ip": "203.0.113.7", "user_agent": "pytest"}


def active_gate(organisation, **kwargs) -> Deployment:
    """A running deployment with notice v1 published: ready to take consents and recognise."""
    deployment = ActiveDeploymentFactory(organisation=organisation, **kwargs)
    DeploymentNoticeFactory(deployment=deployment, version=1)
    return deployment


def central_gate(organisation, **kwargs) -> Deployment:
    """`active_gate` storing templates centrally (with the separate consent that needs): what
    a test that enrols through the central API wants, since `on_device` deployments (the
    default) refuse central enrolment."""
    return active_gate(organisation, storage="central", central_storage_separate_consent=True,
                       **kwargs)
