"""Sign-in and sign-up, by API and by page."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from governance.models import CitizenProfile, User
from governance.services.accounts import SIGNUP_ANSWER
from tests.factories import TEST_PASSWORD


def test_token_is_issued_for_correct_credentials_and_works(world, api):
    response = api.post("/api/v1/auth/token/",
                        {"username": world.acme_admin.username, "password": TEST_PASSWORD},
                        format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=world.acme_admin).key == token

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == world.acme_admin.username
    assert me.json()["personas"] == ["enterprise"]


def test_wrong_password_gets_401_with_code_and_no_token(world, api):
    response = api.post("/api/v1/auth/token/",
                        {"username": world.acme_admin.username, "password": "nope"},
                        format="json")
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials",
                               "detail": "Wrong username or password."}
    assert not Token.objects.exists()


def test_an_invalid_token_is_refused_with_a_code(db, api):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "username" not in response.json()


def test_citizen_signup_api_creates_a_citizen(db, api):
    response = api.post("/api/v1/auth/signup/",
                        {"username": "bob", "password": TEST_PASSWORD, "display_name": "Bob"},
                        format="json")
    assert response.status_code == 202
    assert set(response.json()) == {"detail"}
    user = User.objects.get(username="bob")
    assert CitizenProfile.objects.get(user=user).display_name == "Bob"
    assert not user.memberships.exists()


def test_signup_with_a_taken_username_answers_like_a_new_one_and_changes_nothing(world, api):
    new = api.post("/api/v1/auth/signup/", {"username": "brand-new", "password": TEST_PASSWORD},
                   format="json")
    before = User.objects.count()
    taken = api.post("/api/v1/auth/signup/",
                     {"username": world.citizen.username.upper(), "password": TEST_PASSWORD},
                     format="json")
    assert (taken.status_code, taken.json()) == (new.status_code, new.json()) == (
        202, {"detail": str(SIGNUP_ANSWER)})
    assert User.objects.count() == before
    world.citizen.refresh_from_db()
    assert world.citizen.check_password(TEST_PASSWORD)


def test_signup_page_answers_the_same_for_a_taken_username(world, client):
    taken = client.post(reverse("signup"), {"username": world.citizen.username,
                                            "password": TEST_PASSWORD}, follow=True)
    new = client.post(reverse("signup"), {"username": "erin", "password": TEST_PASSWORD},
                      follow=True)
    assert taken.redirect_chain == new.redirect_chain == [(reverse("login"), 302)]
    assert [str(m) for m in taken.context["messages"]] == [str(SIGNUP_ANSWER)]
    assert [str(m) for m in new.context["messages"]] == [str(SIGNUP_ANSWER)]
    assert User.objects.filter(username__iexact=world.citizen.username).count() == 1
    assert "_auth_user_id" not in client.session


def test_signup_with_a_weak_password_is_refused(db, api):
    response = api.post("/api/v1/auth/signup/", {"username": "carol", "password": "123"},
                        format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "weak_password"
    assert not User.objects.filter(username="carol").exists()


def test_signup_page_creates_a_citizen_who_then_signs_in(db, client):
    response = client.post(reverse("signup"), {"username": "dora", "display_name": "Dora",
                                                "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("login")
    client.post(reverse("login"), {"username": "dora", "password": TEST_PASSWORD})
    page = client.get(reverse("citizen-home"))
    assert b"Hello Dora" in page.content


def test_login_page_signs_in_and_logout_signs_out(world, client):
    response = client.post(reverse("login"), {"username": world.inspector.username,
                                              "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.inspector.id)
    home = client.get(reverse("regulator-home"))
    assert home.status_code == 200
    assert "<td>Regulator</td>" in home.content.decode()  # the inspector's own organisation
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("regulator-home")).status_code == 302


@pytest.mark.parametrize("password", ["wrong", ""])
def test_login_page_with_wrong_credentials_stays_on_the_page(world, client, password):
    response = client.post(reverse("login"), {"username": world.inspector.username,
                                              "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
