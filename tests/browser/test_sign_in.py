"""A person signs in through a real browser and lands on their persona's page."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_acme_admin_signs_in_and_sees_the_enterprise_dashboard(page, demo):
    sign_in(page, "acme_admin")
    page.wait_for_url("**/enterprise/")
    assert page.get_by_role("heading", name="Enterprise dashboard").is_visible()
    assert page.get_by_text("Acme Property Management — you are administrator.").is_visible()
    assert page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Enterprise").is_visible()


def test_wrong_password_keeps_the_person_on_the_sign_in_page(page, demo):
    sign_in(page, "acme_admin", password="not-the-password")
    assert page.url.endswith("/login/")
    assert page.get_by_role("alert").is_visible()


def test_a_citizen_signs_up_then_signs_in_and_reaches_their_portal(page, transactional_db):
    page.goto("/signup/")
    page.get_by_label("Username").fill("zoe")
    page.get_by_label("Your name").fill("Zoe")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/login/")
    sign_in(page, "zoe", password="a long enough passphrase")
    page.wait_for_url("**/citizen/")
    assert page.get_by_text("Hello Zoe.").is_visible()
