"""The regulator decides with everything in view, and by two people: in a real browser the
demo inspector proposes the Metro's approval and the demo supervisor approves it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def open_metro(page):
    page.goto("/regulator/approvals/")
    page.get_by_role("link", name="Metro Line 2 gates").click()
    page.wait_for_url(re.compile(r".*/regulator/deployments/\d+/$"))


def test_metro_blocked_until_measured_then_proposed_and_approved_by_two_people(
        browser, live_server, demo):
    from governance.models import Deployment

    metro = Deployment.objects.get(name="Metro Line 2 gates")
    contexts = [browser.new_context(base_url=live_server.url) for _ in range(2)]
    try:
        check_two_people(contexts[0].new_page(), contexts[1].new_page(), metro)
    finally:
        for context in contexts:
            context.close()


def check_two_people(inspector, supervisor, metro):
    from governance.models import DeploymentStatus
    from tests.recognition.evaluations.factories import finished_evaluation

    sign_in(inspector, "reg_inspector")
    inspector.wait_for_url("**/regulator/")
    open_metro(inspector)
    # Everything in view: where, what people are told, what was assessed.
    expect(inspector.get_by_test_id("location")).to_have_text("Line 2, all 18 stations")
    expect(inspector.get_by_role("heading", name="Public notice")).to_be_visible()
    expect(inspector.get_by_role("heading", name="Impact assessment")).to_be_visible()
    expect(inspector.locator("#complaints")).to_be_visible()
    expect(inspector.locator("#credit-grade")).to_be_visible()
    if not metro.evaluations.exists():  # public 1:N needs measured accuracy first
        expect(inspector.get_by_role("button", name="Propose approval")).to_be_disabled()
        expect(inspector.get_by_test_id("blocked-reasons")).to_be_visible()
        finished_evaluation(metro)
        inspector.reload()

    inspector.get_by_label("Reasons").fill("Proportionate to the threat on Line 2.")
    inspector.get_by_role("button", name="Propose approval").click()
    expect(inspector.get_by_text("Approval proposed: a supervisor decides on it.")).to_be_visible()
    expect(inspector.get_by_test_id("own-proposal")).to_be_visible()
    expect(inspector.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    sign_in(supervisor, "reg_supervisor")
    supervisor.wait_for_url("**/regulator/")
    open_metro(supervisor)
    expect(supervisor.get_by_test_id("proposal")).to_contain_text("reg_inspector")
    supervisor.get_by_label("Reasons").fill("Agreed: necessary and proportionate.")
    supervisor.get_by_role("button", name="Approve", exact=True).click()
    expect(supervisor.get_by_text("Deployment approved")).to_be_visible()
    metro.refresh_from_db()
    assert metro.status == DeploymentStatus.ACTIVE
