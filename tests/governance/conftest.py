"""Deployments in each lifecycle state, owned by the world's Acme."""

import pytest

from governance.models import DeploymentStatus, Purpose
from tests.factories import ready_deployment

PERSONAS = ["anonymous", "citizen", "acme_admin", "acme_operator", "other_admin", "inspector",
            "distant_inspector", "auditor"]


def user_for(world, persona):
    return None if persona == "anonymous" else getattr(world, persona)


def public_interest(organisation, **kwargs):
    """Metro-style public-security gates: lawful as a public-interest deployment."""
    deployment = ready_deployment(
        organisation=organisation, interest="public", is_public_place=True, has_signage=True,
        place_type="transport_hub", scenario="transportation", mode="identification_realtime",
        two_person_confirmation=True, legal_basis="public_security_law", **kwargs)
    deployment.purposes.set(Purpose.objects.filter(code__in=["public_security"]))
    return deployment


@pytest.fixture
def deployment_in(world):
    """`deployment_in(status, public=False)` → an Acme deployment placed in that status."""

    def make(status: str = DeploymentStatus.DRAFT, *, public: bool = False, **kwargs):
        organisation = kwargs.pop("organisation", world.acme)
        if public:
            return public_interest(organisation, status=status, **kwargs)
        return ready_deployment(organisation=organisation, status=status, **kwargs)

    return make
