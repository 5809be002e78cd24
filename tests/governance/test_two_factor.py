"""Two-factor sign-in: anyone may enrol (QR code, backup codes); after the password a code is
asked for on every page and on the token API; regulators and enterprise admins must enrol
when FACEGOV_REQUIRE_2FA is on."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from governance.services.two_factor import totp_enrolment_confirm, totp_enrolment_start
from tests.factories import TEST_PASSWORD


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the authenticator shows now, or `steps_ahead` periods later: a code is good
    once, so a second use in one test takes the next one (the device accepts one period
    either side of its clock)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead):06d}"


def unthrottle(user) -> None:
    """django-otp makes a device wait after a wrong code (1 s, then 2 s, 4 s...); these tests
    type the right code at once after a wrong one."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_count=0,
                                               throttling_failure_timestamp=None)


@pytest.fixture
def enrolled():
    """enrolled(user) → (its confirmed authenticator, its ten backup codes)."""

    def enrol(user):
        device = totp_enrolment_start(user=user)
        codes = totp_enrolment_confirm(user=user, device_id=device.id, token=code(device))
        return TOTPDevice.objects.get(pk=device.pk), codes

    return enrol


def sign_in(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username,
                                              "password": TEST_PASSWORD})
    assert response.status_code == 302


# --- enrolment -------------------------------------------------------------------------------

def test_a_citizen_enrols_with_a_qr_code_and_receives_ten_backup_codes(world, client):
    client.force_login(world.citizen)
    page = client.get(reverse("two-factor-setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="totp-secret"' in html
    device = TOTPDevice.objects.get(user=world.citizen)
    assert not device.confirmed

    wrong = client.post(reverse("two-factor-setup"), {"otp_token": "000000"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    too_soon = client.post(reverse("two-factor-setup"), {"otp_token": code(device)})
    assert b"wait a few seconds" in too_soon.content
    unthrottle(world.citizen)

    done = client.post(reverse("two-factor-setup"), {"otp_token": code(device)})
    shown = re.findall(r'<code class="secret">(\w+)</code>', done.content.decode())
    device.refresh_from_db()
    assert device.confirmed
    assert len(shown) == 10
    assert set(shown) == set(StaticToken.objects.filter(
        device__user=world.citizen).values_list("token", flat=True))


def test_the_settings_page_says_whether_two_factor_is_on(world, client, enrolled):
    client.force_login(world.citizen)
    assert b"Off: your password alone" in client.get(reverse("two-factor")).content
    enrolled(world.other_citizen)
    client.force_login(world.other_citizen)
    # A device-holder signed in without a code is sent to the verify step first.
    assert client.get(reverse("two-factor")).status_code == 200  # two-factor pages stay open


def test_new_backup_codes_replace_the_old_ones(world, client, enrolled):
    _, old = enrolled(world.citizen)
    sign_in(client, world.citizen)
    client.post(reverse("two-factor-verify"), {"otp_token": old[0]})
    response = client.post(reverse("two-factor-backup-codes"))
    new = re.findall(r'<code class="secret">(\w+)</code>', response.content.decode())
    assert len(new) == 10
    assert not StaticToken.objects.filter(token__in=old[1:]).exists()


# --- the step after the password ------------------------------------------------------------

def test_after_the_password_every_page_asks_for_the_code_first(world, client, enrolled):
    device, _ = enrolled(world.citizen)
    sign_in(client, world.citizen)

    page = client.get(reverse("citizen-consents"))
    assert page.status_code == 302
    assert page.url.startswith(reverse("two-factor-verify"))
    assert "next=/citizen/consents/" in page.url

    verified = client.post(reverse("two-factor-verify"),
                           {"otp_token": code(device, 1), "next": "/citizen/consents/"})
    assert (verified.status_code, verified.url) == (302, "/citizen/consents/")
    assert client.get(reverse("citizen-consents")).status_code == 200


def test_a_backup_code_works_once(world, client, enrolled):
    _, codes = enrolled(world.citizen)
    sign_in(client, world.citizen)
    assert client.post(reverse("two-factor-verify"), {"otp_token": codes[0]}).status_code == 302
    assert client.get(reverse("citizen-home")).status_code == 200

    client.post(reverse("logout"))
    sign_in(client, world.citizen)
    again = client.post(reverse("two-factor-verify"), {"otp_token": codes[0]})
    assert again.status_code == 200  # the form again, with its error
    assert client.get(reverse("citizen-home")).status_code == 302
    assert StaticToken.objects.filter(device__user=world.citizen).count() == 9


def test_wrong_codes_count_as_failed_sign_ins_and_end_the_session(world, client, enrolled,
                                                                  settings):
    settings.AXES_FAILURE_LIMIT = 3
    enrolled(world.citizen)
    sign_in(client, world.citizen)
    answers = [client.post(reverse("two-factor-verify"), {"otp_token": "000000"}).status_code
               for _ in range(3)]
    assert answers == [200, 200, 429]
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("login"), {"username": world.citizen.username,
                                          "password": TEST_PASSWORD}).status_code == 429


def test_a_session_that_owes_its_code_is_refused_by_the_api(world, client, enrolled):
    device, _ = enrolled(world.citizen)
    sign_in(client, world.citizen)
    refused = client.get("/api/v1/me/")
    assert (refused.status_code, refused.json()["code"]) == (403, "two_factor_required")
    client.post(reverse("two-factor-verify"), {"otp_token": code(device, 1)})
    assert client.get("/api/v1/me/").status_code == 200


# --- the token API --------------------------------------------------------------------------

def test_the_token_api_wants_the_code_of_a_two_factor_user(world, enrolled):
    device, codes = enrolled(world.citizen)
    client = APIClient()
    body = {"username": world.citizen.username, "password": TEST_PASSWORD}

    missing = client.post("/api/v1/auth/token/", body, format="json")
    wrong = client.post("/api/v1/auth/token/", {**body, "otp": "000000"}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (401, "otp_required")
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_otp")
    assert not Token.objects.filter(user=world.citizen).exists()

    unthrottle(world.citizen)
    right = client.post("/api/v1/auth/token/", {**body, "otp": code(device, 1)}, format="json")
    assert right.status_code == 200
    assert right.json()["token"] == Token.objects.get(user=world.citizen).key
    backup = client.post("/api/v1/auth/token/", {**body, "otp": codes[3]}, format="json")
    assert backup.status_code == 200


def test_users_without_two_factor_keep_the_two_field_request(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": world.citizen.username,
                                                       "password": TEST_PASSWORD},
                                format="json")
    assert response.status_code == 200


# --- who must use it -----------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["inspector", "acme_admin"])
def test_regulators_and_admins_must_enrol_when_required(world, client, settings, persona):
    settings.FACEGOV_REQUIRE_2FA = True
    user = world.user(persona)
    sign_in(client, user)
    page = client.get("/")
    assert page.status_code == 302 and page.url.startswith(reverse("two-factor-setup"))
    assert client.get(reverse("two-factor-setup")).status_code == 200

    token = APIClient().post("/api/v1/auth/token/", {"username": user.username,
                                                    "password": TEST_PASSWORD}, format="json")
    assert (token.status_code, token.json()["code"]) == (403, "two_factor_enrolment_required")
    assert not Token.objects.filter(user=user).exists()


@pytest.mark.parametrize("persona", ["citizen", "acme_operator", "auditor"])
def test_other_personas_are_not_obliged(world, client, settings, persona):
    settings.FACEGOV_REQUIRE_2FA = True
    sign_in(client, world.user(persona))
    assert client.get(reverse("two-factor")).status_code == 200
    home = client.get("/")
    assert not (home.status_code == 302 and "two-factor" in home.url)


def test_no_one_is_obliged_when_the_setting_is_off(world, client, settings):
    settings.FACEGOV_REQUIRE_2FA = False
    sign_in(client, world.inspector)
    assert client.get(reverse("regulator-home")).status_code == 200


def test_an_enrolled_admin_who_must_keep_it_cannot_turn_it_off(world, client, settings,
                                                              enrolled):
    settings.FACEGOV_REQUIRE_2FA = True
    device, _ = enrolled(world.acme_admin)
    client.force_login(world.acme_admin)
    client.post(reverse("two-factor-verify"), {"otp_token": code(device, 1)})
    client.post(reverse("two-factor-off"), {"otp_token": code(device, 2)})
    assert TOTPDevice.objects.filter(user=world.acme_admin, confirmed=True).exists()


def test_a_citizen_turns_it_off_with_a_current_code(world, client, enrolled):
    device, _ = enrolled(world.citizen)
    client.force_login(world.citizen)
    client.post(reverse("two-factor-verify"), {"otp_token": code(device, 1)})
    client.post(reverse("two-factor-off"), {"otp_token": "000000"})
    assert TOTPDevice.objects.filter(user=world.citizen).exists()
    unthrottle(world.citizen)
    client.post(reverse("two-factor-off"), {"otp_token": code(device, 2)})
    assert not TOTPDevice.objects.filter(user=world.citizen).exists()
    assert not StaticDevice.objects.filter(user=world.citizen).exists()
