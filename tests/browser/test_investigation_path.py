"""Issue 11's whole path in a real browser, on the real pages: a citizen's complaint → triage →
investigation → a request for information answered by the enterprise on its page → a finding →
the hearing answered → decision → rectification order → the enterprise reports it done → the
inspector verifies → closed → the citizen downloads the evidence package, and the public
verification page accepts it, then rejects a copy with one file changed, naming that file."""

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint, Investigation, InvestigationStatus, OrderStatus
from tests.browser.conftest import sign_in
from tests.browser.test_complaints import open_block_a_report

pytestmark = pytest.mark.browser


@pytest.fixture
def eager_tasks():
    """The live server runs in this process: tasks (notices, the package build) run in it."""
    from config.celery_app import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def step(page, to_label: str, reason: str, **fields: str) -> None:
    """Move the case on with the page's next-step form."""
    form = page.locator("#transition-form")
    form.locator("select[name=to]").select_option(label=to_label)
    form.locator("textarea[name=reason]").fill(reason)
    for name, value in fields.items():
        form.locator(f"input[name={name}]").fill(value)
    form.get_by_role("button", name="Record the step").click()


def answer_open_rfi(enterprise, questions_part: str, answer: str) -> None:
    enterprise.goto("/enterprise/investigations/")
    article = enterprise.locator("article", has_text=questions_part)
    article.locator("textarea[name=answer]").fill(answer)
    article.get_by_role("button", name="Send the answer").click()
    expect(enterprise.locator("article", has_text=questions_part)).to_contain_text(answer)


def test_complaint_to_closed_case_to_a_verified_evidence_package(
        demo, eager_tasks, browser, page, live_server, tmp_path):
    # the citizen files a complaint about Block A
    sign_in(page, "alice")
    open_block_a_report(page)
    page.get_by_label("What is wrong?").select_option("no_consent")
    page.get_by_label("What did you see?").fill("I was enrolled at the gate without being asked.")
    page.get_by_label(re.compile("Send it anonymously")).uncheck()
    page.get_by_role("button", name="Send to the regulator").click()
    expect(page.locator("#complaint-status")).to_have_text("Awaiting triage")
    complaint_path = page.url.removeprefix(live_server.url)
    complaint_id = int(complaint_path.rstrip("/").rsplit("/", 1)[-1])

    # the regulator triages it into an investigation and opens the case page from there
    regulator = browser.new_context(base_url=live_server.url).new_page()
    regulator.set_default_timeout(15_000)
    sign_in(regulator, "reg_inspector")
    regulator.goto(f"/regulator/complaints/{complaint_id}/")
    regulator.get_by_label("Decision").select_option("investigate")
    regulator.locator("#triage-form textarea[name=reasons]").fill(
        "Consent records for residents at the gate may be missing.")
    regulator.get_by_role("button", name="Record the decision").click()
    expect(regulator.locator("#case-status")).to_have_text("Under investigation")
    regulator.locator("#investigation-link").click()
    expect(regulator.locator("h1")).to_contain_text("Block A")
    investigation = Investigation.objects.get(complaints__id=complaint_id)

    step(regulator, "Gathering evidence", "Ask Acme for its consent records.")
    expect(regulator.locator("#investigation-status")).to_have_text("Gathering evidence")
    rfi_form = regulator.locator("#rfi-form")
    rfi_form.locator("textarea[name=questions]").fill(
        "Show the consent record of every resident enrolled at the gate since January.")
    rfi_form.get_by_role("button", name="Send the request").click()
    expect(regulator.locator(".messages")).to_contain_text(
        "request for information was sent")

    # the enterprise answers on its own page (and never sees who complained)
    enterprise = browser.new_context(base_url=live_server.url).new_page()
    enterprise.set_default_timeout(15_000)
    sign_in(enterprise, "acme_admin")
    answer_open_rfi(enterprise, "every resident enrolled at the gate",
                    "Twelve residents were enrolled from a paper list; no consent was recorded.")
    expect(enterprise.locator("main")).not_to_contain_text("alice")

    # finding, hearing, decision
    regulator.reload()
    expect(regulator.locator("main")).to_contain_text("Twelve residents")
    finding = regulator.locator("#finding-form")
    finding.locator("input[name=rule_reference]").fill("PIPL Art. 29")
    finding.locator("textarea[name=text]").fill(
        "Residents were enrolled without the separate consent sensitive data needs.")
    finding.get_by_role("button", name="Record the finding").click()
    expect(regulator.locator("#findings")).to_contain_text("PIPL Art. 29")
    step(regulator, "Preliminary findings (hearing)", "Tell Acme what we found.")
    answer_open_rfi(enterprise, "Preliminary findings",
                    "We accept the finding and will collect consent.")
    regulator.reload()
    step(regulator, "Decided", "Enrolment without separate consent.",
         legal_basis="PIPL Art. 29, 64")
    expect(regulator.locator("#investigation-status")).to_have_text("Decided")

    # a rectification order, reported done by the enterprise and verified by the inspector
    order_form = regulator.locator("#order-form")
    order_form.locator("select[name=kind]").select_option(label="Rectification order")
    order_form.locator("textarea[name=text]").fill(
        "Collect separate consent from the twelve residents or delete their templates.")
    order_form.locator("input[name=due_date]").fill("2099-12-31")
    order_form.get_by_role("button", name="Issue the order").click()
    order = investigation.orders.get()
    expect(regulator.locator(f"#order-{order.id}-status")).to_have_text("Issued")
    step(regulator, "Remedies ordered", "The order is issued.")

    enterprise.goto("/enterprise/investigations/")
    item = enterprise.locator("li", has=enterprise.locator(f"#order-{order.id}-status"))
    item.locator("textarea[name=note]").fill("Consent collected from nine; three deleted.")
    item.get_by_role("button", name="Report the order done").click()
    expect(enterprise.locator(f"#order-{order.id}-status")).to_contain_text("Reported done")

    regulator.reload()
    verify = regulator.locator(f"#order-{order.id}-verify")
    verify.locator("textarea[name=reason]").fill(
        "Checked the consent ledger: nine new consents, three deletions.")
    verify.get_by_role("button", name="Verify the order").click()
    expect(regulator.locator(f"#order-{order.id}-status")).to_have_text("Verified")
    step(regulator, "Compliance verified", "Every order is verified.")
    step(regulator, "Closed", "Remedied; the case is closed.")
    expect(regulator.locator("#investigation-status")).to_have_text("Closed")
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.CLOSED
    assert investigation.orders.get().status == OrderStatus.VERIFIED
    assert Complaint.objects.get(id=complaint_id).closed_at is not None
    enterprise.context.close()
    regulator.context.close()

    # the citizen reads the outcome and downloads the evidence package
    page.goto(complaint_path)
    expect(page.locator("#investigation-status")).to_have_text("Closed")
    expect(page.locator("#decision")).to_contain_text("PIPL Art. 29, 64")
    page.get_by_role("button", name="Ask for the evidence package").click()
    expect(page.locator("#package-download")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#package-download").click()
    package = tmp_path / "package.zip"
    download.value.save_as(package)

    # the public verification page accepts it ...
    page.goto("/evidence-packages/verify/")
    page.get_by_label("The evidence package (ZIP file)").set_input_files(str(package))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_have_attribute("data-valid", "true")

    # ... and names the file changed in a copy
    with zipfile.ZipFile(package) as original:
        names = original.namelist()
        contents = {name: original.read(name) for name in names}
    altered = next(n for n in names if n.endswith("complaint.json"))
    contents[altered] = contents[altered].replace(b"without being asked", b"with my consent")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for name in names:
            copy.writestr(name, contents[name])
    modified = tmp_path / "modified.zip"
    modified.write_bytes(buffer.getvalue())
    page.get_by_label("The evidence package (ZIP file)").set_input_files(str(modified))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_have_attribute("data-valid", "false")
    expect(page.locator("#verdict")).to_contain_text(altered)
