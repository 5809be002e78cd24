"""The complaint channel's cast: Acme's running gate in the regulator's region, a second
regulator's region far away, and helpers to file a complaint or a tip."""

import pytest
from django.core.cache import cache

from complaints.models import Complaint
from complaints.services.intake import CaseInput, complaint_submit, tip_submit
from governance.models import Role
from tests.factories import MembershipFactory, active_gate


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters and receipt failures live in the cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gate(world):
    return active_gate(world.acme, name="Block A gate")


@pytest.fixture
def supervisor(world):
    return MembershipFactory(organisation=world.regulator, role=Role.SUPERVISOR).user


@pytest.fixture
def file_complaint(world, gate):
    def make(citizen=None, **fields) -> Complaint:
        data = {"category": "no_consent", "description": "The gate scanned me without asking.",
                "deployment_id": gate.id, **fields}
        return complaint_submit(citizen=citizen or world.citizen, data=CaseInput(**data))

    return make


@pytest.fixture
def send_tip(db):
    def make(**fields) -> tuple[Complaint, str]:
        data = {"category": "unregistered", "operator_name": "Riverside Mall",
                "place": "Riverside Mall entrance, Demo Province",
                "description": "A camera labels every shopper.", **fields}
        return tip_submit(data=CaseInput(**data))

    return make


def stored_counts() -> tuple[int, ...]:
    from complaints.models import CaseAttachment, CaseLogEntry, CaseMessage
    from governance.models import SealedFile

    return (Complaint.objects.count(), CaseLogEntry.objects.count(),
            CaseMessage.objects.count(), CaseAttachment.objects.count(),
            SealedFile.objects.count())
