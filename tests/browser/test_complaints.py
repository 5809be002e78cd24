"""The complaint channel in a real browser: an anonymous tip from the register to the
regulator's message and the tipster's answer; a citizen's complaint to its triage."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

BLOCK_A = "Residential gate — Block A"


def open_block_a_report(page):
    page.goto("/register/")
    page.get_by_role("link", name=BLOCK_A).first.click()
    page.get_by_role("link", name="Report a problem with this deployment").click()


def test_an_anonymous_tip_from_the_register_gets_answered_through_its_receipt(
        demo, browser, page, live_server):
    open_block_a_report(page)
    page.get_by_label("What is wrong?").select_option("no_signage")
    page.get_by_label("What did you see?").fill("There is no sign at the Block A gate.")
    page.get_by_role("button", name="Send to the regulator").click()
    receipt = page.locator("#receipt").inner_text().replace(" ", "")
    assert re.fullmatch(r"\d{16}", receipt)
    assert receipt not in page.url

    page.goto("/tips/status/")
    page.get_by_label("Your 16-digit receipt").fill(receipt)
    page.get_by_role("button", name="Open my tip").click()
    expect(page.locator("#tip-status")).to_have_text("Awaiting triage")

    regulator = browser.new_context(base_url=live_server.url).new_page()
    sign_in(regulator, "reg_inspector")
    regulator.goto("/regulator/complaints/?priority=&status=received")
    regulator.locator("#inbox tr", has_text="No sign tells people about it").get_by_role(
        "link").first.click()
    regulator.locator("#message-complainant textarea").fill("Where exactly is the camera?")
    regulator.get_by_role("button", name="Send to the complainant").click()
    expect(regulator.locator("#complainant-thread")).to_contain_text("Where exactly")

    page.goto("/tips/status/")
    page.get_by_label("Your 16-digit receipt").fill(receipt)
    page.get_by_role("button", name="Open my tip").click()
    expect(page.locator(".thread")).to_contain_text("Where exactly is the camera?")
    page.get_by_label("Message").fill("Above the main door, on the left.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator(".thread")).to_contain_text("Above the main door")

    regulator.reload()
    expect(regulator.locator("#complainant-thread")).to_contain_text("Above the main door")
    regulator.context.close()


def test_a_citizens_complaint_is_triaged_and_the_citizen_reads_the_outcome(
        demo, browser, page, live_server):
    sign_in(page, "alice")
    open_block_a_report(page)
    page.get_by_label("What is wrong?").select_option("no_consent")
    page.get_by_label("What did you see?").fill("I was enrolled without being asked.")
    page.get_by_label(re.compile("Send it anonymously")).uncheck()
    page.get_by_role("button", name="Send to the regulator").click()
    expect(page.locator("#complaint-status")).to_have_text("Awaiting triage")
    case_path = page.url.removeprefix(live_server.url)
    case_id = case_path.rstrip("/").rsplit("/", 1)[-1]

    regulator = browser.new_context(base_url=live_server.url).new_page()
    sign_in(regulator, "reg_inspector")
    regulator.goto(f"/regulator/complaints/{case_id}/")
    expect(regulator.get_by_text("sealed", exact=True)).to_be_visible()
    regulator.get_by_label("Decision").select_option("investigate")
    regulator.locator("#triage-form textarea[name=reasons]").fill(
        "The gate's consent records for residents are missing.")
    regulator.get_by_role("button", name="Record the decision").click()
    expect(regulator.locator("#case-status")).to_have_text("Under investigation")
    regulator.context.close()

    page.reload()
    expect(page.locator("#complaint-status")).to_have_text("Under investigation")
    expect(page.locator("#complaint-outcome")).to_contain_text("consent records")
