"""Rate limits: each scope refuses the call after its rate with 429 `throttled` and
`Retry-After`, and stores nothing for the refused call. The test settings lift every limit;
each test here sets the one it is about."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from governance.models import ContactProof, User
from recognition.services.apikeys import api_key_create
from tests.factories import TEST_PASSWORD, active_gate


@pytest.fixture
def rates(settings):
    """rates(scope="2/min", ...) → those limits, every other scope unlimited in practice."""

    def set_rates(**limits: str) -> None:
        current = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                                   "DEFAULT_THROTTLE_RATES": {**current, **limits}}

    return set_rates


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_token_login_is_throttled_per_address(world, rates):
    rates(login="3/min")
    client = APIClient(REMOTE_ADDR="198.51.100.1")
    body = {"username": world.citizen.username, "password": TEST_PASSWORD}
    answers = [client.post("/api/v1/auth/token/", body, format="json").status_code
               for _ in range(3)]
    assert answers == [200, 200, 200]
    assert_throttled(client.post("/api/v1/auth/token/", body, format="json"))
    # Another address has its own count.
    other = APIClient(REMOTE_ADDR="198.51.100.2")
    assert other.post("/api/v1/auth/token/", body, format="json").status_code == 200


def test_sign_up_is_throttled_and_the_refused_one_creates_no_account(db, rates):
    rates(signup="2/hour")
    client = APIClient()
    for name in ("ann", "ben"):
        assert client.post("/api/v1/auth/signup/", {"username": name, "password": TEST_PASSWORD},
                           format="json").status_code == 202
    assert_throttled(client.post("/api/v1/auth/signup/",
                                 {"username": "cat", "password": TEST_PASSWORD}, format="json"))
    assert not User.objects.filter(username="cat").exists()


def test_the_sign_up_page_is_throttled_too(db, client, rates):
    rates(signup="1/hour")
    client.post(reverse("signup"), {"username": "ann", "password": TEST_PASSWORD})
    response = client.post(reverse("signup"), {"username": "ben", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert not User.objects.filter(username="ben").exists()
    assert client.get(reverse("signup")).status_code == 200  # reading the form is not counted


def test_contact_proofs_are_throttled_per_citizen(world, api_as, rates):
    rates(contact_proof="2/hour")
    client = api_as(world.citizen)
    for n in range(2):
        assert client.post("/api/v1/me/contact-proofs/", {"contact": f"c{n}@example.org"},
                           format="json").status_code == 201
    assert_throttled(client.post("/api/v1/me/contact-proofs/", {"contact": "c9@example.org"},
                                 format="json"))
    assert ContactProof.objects.count() == 2
    # The count is the citizen's own: another citizen still may.
    assert api_as(world.other_citizen).post(
        "/api/v1/me/contact-proofs/", {"contact": "o@example.org"},
        format="json").status_code == 201


def test_confirming_a_contact_proof_is_throttled(world, api_as, rates):
    rates(contact_proof_confirm="2/hour")
    client = api_as(world.citizen)
    proof = client.post("/api/v1/me/contact-proofs/", {"contact": "c@example.org"},
                        format="json").json()
    url = f"/api/v1/me/contact-proofs/{proof['proof_id']}/confirm/"
    for _ in range(2):
        assert client.post(url, {"code": "000000"}, format="json").status_code != 429
    assert_throttled(client.post(url, {"code": "000000"}, format="json"))


def test_every_anonymous_call_is_throttled(db, rates):
    rates(anon="2/min")
    client = APIClient()
    assert [client.get("/api/v1/register/").status_code for _ in range(2)] == [200, 200]
    assert_throttled(client.get("/api/v1/register/"))


def test_signed_in_people_are_not_counted_as_anonymous(world, api_as, rates):
    rates(anon="1/min")
    client = api_as(world.citizen)
    assert [client.get("/api/v1/register/").status_code for _ in range(3)] == [200, 200, 200]


def test_a_device_key_is_counted_by_key_not_as_anonymous(world, rates):
    rates(anon="1/min", device="2/min")
    gate = active_gate(world.acme, name="Gate")
    _, raw = api_key_create(deployment=gate, name="kiosk", actor=world.acme_admin)
    client = APIClient(HTTP_X_API_KEY=raw)
    answers = [client.post("/api/v1/recognition/liveness/").status_code for _ in range(2)]
    assert answers == [201, 201]
    assert_throttled(client.post("/api/v1/recognition/liveness/"))


def test_an_app_adds_a_scope_by_adding_its_rate(db, rates, settings):
    """A view that names `throttle_scope = "tip_submit"` is limited by that setting alone."""
    from rest_framework.permissions import AllowAny
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    class TipApi(APIView):
        permission_classes = [AllowAny]
        throttle_scope = "tip_submit"

        def post(self, request):
            return Response({"ok": True})

    rates(tip_submit="1/min")
    view = TipApi.as_view()
    factory = APIRequestFactory()
    assert view(factory.post("/tips/")).status_code == 200
    assert view(factory.post("/tips/")).status_code == 429
