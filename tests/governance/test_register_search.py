"""The public register: search and filters (one selector for page and API), suspended
deployments listed apart, people's words instead of codes."""

import pytest
from django.urls import reverse

from governance.models import DeploymentStatus
from governance.selectors.register import register_search
from tests.factories import OrganisationFactory, active_gate

S = DeploymentStatus


@pytest.fixture
def gates(world):
    north = OrganisationFactory(name="North Metro", kind="enterprise", region="North Province")
    return {
        "lobby": active_gate(world.acme, name="Lobby turnstiles", place_type="office_building",
                             location="Tower 3, Riverside Road"),
        "bank": active_gate(world.acme, name="Counter check", place_type="bank",
                            location="High Street branch", status=S.SUSPENDED),
        "metro": active_gate(north, name="Line 2 gates", place_type="transport_hub",
                             mode="identification_post", location="Central Station",
                             purposes=["passenger_flow"]),
    }


def names(params: dict) -> set[str]:
    found = register_search(params)
    assert found.is_valid(), found.errors
    return {d.name for d in found.qs}


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"Lobby turnstiles", "Counter check", "Line 2 gates"}),
    ({"q": "riverside"}, {"Lobby turnstiles"}),
    ({"q": "passenger"}, {"Line 2 gates"}),  # a purpose's name
    ({"location": "station"}, {"Line 2 gates"}),
    ({"place_type": "bank"}, {"Counter check"}),
    ({"mode": "identification_post"}, {"Line 2 gates"}),
    ({"region": "North Province"}, {"Line 2 gates"}),
    ({"status": "suspended"}, {"Counter check"}),
    ({"status": "active", "q": "gates"}, {"Line 2 gates"}),
])
def test_the_selector_filters(gates, params, expected):
    assert names(params) == expected


def test_the_selector_filters_by_operator(gates):
    assert names({"operator": gates["metro"].organisation.slug}) == {"Line 2 gates"}


def test_drafts_never_appear_whatever_the_filter(world, gates):
    active_gate(world.acme, name="Hidden draft", status=S.DRAFT, place_type="bank")
    assert "Hidden draft" not in names({"place_type": "bank"})
    assert not register_search({"status": "draft"}).is_valid()


def test_the_api_takes_the_same_filters(api, gates):
    rows = api.get("/api/v1/register/", {"place_type": "transport_hub"}).json()
    assert [r["name"] for r in rows] == ["Line 2 gates"]
    response = api.get("/api/v1/register/", {"place_type": "spaceport"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"


def test_the_page_lists_suspended_deployments_apart_in_words(client, gates):
    page = client.get(reverse("register")).content.decode()
    running, suspended = page.split('id="suspended"')
    assert "Lobby turnstiles" in running and "Counter check" not in running
    assert "Counter check" in suspended
    assert "Office building" in page and "Transport hub" in page
    assert "office_building" not in page.replace('value="office_building"', "")
    assert "transport_hub" not in page.replace('value="transport_hub"', "")


def test_the_page_searches_by_location(client, gates):
    page = client.get(reverse("register"), {"location": "High Street"}).content.decode()
    assert "Counter check" in page
    assert "Lobby turnstiles" not in page and "Line 2 gates" not in page


def test_the_detail_page_shows_labels_and_a_titled_chart(client, gates):
    page = client.get(reverse("register-detail", args=[gates["metro"].id])).content.decode()
    assert "Passenger flow" in page and "1:N identification, after the fact" in page
    assert "Decision threshold over time" in page
    assert 'class="axis-label"' in page and 'class="legend"' in page
