"""Failed sign-ins lock a username out from an address (django-axes), on the token API and the
sign-in page alike, for longer with every further round of failures."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from governance.lockout import lockout_cool_off
from tests.factories import TEST_PASSWORD

LIMIT = 5


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.FACEGOV_LOCKOUT_BASE_MINUTES = 5
    settings.FACEGOV_LOCKOUT_MAX_HOURS = 24


def token_call(client, username, password):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password},
                       format="json")


def test_fifty_wrong_passwords_in_a_row_are_locked_out_after_the_configured_count(world):
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    answers = [token_call(client, world.inspector.username, f"guess-{n}") for n in range(50)]

    statuses = [a.status_code for a in answers]
    assert statuses == [401] * (LIMIT - 1) + [429] * (50 - LIMIT + 1)
    assert {a.json()["code"] for a in answers[LIMIT - 1:]} == {"locked_out"}
    assert int(answers[-1]["Retry-After"]) > 0
    # Locked means locked: the right password is refused too, and no token exists.
    right = token_call(client, world.inspector.username, TEST_PASSWORD)
    assert (right.status_code, right.json()["code"]) == (429, "locked_out")
    assert not Token.objects.filter(user=world.inspector).exists()
    assert AccessAttempt.objects.get(username=world.inspector.username).failures_since_start == 51


def test_the_lockout_is_per_username_and_address(world):
    attacker = APIClient(REMOTE_ADDR="203.0.113.9")
    for n in range(LIMIT):
        token_call(attacker, world.inspector.username, f"guess-{n}")
    assert token_call(attacker, world.inspector.username, TEST_PASSWORD).status_code == 429
    # The person, from their own address, still signs in; so does another user from there.
    assert token_call(APIClient(REMOTE_ADDR="198.51.100.7"), world.inspector.username,
                      TEST_PASSWORD).status_code == 200
    assert token_call(attacker, world.citizen.username, TEST_PASSWORD).status_code == 200


def test_a_success_before_the_limit_resets_the_count(world):
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    for round_ in range(3):
        for n in range(LIMIT - 1):
            assert token_call(client, world.citizen.username, f"x{round_}{n}").status_code == 401
        assert token_call(client, world.citizen.username, TEST_PASSWORD).status_code == 200


def test_the_sign_in_page_locks_out_too(world, client):
    url = reverse("login")
    answers = [client.post(url, {"username": world.acme_admin.username, "password": f"g{n}"},
                           REMOTE_ADDR="203.0.113.9").status_code for n in range(LIMIT + 2)]
    assert answers == [200] * (LIMIT - 1) + [429] * 3
    right = client.post(url, {"username": world.acme_admin.username, "password": TEST_PASSWORD},
                        REMOTE_ADDR="203.0.113.9")
    assert right.status_code == 429
    assert b"Too many attempts" in right.content
    assert "_auth_user_id" not in client.session


def test_the_page_and_the_api_share_one_count(world, client):
    for n in range(LIMIT - 1):
        client.post(reverse("login"), {"username": world.citizen.username, "password": f"g{n}"},
                    REMOTE_ADDR="203.0.113.9")
    api = APIClient(REMOTE_ADDR="203.0.113.9")
    assert token_call(api, world.citizen.username, "one-more").status_code == 429


@pytest.mark.parametrize(("failures", "minutes"), [
    (0, 5), (5, 5), (9, 5), (10, 10), (15, 20), (20, 40), (50, 24 * 60), (10_000, 24 * 60)])
def test_each_round_of_failures_doubles_the_wait_up_to_a_day(db, failures, minutes):
    request = RequestFactory().post("/login/")
    request.axes_failures_since_start = failures
    assert lockout_cool_off(request) == dt.timedelta(minutes=minutes)


def test_the_wait_is_read_from_the_recorded_failures_before_axes_counts_this_one(db):
    AccessAttempt.objects.create(username="u", ip_address="203.0.113.9", user_agent="",
                                 failures_since_start=15, attempt_time=dt.datetime.now(dt.UTC),
                                 get_data="", post_data="", http_accept="", path_info="/")
    request = RequestFactory().post("/login/")
    request.axes_ip_address = "203.0.113.9"
    assert lockout_cool_off(request) == dt.timedelta(minutes=20)
