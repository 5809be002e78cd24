"""Decisions are published on the deployment's public register entry (page and API) as its
enforcement history: a decided case appears, an undecided one does not, and no complainant
or named person fined is shown."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import InformationRequest, Investigation


def post(client, path, **payload):
    return client.post(path, payload, format="json")


def open_case(world, file_complaint, api_as, description):
    complaint = file_complaint(description=description)
    response = post(api_as(world.inspector), f"/api/v1/complaints/{complaint.id}/triage/",
                    decision="investigate", reasons="Look into it.")
    assert response.status_code == 200, response.json()
    return Investigation.objects.get(id=response.json()["investigation_id"])


def move(api_as, user, investigation, to, **extra):
    response = post(api_as(user), f"/api/v1/investigations/{investigation.id}/transition/",
                    to=to, **extra)
    assert response.status_code == 200, response.json()


@pytest.fixture
def decided(world, file_complaint, api_as):
    case = open_case(world, file_complaint, api_as, "Scanned at the gate, never asked.")
    move(api_as, world.inspector, case, "gathering_evidence", reason="Go.")
    move(api_as, world.inspector, case, "preliminary_findings", reason="Findings ready.")
    hearing = InformationRequest.objects.get(investigation=case, kind="hearing")
    post(api_as(world.acme_admin), f"/api/v1/rfis/{hearing.id}/answer/", answer="Noted.")
    move(api_as, world.inspector, case, "decided", reason="No separate consent was collected.",
         legal_basis="PIPL Art. 29, 66")
    inspector = api_as(world.inspector)
    due = (timezone.now() + dt.timedelta(days=30)).isoformat()
    post(inspector, f"/api/v1/investigations/{case.id}/orders/", kind="rectification",
         text="Collect separate consent.", due_date=due)
    post(inspector, f"/api/v1/investigations/{case.id}/penalties/", amount_cny="50000",
         basis="ordinary")
    post(inspector, f"/api/v1/investigations/{case.id}/penalties/", amount_cny="20000",
         basis="ordinary", responsible_person="Manager Li")
    return case


def test_a_decided_case_is_on_the_register_api_and_an_undecided_one_is_not(
        world, gate, decided, file_complaint, api_as, api):
    undecided = open_case(world, file_complaint, api_as, "Another scan.")
    assert undecided.deployment_id == decided.deployment_id == gate.id
    entry = api.get(f"/api/v1/register/{gate.id}/").json()
    assert len(entry["enforcement"]) == 1
    case = entry["enforcement"][0]
    assert (case["reasons"], case["legal_basis"], case["regulator"]) == (
        "No separate consent was collected.", "PIPL Art. 29, 66", "Regulator")
    assert "people's court" in case["appeal_route"]
    assert [(o["kind"], o["status"]) for o in case["orders"]] == [("rectification", "issued")]
    assert [p["amount_cny"] for p in case["penalties"]] == ["50000.00"]
    text = str(entry)
    assert "Manager Li" not in text and "Scanned at the gate" not in text
    assert world.citizen.username not in text


def test_the_register_page_shows_the_decision_in_words(world, gate, decided, client):
    page = client.get(reverse("register-detail", args=[gate.id])).content.decode()
    assert "Enforcement history" in page
    assert "No separate consent was collected." in page and "PIPL Art. 29, 66" in page
    assert "Rectification order" in page and "rectification" not in page.split(
        'id="enforcement"')[1].split("</section>")[0].replace("Rectification", "")
    assert "Manager Li" not in page and "Scanned at the gate" not in page


def test_an_undecided_case_leaves_the_register_without_enforcement(
        world, gate, file_complaint, api_as, api, client):
    open_case(world, file_complaint, api_as, "Scanned.")
    assert api.get(f"/api/v1/register/{gate.id}/").json()["enforcement"] == []
    page = client.get(reverse("register-detail", args=[gate.id])).content.decode()
    assert "No enforcement decisions about this deployment." in page
    assert "Look into it." not in page
