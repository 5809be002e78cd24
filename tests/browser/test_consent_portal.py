"""A citizen gives consent in the portal, reads the receipt, and withdraws in one click."""

import pytest
from playwright.sync_api import expect

from governance.models import (
    Consent,
    ConsentLedgerEntry,
    ConsentState,
    OrganisationKind,
    Purpose,
    SubjectPurge,
)
from tests.browser.conftest import sign_in
from tests.factories import (
    TEST_PASSWORD,
    ActiveDeploymentFactory,
    CitizenProfileFactory,
    DeploymentNoticeFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def eager_tasks():
    # The live server runs the purge task in-process instead of leaving it on the broker.
    from config.celery_app import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def active_gate(transactional_db):
    # Transactional tests flush the purpose taxonomy that a data migration seeded.
    Purpose.objects.get_or_create(code="access_control", defaults={"name": "Access control"})
    acme = OrganisationFactory(name="Acme", kind=OrganisationKind.ENTERPRISE)
    gate = ActiveDeploymentFactory(organisation=acme, name="North gate",
                             non_face_alternative="Use your resident card.")
    DeploymentNoticeFactory(deployment=gate, version=1,
                            text="Acme opens the north gate by face. You may refuse.")
    return gate


def test_give_receipt_and_withdraw_in_the_citizen_portal(page, active_gate, eager_tasks):
    citizen = CitizenProfileFactory(display_name="Zoe").user
    sign_in(page, citizen.username, TEST_PASSWORD)
    page.wait_for_url("**/citizen/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My deployments").click()
    page.get_by_role("row", name="North gate").get_by_role(
        "link", name="Read the notice and decide").click()
    expect(page.get_by_text("Acme opens the north gate by face.")).to_be_visible()
    page.get_by_label("Access control").check()
    page.get_by_role("button", name="I consent").click()

    page.wait_for_url("**/consents/*/")
    expect(page.get_by_role("heading", name="Consent receipt")).to_be_visible()
    expect(page.get_by_test_id("receipt-state")).to_have_text("Active")
    expect(page.get_by_text("Use your resident card.")).to_be_visible()
    consent = Consent.objects.get()
    assert str(consent.receipt_id) in page.url

    page.get_by_role("button", name="Withdraw this consent").click()
    expect(page.get_by_test_id("confirm")).to_contain_text("destroys your face template")
    page.get_by_role("button", name="Yes, withdraw my consent").click()
    page.wait_for_url("**/citizen/consents/")
    expect(page.get_by_text("Consent withdrawn.")).to_be_visible()
    expect(page.get_by_role("row", name="North gate").get_by_text("Withdrawn")).to_be_visible()

    consent.refresh_from_db()
    assert consent.state == ConsentState.WITHDRAWN
    assert list(ConsentLedgerEntry.objects.order_by("sequence").values_list("kind", flat=True)
                ) == ["given", "withdrawn"]
    assert SubjectPurge.objects.get().completed_at is not None
