"""The consent API end to end: give → receipt → withdraw, and what the gate says after."""

import uuid

from governance.models import Consent, ConsentState
from governance.services.policy import policy_check


def test_a_citizen_gives_consent_and_gets_a_receipt_id(world, api_as, gate):
    client = api_as(world.citizen)
    response = client.post(f"/api/v1/deployments/{gate.id}/consents/",
                           {"purposes": ["access_control"], "notice_version": 1},
                           format="json", HTTP_USER_AGENT="Phone/1.0", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 201
    body = response.json()
    consent = Consent.objects.get(receipt_id=body["receipt_id"])
    assert (body["state"], body["purposes"], body["method"]) == (
        "active", ["access_control"], "in_app_explicit")
    assert consent.evidence["user_agent"] == "Phone/1.0"
    assert consent.evidence["ip"] == "198.51.100.4"


def test_the_receipt_has_the_fields_of_iso_iec_ts_27560(world, api_as, gate, citizen_consent):
    receipt = api_as(world.citizen).get(
        f"/api/v1/consents/{citizen_consent.receipt_id}/receipt/").json()
    assert set(receipt) >= {
        "schema_version", "record_id", "receipt_id", "pii_principal", "controllers",
        "privacy_notice", "language", "purposes", "pii_categories", "storage_location",
        "retention_period", "jurisdiction", "third_parties", "withdrawal", "events"}
    assert receipt["schema_version"].startswith("ISO/IEC TS 27560")
    assert receipt["record_id"] == str(citizen_consent.receipt_id)
    uuid.UUID(receipt["receipt_id"])
    assert receipt["pii_principal"]["subject_ref"] == citizen_consent.subject_ref
    assert receipt["controllers"][0]["name"] == "Acme"
    assert receipt["privacy_notice"]["version"] == 1
    assert [p["code"] for p in receipt["purposes"]] == ["access_control"]
    biometric = receipt["pii_categories"][0]
    assert (biometric["sensitive"], biometric["special_category"]) == (True, True)
    assert receipt["storage_location"]["location"] == "on_device"
    assert receipt["third_parties"] == []
    assert receipt["withdrawal"]["api"] == (
        f"/api/v1/consents/{citizen_consent.receipt_id}/withdraw/")
    assert [e["state"] for e in receipt["events"]] == ["given"]


def test_withdrawing_through_the_api_makes_the_gate_refuse_at_once(world, api_as, gate,
                                                                 citizen_consent):
    subject = citizen_consent.subject_ref
    assert policy_check(deployment=gate, subject_ref=subject, purpose="access_control",
                        operation="verify").allowed
    client = api_as(world.citizen)
    before = client.get(f"/api/v1/consents/{citizen_consent.receipt_id}/receipt/").json()
    response = client.post(f"/api/v1/consents/{citizen_consent.receipt_id}/withdraw/", {},
                           format="json")
    assert response.status_code == 200
    assert response.json()["state"] == ConsentState.WITHDRAWN
    decision = policy_check(deployment=gate, subject_ref=subject, purpose="access_control",
                            operation="verify")
    assert decision.code == "consent_withdrawn"
    after = client.get(f"/api/v1/consents/{citizen_consent.receipt_id}/receipt/").json()
    assert [e["state"] for e in after["events"]] == ["given", "withdrawn"]
    assert after["receipt_id"] != before["receipt_id"]  # a new receipt for the new state
    again = client.post(f"/api/v1/consents/{citizen_consent.receipt_id}/withdraw/", {},
                        format="json")
    assert (again.status_code, again.json()["code"]) == (409, "consent_not_active")


def test_an_enterprise_searches_its_consent_records_by_subject(world, api_as, gate, give):
    give(gate, subject_ref="s-1")
    give(gate, subject_ref="s-2")
    rows = api_as(world.acme_admin).get(f"/api/v1/deployments/{gate.id}/consents/",
                                        {"subject_ref": "s-2"}).json()
    assert [r["subject_ref"] for r in rows] == ["s-2"]


def test_a_material_notice_reports_who_must_renew(world, api_as, gate, give):
    give(gate, subject_ref="s-1")
    response = api_as(world.acme_admin).post(f"/api/v1/deployments/{gate.id}/notices/",
                                             {"text": "We now also record attendance."},
                                             format="json")
    assert response.status_code == 201
    assert (response.json()["version"], response.json()["consents_needing_renewal"]) == (2, 1)
    rows = api_as(world.acme_admin).get(f"/api/v1/deployments/{gate.id}/consents/",
                                        {"needs_renewal": "true"}).json()
    assert [r["subject_ref"] for r in rows] == ["s-1"]


def test_the_citizen_downloads_their_export_through_the_api(
        world, api_as, gate, citizen_consent, eager, django_capture_on_commit_callbacks):
    citizen = api_as(world.citizen)
    filed = citizen.post("/api/v1/requests/", {"deployment_id": gate.id, "type": "portability"},
                         format="json").json()
    assert filed["state"] == "received"
    with django_capture_on_commit_callbacks(execute=True):
        answered = api_as(world.acme_admin).post(f"/api/v1/requests/{filed['id']}/fulfil/",
                                                 {}, format="json")
    assert answered.status_code == 200
    detail = citizen.get(f"/api/v1/requests/{filed['id']}/").json()
    assert detail["state"] == "fulfilled"
    assert detail["export"]["available"] is True
    export = citizen.get(detail["export"]["url"]).json()
    assert export["consents"][0]["receipt_id"] == str(citizen_consent.receipt_id)
    assert api_as(world.acme_admin).get(detail["export"]["url"]).status_code == 404
