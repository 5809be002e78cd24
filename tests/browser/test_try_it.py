"""The enterprise's try-it page verifies an uploaded photo in a real browser."""

import pytest
from playwright.sync_api import expect

from governance.models import Deployment, User
from governance.services.consent import consent_give
from recognition.services.recognition import Caller, recognition_enroll
from tests.browser.conftest import sign_in
from tests.factories import CLICK

pytestmark = pytest.mark.browser


@pytest.fixture
def enrolled_gate(demo, faces_dir):
    # The demo gate asks devices for liveness, which an uploaded still cannot give.
    # Try-it verifies against the central vault: this test's gate stores centrally (the demo's
    # Block A keeps templates on its device, which refuses central enrolment).
    Deployment.objects.filter(name="Residential gate — Block A").update(
        requires_liveness=False, storage="central", central_storage_separate_consent=True)
    gate = Deployment.objects.get(name="Residential gate — Block A")
    admin = User.objects.get(username="acme_admin")
    consent_give(deployment=gate, actor=admin, subject_ref="flat-12", purposes=["access_control"],
                 central_storage=True, method="in_app_explicit", evidence=dict(CLICK))
    recognition_enroll(caller=Caller(deployment=gate, api_key=None), subject_ref="flat-12",
                       purpose="access_control",
                       image=(faces_dir / "people/obama/obama_1.jpg").read_bytes())
    return gate


def try_photo(page, gate, photo, subject_ref="flat-12"):
    page.goto("/recognition/try/")
    page.get_by_label("Deployment").select_option(str(gate.id))
    page.get_by_label("Subject reference").fill(subject_ref)
    page.get_by_label("Purpose").fill("access_control")
    page.get_by_label("Photo to verify").set_input_files(str(photo))
    page.get_by_role("button", name="Verify", exact=True).click()


def test_a_photo_of_the_enrolled_person_matches(page, enrolled_gate, faces_dir):
    sign_in(page, "acme_admin")
    page.wait_for_url("**/enterprise/")
    try_photo(page, enrolled_gate, faces_dir / "people/obama/obama_2.jpg")
    result = page.get_by_test_id("result")
    expect(result.get_by_role("heading", name="Match")).to_be_visible()
    enrolled_gate.refresh_from_db()
    expect(result).to_contain_text(
        f"against the deployment's threshold {enrolled_gate.threshold:.2f}")


def test_another_person_does_not_match_and_no_consent_is_refused(page, enrolled_gate,
                                                                 faces_dir):
    sign_in(page, "acme_admin")
    page.wait_for_url("**/enterprise/")
    try_photo(page, enrolled_gate, faces_dir / "people/biden/biden_1.jpg")
    expect(page.get_by_test_id("result").get_by_role("heading", name="No match")).to_be_visible()
    try_photo(page, enrolled_gate, faces_dir / "people/biden/biden_1.jpg", subject_ref="flat-99")
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_contain_text("consent")
    expect(refusal).not_to_contain_text("no_consent")
