"""Who reaches an investigation and what they learn: the enterprise its own cases without
who complained (API and pages), a regional regulator only its region's (reads and every
write, nothing changed) — and the assignment of inspectors through the API and the case page."""

import pytest
from django.urls import reverse

from complaints.models import (
    Finding,
    InformationRequest,
    Investigation,
    InvestigationLogEntry,
    TriageDecision,
)
from complaints.services.triage import TriageInput, complaint_triage
from governance.models import Role
from tests.factories import MembershipFactory

DESCRIPTION = "Gatekeeper Zhang scanned me on the 3rd without asking, flat 12B."


@pytest.fixture
def case(world, file_complaint):
    complaint = file_complaint(description=DESCRIPTION)
    complaint = complaint_triage(complaint=complaint, actor=world.inspector, data=TriageInput(
        decision=TriageDecision.INVESTIGATE, reasons="Consent evidence missing."))
    return complaint.investigation


def identity_marks(world) -> list[str]:
    citizen = world.citizen
    return [m for m in (DESCRIPTION, "flat 12B", citizen.username, citizen.email,
                        citizen.get_full_name()) if m]


# --- the enterprise: its own cases, never who complained ---------------------------------------


def test_the_enterprise_api_carries_no_trace_of_the_complainant(world, case, api_as):
    client = api_as(world.acme_admin)
    detail = client.get(f"/api/v1/investigations/{case.id}/")
    listed = client.get("/api/v1/investigations/")
    assert detail.status_code == 200 and [i["id"] for i in listed.json()] == [case.id]
    for body in (detail.content.decode(), listed.content.decode()):
        for mark in identity_marks(world):
            assert mark not in body, mark
        assert "complaint_ids" not in body and "inspector_ids" not in body


def test_the_enterprise_pages_show_its_case_without_the_complainant(world, case, client):
    client.force_login(world.acme_admin)
    page = client.get(reverse("enterprise-investigations")).content.decode()
    assert case.title in page
    for mark in identity_marks(world):
        assert mark not in page, mark
    # the regulator's case page (timeline, evidence, complaint links) is not for the respondent
    response = client.get(reverse("investigation-case", args=[case.id]))
    assert response.status_code == 403


def test_another_enterprise_sees_nothing_of_the_case(world, case, client, api_as):
    assert api_as(world.other_admin).get(f"/api/v1/investigations/{case.id}/").status_code == 404
    client.force_login(world.other_admin)
    assert case.title not in client.get(reverse("enterprise-investigations")).content.decode()


# --- a regional regulator: only its region ------------------------------------------------------


def test_the_distant_regulator_neither_lists_nor_opens_the_case(world, case, client, api_as):
    api = api_as(world.distant_inspector)
    assert api.get("/api/v1/investigations/").json() == []
    assert api.get(f"/api/v1/investigations/{case.id}/").status_code == 404
    client.force_login(world.distant_inspector)
    assert case.title not in client.get(reverse("investigation-list")).content.decode()
    assert client.get(reverse("investigation-case", args=[case.id])).status_code == 404


@pytest.mark.parametrize(("path", "payload"), [
    ("rfis", {"questions": "Hand over the logs."}),
    ("findings", {"rule_reference": "PIPL Art. 29", "text": "Found."}),
    ("transition", {"to": "gathering_evidence", "reason": "Go."}),
    ("assign", {"inspector_id": 0}),
])
def test_the_distant_regulator_writes_nothing_through_the_api(world, case, api_as, path,
                                                               payload):
    if path == "assign":
        payload = {"inspector_id": world.distant_inspector.id}
    entries = InvestigationLogEntry.objects.filter(investigation_id=case.id).count()
    response = api_as(world.distant_inspector).post(
        f"/api/v1/investigations/{case.id}/{path}/", payload, format="json")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "opened"
    assert InvestigationLogEntry.objects.filter(investigation_id=case.id).count() == entries
    assert not InformationRequest.objects.exists() and not Finding.objects.exists()
    assert list(case.inspectors.all()) == [world.inspector]


@pytest.mark.parametrize("action", ["investigation-case-rfi", "investigation-case-finding",
                                    "investigation-case-transition",
                                    "investigation-case-assign"])
def test_the_distant_regulator_writes_nothing_through_the_pages(world, case, client, action):
    client.force_login(world.distant_inspector)
    entries = InvestigationLogEntry.objects.filter(investigation_id=case.id).count()
    response = client.post(reverse(action, args=[case.id]), {
        "questions": "Q", "rule_reference": "R", "text": "T", "to": "gathering_evidence",
        "reason": "Go.", "inspector": world.distant_inspector.id})
    assert response.status_code == 404
    assert InvestigationLogEntry.objects.filter(investigation_id=case.id).count() == entries
    assert not InformationRequest.objects.exists() and not Finding.objects.exists()


# --- assigning inspectors -----------------------------------------------------------------------


@pytest.fixture
def colleague(world):
    return MembershipFactory(organisation=world.regulator, role=Role.INSPECTOR).user


def test_the_api_assigns_an_inspector_of_the_same_regulator(world, case, colleague, api_as):
    response = api_as(world.inspector).post(
        f"/api/v1/investigations/{case.id}/assign/",
        {"inspector_id": colleague.id, "reason": "Second pair of eyes."}, format="json")
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["inspector_ids"]) == sorted([world.inspector.id, colleague.id])
    assert set(case.inspectors.all()) == {world.inspector, colleague}
    entry = InvestigationLogEntry.objects.filter(investigation_id=case.id).last()
    assert (entry.kind, entry.actor, entry.reason, entry.detail) == (
        "inspector_assigned", world.inspector, "Second pair of eyes.",
        {"inspector_id": colleague.id})


@pytest.mark.parametrize(("who", "inspector", "status", "code"), [
    ("inspector", "distant_inspector", 400, "not_an_inspector"),  # another regulator's staff
    ("inspector", "acme_admin", 400, "not_an_inspector"),  # the respondent's own admin
    ("inspector", None, 404, "inspector_not_found"),  # nobody
    ("acme_admin", "inspector", 403, "permission_denied"),  # the respondent cannot assign
    ("citizen", "inspector", 404, "investigation_not_found"),
])
def test_an_assignment_the_rules_refuse_changes_nothing(world, case, api_as, who, inspector,
                                                         status, code):
    target = getattr(world, inspector).id if inspector else 10**9
    entries = InvestigationLogEntry.objects.filter(investigation_id=case.id).count()
    response = api_as(getattr(world, who)).post(
        f"/api/v1/investigations/{case.id}/assign/", {"inspector_id": target}, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert list(case.inspectors.all()) == [world.inspector]
    assert InvestigationLogEntry.objects.filter(investigation_id=case.id).count() == entries


def test_the_case_page_offers_the_regulators_inspectors_and_assigns_one(world, case,
                                                                         colleague, client):
    client.force_login(world.inspector)
    page = client.get(reverse("investigation-case", args=[case.id])).content.decode()
    assign_form = page[page.index('id="assign-form"'):]
    assign_form = assign_form[:assign_form.index("</form>")]
    assert f'value="{colleague.id}"' in assign_form
    for outsider in (world.distant_inspector, world.acme_admin, world.inspector):
        assert f'value="{outsider.id}"' not in assign_form  # the assigned one is not offered
    response = client.post(reverse("investigation-case-assign", args=[case.id]),
                           {"inspector": colleague.id, "reason": "Workload."}, follow=True)
    assert "The inspector was assigned." in response.content.decode()
    assert set(Investigation.objects.get(id=case.id).inspectors.all()) == {
        world.inspector, colleague}
    # a forged post naming another regulator's inspector is refused on the page, nothing stored
    response = client.post(reverse("investigation-case-assign", args=[case.id]),
                           {"inspector": world.distant_inspector.id}, follow=True)
    assert "Only inspectors of this regulator can be assigned." in response.content.decode()
    assert world.distant_inspector not in case.inspectors.all()
