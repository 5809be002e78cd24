"""A person signs in through a real browser and lands on their persona's page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_acme_admin_signs_in_and_sees_the_enterprise_dashboard(page, demo):
    sign_in(page, "acme_admin")
    page.wait_for_url("**/enterprise/")
    expect(page.get_by_role("heading", name="Enterprise dashboard")).to_be_visible()
    expect(page.get_by_text("Acme Property Management — you are administrator.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Enterprise")).to_be_visible()


def test_wrong_password_keeps_the_person_on_the_sign_in_page(page, demo):
    sign_in(page, "acme_admin", password="not-the-password")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r".*/login/$"))
    page.goto("/enterprise/")  # still signed out: sent back to sign in
    expect(page).to_have_url(re.compile(r".*/login/\?next=/enterprise/$"))


def test_a_citizen_signs_up_then_signs_in_and_reaches_their_portal(page, transactional_db):
    page.goto("/signup/")
    page.get_by_label("Username").fill("zoe")
    page.get_by_label("Your name").fill("Zoe")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/login/")
    sign_in(page, "zoe", password="a long enough passphrase")
    page.wait_for_url("**/citizen/")
    expect(page.get_by_text("Hello Zoe.")).to_be_visible()
