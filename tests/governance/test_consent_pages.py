"""The citizen portal and enterprise pages for consent and rights, per persona."""

import pytest
from django.urls import reverse

from governance.models import Consent, ConsentState, RightsRequest
from governance.services.consent import consent_give
from governance.services.rights import rights_request_file
from tests.factories import CLICK

PERSONAS = ["anonymous", "citizen", "other_citizen", "acme_admin", "other_admin", "inspector"]


@pytest.fixture
def setup(world, gate, citizen_consent):
    request = rights_request_file(citizen=world.citizen, deployment=gate, type="access")
    return {"gate": gate, "consent": citizen_consent, "request": request}


@pytest.fixture
def tenants(world, setup, other_gate):
    """Records of two people with two operators, each with a mark that only their own rows
    print: the matrix checks whose rows a page shows, not just that it opens."""
    theirs = consent_give(deployment=other_gate, actor=world.other_citizen,
                          purposes=["access_control"], method="in_app_explicit",
                          evidence=dict(CLICK))
    Consent.objects.update(needs_renewal=True)  # both appear on their operator's renewals
    setup["request"].details = "Everything Acme holds on me"
    setup["request"].save(update_fields=["details"])
    their_request = rights_request_file(citizen=world.other_citizen, deployment=other_gate,
                                        type="deletion", details="Delete what Globex holds")
    return {"acme": (setup["consent"], setup["request"]), "globex": (theirs, their_request)}


# What marks a side's rows on each page: (consent, request) -> text only those rows print.
SUBJECT = lambda consent, request: f"<code>{consent.subject_ref}</code>"  # noqa: E731
RECEIPT = lambda consent, request: str(consent.receipt_id)  # noqa: E731
DETAILS = lambda consent, request: request.details  # noqa: E731
CITIZEN_LINK = lambda consent, request: reverse(  # noqa: E731
    "citizen-request-detail", args=[request.id]) + '"'
ENTERPRISE_LINK = lambda consent, request: reverse(  # noqa: E731
    "enterprise-request-detail", args=[request.id]) + '"'

# Per persona: the status, and whose rows a 200 shows ("acme": the citizen's records with Acme,
# "globex": the other citizen's with Globex, None: nobody's).
CITIZEN_ONLY = {"anonymous": 302, "citizen": (200, "acme"), "other_citizen": (200, "globex"),
                "acme_admin": 403, "other_admin": 403, "inspector": 403}
CITIZEN_FORM = {**CITIZEN_ONLY, "citizen": (200, None), "other_citizen": (200, None)}
ENTERPRISE_ONLY = {"anonymous": 302, "citizen": 403, "other_citizen": 403,
                   "acme_admin": (200, "acme"), "other_admin": (200, "globex"),
                   "inspector": 403}
PAGES = {
    # page: (url args, mark, expectations)
    "citizen-deployments": (lambda s: [], SUBJECT, CITIZEN_ONLY),
    "citizen-consents": (lambda s: [], RECEIPT, CITIZEN_ONLY),
    "citizen-requests": (lambda s: [], CITIZEN_LINK, CITIZEN_ONLY),
    "citizen-link": (lambda s: [], SUBJECT, CITIZEN_FORM),
    "citizen-consent-give": (lambda s: [s["gate"].id], SUBJECT, CITIZEN_FORM),
    "citizen-request-detail": (lambda s: [s["request"].id], DETAILS, {
        **CITIZEN_ONLY, "other_citizen": 404}),
    "consent-receipt-page": (lambda s: [s["consent"].receipt_id], SUBJECT, {
        "anonymous": 302, "citizen": (200, "acme"), "other_citizen": 404,
        "acme_admin": (200, "acme"), "other_admin": 404, "inspector": (200, "acme")}),
    "enterprise-consents": (lambda s: [], SUBJECT, ENTERPRISE_ONLY),
    "enterprise-renewals": (lambda s: [], SUBJECT, ENTERPRISE_ONLY),
    "enterprise-requests": (lambda s: [], ENTERPRISE_LINK, ENTERPRISE_ONLY),
    "enterprise-request-detail": (lambda s: [s["request"].id], DETAILS, {
        **ENTERPRISE_ONLY, "other_admin": 404}),
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_open_only_for_their_persona_and_tenancy(world, client, setup, tenants, page,
                                                       persona):
    """Status per the matrix, and the rows shown are the viewer's own side's only."""
    args, mark, expected = PAGES[page]
    status, shows = expected[persona] if isinstance(expected[persona], tuple) else (
        expected[persona], None)
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    response = client.get(reverse(page, args=args(setup)))
    assert response.status_code == status
    body = response.content.decode()
    for side, (consent, request) in tenants.items():
        assert (mark(consent, request) in body) == (side == shows), (side, mark(consent, request))


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


def test_the_citizen_withdraws_after_reading_what_follows(world, client, setup):
    client.force_login(world.citizen)
    url = reverse("citizen-consent-withdraw", args=[setup["consent"].receipt_id])
    page = client.post(url).content.decode()
    assert "destroys your face template at once" in page
    setup["consent"].refresh_from_db()
    assert setup["consent"].state == ConsentState.ACTIVE  # nothing until confirmed
    response = client.post(url, {"confirmed": "yes"}, follow=True)
    assert "Consent withdrawn." in response.content.decode()
    setup["consent"].refresh_from_db()
    assert setup["consent"].state == ConsentState.WITHDRAWN


def test_another_citizen_cannot_withdraw_through_the_page(world, client, setup):
    client.force_login(world.other_citizen)
    response = client.post(reverse("citizen-consent-withdraw",
                                   args=[setup["consent"].receipt_id]), {"confirmed": "yes"})
    assert response.status_code == 404
    setup["consent"].refresh_from_db()
    assert setup["consent"].state == ConsentState.ACTIVE
