"""The citizen portal and enterprise pages for consent and rights, per persona."""

import pytest
from django.urls import reverse

from governance.models import ConsentState, RightsRequest
from governance.services.rights import rights_request_file

PERSONAS = ["anonymous", "citizen", "other_citizen", "acme_admin", "other_admin", "inspector"]


@pytest.fixture
def setup(world, gate, citizen_consent):
    request = rights_request_file(citizen=world.citizen, deployment=gate, type="access")
    return {"gate": gate, "consent": citizen_consent, "request": request}


CITIZEN_ONLY = {"anonymous": 302, "citizen": 200, "other_citizen": 200, "acme_admin": 403,
                "other_admin": 403, "inspector": 403}
ENTERPRISE_ONLY = {"anonymous": 302, "citizen": 403, "other_citizen": 403, "acme_admin": 200,
                   "other_admin": 200, "inspector": 403}
PAGES = {
    "citizen-deployments": (lambda s: [], CITIZEN_ONLY),
    "citizen-consents": (lambda s: [], CITIZEN_ONLY),
    "citizen-requests": (lambda s: [], CITIZEN_ONLY),
    "citizen-link": (lambda s: [], CITIZEN_ONLY),
    "citizen-consent-give": (lambda s: [s["gate"].id], CITIZEN_ONLY),
    "citizen-request-detail": (lambda s: [s["request"].id], {
        **CITIZEN_ONLY, "other_citizen": 404}),
    "consent-receipt-page": (lambda s: [s["consent"].receipt_id], {
        "anonymous": 302, "citizen": 200, "other_citizen": 404, "acme_admin": 200,
        "other_admin": 404, "inspector": 200}),
    "enterprise-consents": (lambda s: [], ENTERPRISE_ONLY),
    "enterprise-renewals": (lambda s: [], ENTERPRISE_ONLY),
    "enterprise-requests": (lambda s: [], ENTERPRISE_ONLY),
    "enterprise-request-detail": (lambda s: [s["request"].id], {
        **ENTERPRISE_ONLY, "other_admin": 404}),
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_open_only_for_their_persona_and_tenancy(world, client, setup, page, persona):
    args, expected = PAGES[page]
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    response = client.get(reverse(page, args=args(setup)))
    assert response.status_code == expected[persona]


def test_the_enterprise_inbox_shows_only_its_own_requests_with_a_countdown(world, client,
                                                                           setup):
    client.force_login(world.acme_admin)
    page = client.get(reverse("enterprise-requests")).content.decode()
    assert f"#{setup['request'].id} Access to my data" in page
    assert "days left" in page
    client.force_login(world.other_admin)
    assert "Access to my data" not in client.get(reverse("enterprise-requests")).content.decode()


def test_the_enterprise_rejects_a_request_from_its_page(world, client, setup):
    client.force_login(world.acme_admin)
    url = reverse("enterprise-request-action", args=[setup["request"].id, "reject"])
    response = client.post(url, {"reason": "Not held", "court_route": "People's court"})
    assert response.status_code == 302
    assert RightsRequest.objects.get().state == "rejected"


def test_a_page_shows_a_refused_action_and_changes_nothing(world, client, setup):
    client.force_login(world.acme_admin)
    url = reverse("enterprise-request-action", args=[setup["request"].id, "reject"])
    response = client.post(url, {"reason": "", "court_route": ""}, follow=True)
    assert "A rejection needs its reasons and the route to court." in response.content.decode()
    assert RightsRequest.objects.get().state == "received"


def test_the_citizen_withdraws_with_one_click(world, client, setup):
    client.force_login(world.citizen)
    response = client.post(reverse("citizen-consent-withdraw",
                                   args=[setup["consent"].receipt_id]), follow=True)
    assert "Consent withdrawn." in response.content.decode()
    setup["consent"].refresh_from_db()
    assert setup["consent"].state == ConsentState.WITHDRAWN


def test_another_citizen_cannot_withdraw_through_the_page(world, client, setup):
    client.force_login(world.other_citizen)
    response = client.post(reverse("citizen-consent-withdraw",
                                   args=[setup["consent"].receipt_id]))
    assert response.status_code == 404
    setup["consent"].refresh_from_db()
    assert setup["consent"].state == ConsentState.ACTIVE
