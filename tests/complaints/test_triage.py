"""Priority from platform facts, triage decisions with reasons, interim suspension."""

import pytest

from complaints.models import CaseLogEntry, CaseStatus, Complaint, Investigation, LogKind
from governance.models import DeploymentStatus, Mode, PlaceType
from tests.factories import active_gate


def test_priority_lists_each_platform_fact_that_applies(world, file_complaint):
    risky = active_gate(world.acme, name="Mall cameras", mode=Mode.IDENTIFICATION_REALTIME,
                        is_public_place=True, place_type=PlaceType.RETAIL_STORE)
    complaint = file_complaint(deployment_id=risky.id, category="leak_or_sale",
                               minors_involved=True)
    codes = [r["code"] for r in complaint.priority_reasons]
    assert {"minors", "public_identification", "alleged_leak"} <= set(codes)
    assert complaint.priority == "urgent" and complaint.priority_score >= 85


def test_an_unregistered_use_is_high_priority_by_itself(send_tip):
    tip, _ = send_tip(category="other")
    assert [r["code"] for r in tip.priority_reasons] == ["unregistered"]
    assert tip.priority == "high"


def test_three_complaints_about_one_deployment_within_30_days_raise_the_priority(
        world, file_complaint):
    file_complaint()
    second = file_complaint(citizen=world.other_citizen)
    third = file_complaint()
    assert "repeated" not in [r["code"] for r in second.priority_reasons]
    assert {"code": "repeated", "detail": "3"} in third.priority_reasons


def triage(api_as, user, complaint, **payload):
    return api_as(user).post(f"/api/v1/complaints/{complaint.id}/triage/", payload,
                             format="json")


def test_investigate_opens_an_investigation_and_names_it(world, file_complaint, api_as):
    complaint = file_complaint()
    response = triage(api_as, world.inspector, complaint, decision="investigate",
                      reasons="Consent evidence missing for this gate.")
    assert response.status_code == 200, response.json()
    investigation = Investigation.objects.get()
    assert response.json()["investigation_id"] == investigation.id
    assert response.json()["status"] == "investigating"
    assert investigation.regulator == world.regulator and investigation.status == "opened"
    entry = CaseLogEntry.objects.get(complaint_id=complaint.id, kind=LogKind.TRIAGED)
    assert entry.detail == {"decision": "investigate", "investigation_id": investigation.id}
    assert entry.actor == world.inspector


def test_add_to_investigation_joins_an_existing_one(world, file_complaint, api_as):
    first, second = file_complaint(), file_complaint(citizen=world.other_citizen)
    triage(api_as, world.inspector, first, decision="investigate", reasons="Open it.")
    investigation = Investigation.objects.get()
    response = triage(api_as, world.inspector, second, decision="add_to_investigation",
                      reasons="Same gate.", investigation_id=investigation.id)
    assert response.json()["investigation_id"] == investigation.id
    assert Investigation.objects.count() == 1


def test_another_regulators_investigation_cannot_be_joined(world, file_complaint, api_as):
    other = Investigation.objects.create(regulator=world.distant_regulator, title="Far",
                                         opened_by=world.distant_inspector)
    complaint = file_complaint()
    response = triage(api_as, world.inspector, complaint, decision="add_to_investigation",
                      reasons="x", investigation_id=other.id)
    assert response.status_code == 404 and response.json()["code"] == "investigation_not_found"
    assert Complaint.objects.get(id=complaint.id).status == CaseStatus.RECEIVED


def test_referral_moves_the_case_and_starts_the_next_regulators_24_hours(
        world, file_complaint, api_as):
    complaint = file_complaint()
    response = triage(api_as, world.inspector, complaint, decision="refer",
                      reasons="The operator's site is in Far Province.",
                      refer_to_id=world.distant_regulator.id)
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == "referred" and complaint.regulator == world.distant_regulator
    assert complaint.triage_due > complaint.received_at
    # now the far regulator triages it, and the first one no longer sees it
    assert triage(api_as, world.distant_inspector, complaint, decision="inadmissible",
                  reasons="Already decided by a court.").status_code == 200
    assert api_as(world.inspector).get(f"/api/v1/complaints/{complaint.id}/").status_code == 404


def test_inadmissible_gives_reasons_and_the_route_to_court_which_the_citizen_reads(
        world, file_complaint, api_as):
    complaint = file_complaint()
    triage(api_as, world.inspector, complaint, decision="inadmissible",
           reasons="The deployment has a working card reader (we checked on site).")
    body = api_as(world.citizen).get(f"/api/v1/complaints/{complaint.id}/").json()
    assert body["status"] == "inadmissible"
    assert body["triage_reasons"].startswith("The deployment has a working card reader")
    assert "PIPL Art. 50" in body["route_to_court"] and "GDPR Art. 77(2)" in body["route_to_court"]
    assert Complaint.objects.get(id=complaint.id).delete_after is not None


def test_a_decision_without_reasons_changes_nothing(world, file_complaint, api_as):
    complaint = file_complaint()
    response = triage(api_as, world.inspector, complaint, decision="investigate", reasons=" ")
    assert response.status_code == 400
    assert not Investigation.objects.exists()
    assert not CaseLogEntry.objects.filter(kind=LogKind.TRIAGED).exists()


def test_a_case_is_triaged_once(world, file_complaint, api_as):
    complaint = file_complaint()
    triage(api_as, world.inspector, complaint, decision="investigate", reasons="Yes.")
    response = triage(api_as, world.inspector, complaint, decision="inadmissible", reasons="No.")
    assert response.status_code == 409 and response.json()["code"] == "already_triaged"


def test_an_urgent_case_suspends_the_deployment_in_the_same_step(world, gate, file_complaint,
                                                                 api_as):
    complaint = file_complaint(category="leak_or_sale", minors_involved=True)
    assert complaint.priority == "urgent"
    response = triage(api_as, world.inspector, complaint, decision="investigate",
                      reasons="Faces of residents offered for sale online.", suspend=True)
    assert response.status_code == 200
    gate.refresh_from_db()
    assert gate.status == DeploymentStatus.SUSPENDED
    event = gate.events.get(action="suspend")
    assert f"complaint {complaint.id}" in event.reason and event.actor == world.inspector
    assert CaseLogEntry.objects.filter(complaint_id=complaint.id,
                                       kind=LogKind.INTERIM_SUSPENSION).exists()


def test_suspending_an_unregistered_use_refuses_the_whole_triage(world, send_tip, api_as):
    tip, _ = send_tip()
    response = triage(api_as, world.inspector, tip, decision="investigate", reasons="x",
                      suspend=True)
    assert response.status_code == 400 and response.json()["code"] == "no_deployment"
    tip.refresh_from_db()
    assert tip.status == "received" and not Investigation.objects.exists()


@pytest.mark.parametrize("decision", ["investigate", "inadmissible"])
def test_the_tipster_reads_the_decision_with_the_receipt(world, send_tip, api_as, api,
                                                         decision):
    tip, receipt = send_tip()
    triage(api_as, world.inspector, tip, decision=decision, reasons="Thank you; noted.")
    body = api.post("/api/v1/tips/status/", {"receipt": receipt}, format="json").json()
    assert body["triage_decision"] == decision and body["triage_reasons"] == "Thank you; noted."
