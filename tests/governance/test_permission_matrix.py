"""Every endpoint and page of the foundation, tried by every persona.

The expected status is the contract: 401 for anonymous API callers, 404 (not 403) for an
object that exists but is not the caller's to see, so that ids leak nothing.
"""

from html import escape

import pytest
from django.urls import reverse

PERSONAS = ["anonymous", "citizen", "acme_admin", "other_admin", "inspector", "auditor"]



ME_EXPECTED = {"anonymous": 401, "citizen": 200, "acme_admin": 200, "other_admin": 200,
               "inspector": 200, "auditor": 200}
ACME_DETAIL_EXPECTED = {"anonymous": 401, "citizen": 404, "acme_admin": 200,
                        "other_admin": 404, "inspector": 200, "auditor": 200}
ORG_LIST_VISIBLE = {
    "anonymous": None,
    "citizen": set(),
    "acme_admin": {"Acme"},
    "other_admin": {"Globex"},
    "inspector": {"Acme", "Globex", "Regulator"},
    "auditor": {"Acme", "Association"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_me_endpoint_answers_each_persona(world, api_as, persona):
    response = api_as(world.user(persona)).get("/api/v1/me/")
    assert response.status_code == ME_EXPECTED[persona]
    if response.status_code == 401:
        assert response.json()["code"] == "not_authenticated"
        return
    assert response.json()["username"] == world.user(persona).username  # their own account


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_detail_is_visible_only_within_tenancy_and_mandate(world, api_as, persona):
    response = api_as(world.user(persona)).get(f"/api/v1/organisations/{world.acme.id}/")
    assert response.status_code == ACME_DETAIL_EXPECTED[persona]
    if response.status_code == 404:
        assert response.json() == {"code": "not_found", "detail": "No such organisation."}


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_list_shows_exactly_what_each_persona_may_see(world, api_as, persona):
    response = api_as(world.user(persona)).get("/api/v1/organisations/")
    expected = ORG_LIST_VISIBLE[persona]
    if expected is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    assert {row["name"] for row in response.json()} == expected


def test_members_are_listed_only_to_those_who_manage_the_organisation(world, api_as):
    as_admin = api_as(world.acme_admin).get(f"/api/v1/organisations/{world.acme.id}/").json()
    as_inspector = api_as(world.inspector).get(f"/api/v1/organisations/{world.acme.id}/").json()
    assert {m["username"] for m in as_admin["members"]} == {
        world.acme_admin.username, world.acme_operator.username
    }
    assert "members" not in as_inspector


def test_a_regulator_outside_the_region_does_not_see_the_enterprise(world, api_as):
    response = api_as(world.distant_inspector).get(f"/api/v1/organisations/{world.acme.id}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such organisation."}


PAGE_EXPECTED = {
    # page: {persona: status}; anonymous is redirected to the login page (302).
    "enterprise-home": {"anonymous": 302, "citizen": 403, "acme_admin": 200,
                        "other_admin": 200, "inspector": 403, "auditor": 403},
    "regulator-home": {"anonymous": 302, "citizen": 403, "acme_admin": 403,
                       "other_admin": 403, "inspector": 200, "auditor": 403},
    "industry-home": {"anonymous": 302, "citizen": 403, "acme_admin": 403,
                      "other_admin": 403, "inspector": 403, "auditor": 200},
    "citizen-home": {"anonymous": 302, "citizen": 200, "acme_admin": 403,
                     "other_admin": 403, "inspector": 403, "auditor": 403},
}


def landing_marks(world) -> dict[str, str]:
    """Text that only shows when a landing page shows that party's data."""
    return {
        "acme": "<td>Acme</td>", "globex": "<td>Globex</td>",
        "regulator": "<td>Regulator</td>", "association": "<td>Association</td>",
        "acme_regulated": "<li>Acme (Demo Province)</li>",
        "globex_regulated": "<li>Globex (Demo Province)</li>",
        "acme_member": "<li>Acme</li>", "globex_member": "<li>Globex</li>",
        "citizen": escape(f"Hello {world.citizen.citizen_profile.display_name}"),
        "other_citizen": escape(f"Hello {world.other_citizen.citizen_profile.display_name}"),
    }


# Whose data each persona's own landing page shows; every other mark must be absent.
LANDING_SHOWS = {
    ("enterprise-home", "acme_admin"): {"acme"},
    ("enterprise-home", "other_admin"): {"globex"},
    ("regulator-home", "inspector"): {"regulator", "acme_regulated", "globex_regulated"},
    ("industry-home", "auditor"): {"association", "acme_member"},
    ("citizen-home", "citizen"): {"citizen"},
}


@pytest.mark.parametrize("page", sorted(PAGE_EXPECTED))
@pytest.mark.parametrize("persona", PERSONAS)
def test_landing_pages_open_only_for_their_persona(world, client, page, persona):
    """Status per the matrix; an opened page shows its viewer's organisation (or name) and
    nobody else's, a refused one shows nobody's."""
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(page))
    assert response.status_code == PAGE_EXPECTED[page][persona]
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))
    body = response.content.decode()
    shows = {name for name, mark in landing_marks(world).items() if mark in body}
    assert shows == LANDING_SHOWS.get((page, persona), set())


@pytest.mark.parametrize(
    ("persona", "landing"),
    [("citizen", "citizen-home"), ("acme_admin", "enterprise-home"),
     ("inspector", "regulator-home"), ("auditor", "industry-home")],
)
def test_home_sends_each_persona_to_its_landing_page(world, client, persona, landing):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse(landing), 302)]
    marks = landing_marks(world)
    assert {name for name, mark in marks.items() if mark in response.content.decode()} == (
        LANDING_SHOWS[(landing, persona)])


def test_the_public_home_page_needs_no_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Face recognition, governed." in response.content
