"""Fixtures of the consent and rights tests: an active gate of Acme with a published notice,
and helpers that give consent the way the API does."""

import pytest
from django.utils import timezone

from governance.models import Consent
from governance.services.consent import consent_give
from tests.factories_deployments import DeploymentFactory, DeploymentNoticeFactory

CLICK = {"time": "2026-03-01T10:00:00+00:00", "ip": "203.0.113.7", "user_agent": "pytest"}


@pytest.fixture
def gate(world):
    """Acme's active gate for access control and attendance, notice v1 published."""
    deployment = DeploymentFactory(organisation=world.acme, name="Gate",
                                   purposes=["access_control", "attendance"])
    DeploymentNoticeFactory(deployment=deployment, version=1)
    return deployment


@pytest.fixture
def other_gate(world):
    deployment = DeploymentFactory(organisation=world.other_enterprise, name="Globex gate")
    DeploymentNoticeFactory(deployment=deployment, version=1)
    return deployment


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


@pytest.fixture
def eager():
    """Celery tasks run in-process when enqueued (pair with on-commit callbacks executed)."""
    from config.celery_app import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
