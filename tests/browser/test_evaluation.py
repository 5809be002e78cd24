"""Issue 13 in a real browser with a real Celery worker: the enterprise requests an
evaluation of Block A on its page with a labelled ZIP, the page shows its progress and
refreshes until the report is there — the DET curve (SVG) and the per-group table — and the
public register's accuracy panel shows the same figures."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from governance.models import Deployment
from recognition.models import Evaluation, EvaluationStatus
from tests.browser.conftest import sign_in
from tests.workers import celery_worker, worker_env

pytestmark = [pytest.mark.browser, pytest.mark.worker]

BLOCK_A = "Residential gate — Block A"
GROUPS = "identity,sex\nobama,M\nbiden,M\nalex_lacamoire,M\nkit_harington,M\nrose_leslie,F\n"


@pytest.fixture
def labelled_zip(tmp_path, faces_dir):
    """people/ (14 photos of 6 people) with a groups.csv, as an enterprise would upload it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for photo in sorted((faces_dir / "people").glob("*/*")):
            if photo.is_file():
                archive.writestr(f"people/{photo.parent.name}/{photo.name}", photo.read_bytes())
        archive.writestr("people/groups.csv", GROUPS)
    path = tmp_path / "block-a-set.zip"
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def empty_queue():
    from config.celery_app import app

    app.control.purge()  # messages left by earlier runs are not this test's
    yield
    app.control.purge()


def test_an_evaluation_requested_on_its_page_reaches_the_report_and_the_register(
        demo, page, labelled_zip, tmp_path, empty_queue):
    log = str(tmp_path / "worker.log")
    sign_in(page, "acme_admin")
    page.goto("/recognition/evaluations/")
    block_a = Deployment.objects.get(name=BLOCK_A)
    page.get_by_label("Deployment").select_option(value=str(block_a.id))
    page.get_by_label("Labelled set (ZIP: one folder per person, optional groups.csv)") \
        .set_input_files(str(labelled_zip))
    page.get_by_role("button", name="Evaluate").click()

    # no worker yet: the evaluation waits, and its page shows the progress bar
    expect(page.locator("#progress")).to_be_visible()
    evaluation = Evaluation.objects.get(deployment__name=BLOCK_A)
    assert evaluation.status == EvaluationStatus.QUEUED

    with celery_worker(worker_env(), log):
        # the page refreshes itself until the worker has finished
        expect(page.locator("#fmr")).to_be_visible(timeout=180_000)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DONE and evaluation.progress == 100

    det = page.locator("svg[role=img]")
    expect(det).to_have_attribute("aria-label", f"DET curve — {BLOCK_A}")
    expect(det).to_contain_text("False match rate (FMR)")
    expect(det).to_contain_text("False non-match rate (FNMR)")
    expect(det.locator("polyline")).to_have_count(1)
    rows = page.locator("section", has_text="Per group").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="sex=M")).to_have_count(1)
    expect(rows.filter(has_text="sex=F")).to_have_count(1)
    fmr = f'{evaluation.results["fmr"]["value"]:.5f}'
    expect(page.locator("#fmr")).to_contain_text(fmr)

    # continuous disclosure: the public register shows the figures to anyone
    page.context.clear_cookies()
    page.goto("/register/")
    page.get_by_role("link", name=BLOCK_A).first.click()
    expect(page.locator("#accuracy-fmr")).to_have_text(fmr)
    fte = sum(evaluation.failures_to_enrol.values())
    expect(page.locator("#accuracy-fte")).to_contain_text(f"{fte} (")
    expect(page.locator("#accuracy-stale")).to_have_count(0)
