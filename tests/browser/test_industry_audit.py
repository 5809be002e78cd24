"""Industry self-regulation in a real browser: the association's auditor runs an audit from
campaign to done, the member corrects a finding, the auditor verifies it, the grade changes
and the public register shows the member's badge."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

MANUAL_COMPLIANT = ["1.1", "1.2", "2.2", "2.3", "2.4", "2.5", "2.7", "3.5", "4.6", "6.2"]


def record(page, ref: str, result: str, extended: str = "") -> None:
    row = page.locator(f'[data-testid="req-{ref}"]')
    row.get_by_label("Result:", exact=True).select_option(result)
    if extended:
        row.get_by_label("Extended result:", exact=True).select_option(extended)
    row.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Recorded")


def test_an_audit_from_campaign_to_done_and_a_corrected_finding_changes_the_grade(
        demo, browser, page, live_server):
    sign_in(page, "assoc_auditor")
    page.goto("/industry/")
    page.get_by_label("Campaign name").fill("Winter 2026")
    page.get_by_label("Convention version").select_option(index=1)
    page.get_by_label("Acme Property Management").check()
    page.get_by_label("Implementation groups (comma-separated, empty for all)").fill("core")
    page.get_by_label("Due date").fill("2026-12-31")
    page.get_by_test_id("plan-campaign").click()
    expect(page.locator(".messages")).to_contain_text("1 audit(s)")
    page.get_by_role("link", name="Winter 2026 — Acme Property Management").click()
    expect(page.get_by_test_id("audit-status")).to_have_text("Planned")
    page.get_by_test_id("audit-start").click()
    page.get_by_test_id("run-probes").click()
    expect(page.locator(".messages")).to_contain_text("probe(s) answered")
    expect(page.locator('[data-testid="req-2.1"]')).to_contain_text("answered by a probe")
    for ref in MANUAL_COMPLIANT:
        record(page, ref, "compliant")
    record(page, "5.3", "non_compliant", "major_nonconformity")
    record(page, "5.4", "partially_compliant", "minor_nonconformity")
    page.get_by_test_id("audit-submit").click()
    page.get_by_test_id("audit-complete").click()
    expect(page.get_by_test_id("audit-status")).to_have_text("Done")
    page.get_by_role("link", name="Audit report").click()
    expect(page.get_by_test_id("section-chart").locator("svg")).to_be_visible()

    member = browser.new_context(base_url=live_server.url).new_page()
    sign_in(member, "acme_admin")
    member.goto("/enterprise/industry/")
    expect(member.get_by_test_id("grade").first).to_have_text("Grade B")
    expect(member.get_by_test_id("deductions")).to_contain_text("Major nonconformity")
    action = member.locator("tr[data-testid^='action-']", has_text="5.3 Regular compliance")
    action.get_by_label("What was done").fill("Quarterly internal audits scheduled and run.")
    action.get_by_role("button", name="Mark done").click()
    expect(member.locator(".messages")).to_contain_text("Marked done")

    page.goto("/industry/")
    page.locator("tr[data-testid^='action-']", has_text="5.3 Regular compliance").get_by_role(
        "button", name="Verify").click()
    expect(page.locator(".messages")).to_contain_text("verified")

    member.reload()
    expect(member.get_by_test_id("grade").first).to_have_text("Grade A")
    expect(member.get_by_test_id("deductions")).to_contain_text("repaired")
    member.context.close()

    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/register/")
    expect(visitor.get_by_test_id("credit-badge").first).to_have_text("Industry grade A")
    visitor.goto("/register/industry/")
    expect(visitor.locator("tr", has_text="Acme Property Management")).to_contain_text(
        "Grade A")
    visitor.context.close()
