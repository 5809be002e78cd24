"""A minimal DeploymentFactory for the consent tests (the registry branch has its own; the
two are reconciled on merge). Purposes are codes of the seeded taxonomy."""

import factory
from django.utils import timezone

from governance.models import (
    Deployment,
    DeploymentNotice,
    DeploymentStatus,
    Interest,
    Mode,
    PlaceType,
    Purpose,
    Scenario,
)
from tests.factories import OrganisationFactory


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deployment
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Deployment {n}")
    scenario = Scenario.ACCESS_CONTROL
    mode = Mode.VERIFICATION
    place_type = PlaceType.RESIDENTIAL_COMMUNITY
    interest = Interest.PRIVATE
    status = DeploymentStatus.ACTIVE
    non_face_alternative = "Show your resident card at the gatehouse."

    @factory.post_generation
    def purposes(obj, create, extracted, **kwargs):  # noqa: N805 — factory_boy's signature
        if create:
            obj.purposes.set(Purpose.objects.filter(code__in=extracted or ["access_control"]))


class DeploymentNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeploymentNotice

    deployment = factory.SubFactory(DeploymentFactory)
    version = factory.Sequence(lambda n: n + 1)
    text = "We recognise faces at this gate to open it. You may refuse and use your card."
    published_at = factory.LazyFunction(timezone.now)
