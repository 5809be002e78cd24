"""Fixtures of the governance tests: deployments in each lifecycle state, owned by the world's
Acme; an active gate with a published notice, and helpers that give consent as the API does."""

import pytest
from django.utils import timezone

from governance.models import Consent, DeploymentStatus, Purpose
from governance.services.consent import consent_give
from tests.factories import CLICK, active_gate, ready_deployment

PERSONAS = ["anonymous", "citizen", "acme_admin", "acme_operator", "other_admin", "inspector",
            "distant_inspector", "auditor"]



def public_interest(organisation, *, measured: bool = True, **kwargs):
    """Metro-style public-security gates: lawful as a public-interest deployment, and (unless
    `measured=False`) with the accuracy evaluation public 1:N needs before approval."""
    from tests.recognition.evaluations.factories import finished_evaluation

    deployment = ready_deployment(
        organisation=organisation, interest="public", is_public_place=True, has_signage=True,
        place_type="transport_hub", scenario="transportation", mode="identification_realtime",
        two_person_confirmation=True, legal_basis="public_security_law", **kwargs)
    deployment.purposes.set(Purpose.objects.filter(code__in=["public_security"]))
    if measured:
        finished_evaluation(deployment)
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


@pytest.fixture
def gate(world):
    """Acme's active gate for access control and attendance, notice v1 published."""
    return active_gate(world.acme, name="Gate", purposes=["access_control", "attendance"])


@pytest.fixture
def other_gate(world):
    return active_gate(world.other_enterprise, name="Globex gate")


@pytest.fixture
def give(world):
    """give(deployment, subject_ref=..., purposes=[...], actor=...) records a consent."""

    def make(deployment, *, subject_ref: str = "s-1", purposes=("access_control",),
             actor=None, **extra) -> Consent:
        actor = actor or (world.acme_admin if deployment.organisation == world.acme
                          else world.other_admin)
        extra.setdefault("method", "in_app_explicit")
        extra.setdefault("evidence", dict(CLICK))
        return consent_give(deployment=deployment, actor=actor, subject_ref=subject_ref,
                            purposes=list(purposes), **extra)

    return make


@pytest.fixture
def citizen_consent(world, gate):
    """The world's citizen consents to the gate through the portal."""
    return consent_give(deployment=gate, actor=world.citizen, purposes=["access_control"],
                        method="in_app_explicit", evidence=dict(CLICK))


@pytest.fixture
def now():
    return timezone.now()
