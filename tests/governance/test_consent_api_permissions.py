"""Every consent, refusal, records and rights-request endpoint, tried by every persona.

As elsewhere: 401 for anonymous callers, 404 (not 403) for what exists but is not the
caller's to see, 403 for what they may see but not do. `citizen` owns the records here.
"""

import pytest

from governance.models import Consent, RightsExport, RightsRequest
from governance.services.exports import rights_export_build
from governance.services.rights import rights_request_file
from tests.factories import CLICK

PERSONAS = ["anonymous", "citizen", "other_citizen", "acme_admin", "acme_operator",
            "other_admin", "inspector", "distant_inspector", "auditor"]



def expect(**codes):
    """Expected status per persona: anything not named is 404."""
    return {persona: codes.get(persona, 404) for persona in PERSONAS}


@pytest.fixture
def records(world, gate, citizen_consent):
    request = rights_request_file(citizen=world.citizen, deployment=gate, type="access")
    return {"gate": gate, "consent": citizen_consent, "request": request}


def consent_body(persona):
    body = {"purposes": ["access_control"], "method": "in_app_explicit", "evidence": CLICK}
    return body if "citizen" in persona else {**body, "subject_ref": "s-new"}


ENDPOINTS = {
    # name: (method, url(records), body(persona), expected statuses)
    "give_consent": (
        "post", lambda r: f"/api/v1/deployments/{r['gate'].id}/consents/", consent_body,
        # citizen already consented to these purposes (the records fixture): a renewal, 200.
        expect(anonymous=401, citizen=200, other_citizen=201, acme_admin=201,
               acme_operator=201, inspector=403)),
    "list_consents": (
        "get", lambda r: f"/api/v1/deployments/{r['gate'].id}/consents/", None,
        expect(anonymous=401, citizen=403, other_citizen=403, acme_admin=200,
               acme_operator=200, inspector=200)),
    "receipt": (
        "get", lambda r: f"/api/v1/consents/{r['consent'].receipt_id}/receipt/", None,
        expect(anonymous=401, citizen=200, acme_admin=200, acme_operator=200, inspector=200)),
    "withdraw": (
        "post", lambda r: f"/api/v1/consents/{r['consent'].receipt_id}/withdraw/",
        lambda p: {},
        expect(anonymous=401, citizen=200, acme_admin=200, acme_operator=200, inspector=403)),
    "refuse": (
        "post", lambda r: f"/api/v1/deployments/{r['gate'].id}/refusals/",
        lambda p: {} if "citizen" in p else {"subject_ref": "s-9"},
        expect(anonymous=401, citizen=201, other_citizen=201, acme_admin=201,
               acme_operator=201, inspector=403)),
    "publish_notice": (
        "post", lambda r: f"/api/v1/deployments/{r['gate'].id}/notices/",
        lambda p: {"text": "Version two."},
        expect(anonymous=401, citizen=403, other_citizen=403, acme_admin=201,
               acme_operator=403, inspector=403)),
    "my_records": (
        "get", lambda r: "/api/v1/me/records/", None,
        expect(anonymous=401, citizen=200, other_citizen=200, acme_admin=403,
               acme_operator=403, other_admin=403, inspector=403, distant_inspector=403,
               auditor=403)),
    "file_request": (
        "post", lambda r: "/api/v1/requests/",
        lambda p: {"deployment_id": 0, "type": "access"},  # deployment id filled in below
        expect(anonymous=401, citizen=201, other_citizen=201, acme_admin=403,
               acme_operator=403, inspector=403)),
    "request_detail": (
        "get", lambda r: f"/api/v1/requests/{r['request'].id}/", None,
        expect(anonymous=401, citizen=200, acme_admin=200, acme_operator=200, inspector=200)),
    "request_start": (
        "post", lambda r: f"/api/v1/requests/{r['request'].id}/start/", lambda p: {},
        expect(anonymous=401, citizen=403, acme_admin=200, acme_operator=403, inspector=403)),
    "request_extend": (
        "post", lambda r: f"/api/v1/requests/{r['request'].id}/extend/",
        lambda p: {"reason": "Archive off-site"},
        expect(anonymous=401, citizen=403, acme_admin=200, acme_operator=403, inspector=403)),
    "request_reject": (
        "post", lambda r: f"/api/v1/requests/{r['request'].id}/reject/",
        lambda p: {"reason": "No data", "court_route": "People's court"},
        expect(anonymous=401, citizen=403, acme_admin=200, acme_operator=403, inspector=403)),
    "request_export": (
        "get", lambda r: f"/api/v1/requests/{r['request'].id}/export/", None,
        expect(anonymous=401, citizen=200)),
    "contact_proof": (
        "post", lambda r: "/api/v1/me/contact-proofs/", lambda p: {"contact": "a@example.org"},
        expect(anonymous=401, citizen=201, other_citizen=201, acme_admin=403,
               acme_operator=403, other_admin=403, inspector=403, distant_inspector=403,
               auditor=403)),
}
# Organisations outside Acme's tenancy or mandate, and the auditor (industry bodies do not
# see personal consent records), get 404 everywhere above unless the endpoint is not about
# Acme's objects at all (my_records, contact_proof).


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_endpoint_answers_each_persona_as_the_matrix_says(world, api_as, records,
                                                               endpoint, persona):
    method, url, body, expected = ENDPOINTS[endpoint]
    if endpoint == "request_export":
        rights_export_build(request_id=records["request"].id)
    payload = body(persona) if body else None
    if endpoint == "file_request":
        payload["deployment_id"] = records["gate"].id
    client = api_as(world.user(persona))
    response = getattr(client, method)(url(records), payload, format="json")
    assert response.status_code == expected[persona], response.json()
    if response.status_code == 404:
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("persona", ["other_citizen", "other_admin", "distant_inspector",
                                     "auditor"])
def test_nobody_outside_sees_the_citizens_consents_or_requests_in_lists(world, api_as,
                                                                        records, persona):
    client = api_as(world.user(persona))
    assert client.get("/api/v1/requests/").json() == []
    body = client.get("/api/v1/me/records/").json()
    if persona == "other_citizen":
        assert (body["consents"], body["deployments"], body["rights_requests"]) == ([], [], [])


def test_each_enterprise_lists_only_its_own_requests(world, api_as, records, other_gate):
    theirs = rights_request_file(citizen=world.other_citizen, deployment=other_gate,
                                 type="access")
    acme_ids = [r["id"] for r in api_as(world.acme_admin).get("/api/v1/requests/").json()]
    globex_ids = [r["id"] for r in api_as(world.other_admin).get("/api/v1/requests/").json()]
    inspector_ids = {r["id"] for r in api_as(world.inspector).get("/api/v1/requests/").json()}
    assert (acme_ids, globex_ids) == ([records["request"].id], [theirs.id])
    assert inspector_ids == {records["request"].id, theirs.id}
    mine = api_as(world.citizen).get("/api/v1/requests/").json()
    assert [r["id"] for r in mine] == [records["request"].id]


def test_a_refused_api_call_stores_nothing(world, api_as, gate):
    before = (Consent.objects.count(), RightsRequest.objects.count(),
              RightsExport.objects.count())
    response = api_as(world.acme_admin).post(
        f"/api/v1/deployments/{gate.id}/consents/",
        {"subject_ref": "s-1", "purposes": ["customer_analytics"]}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "purpose_not_allowed"
    assert (Consent.objects.count(), RightsRequest.objects.count(),
            RightsExport.objects.count()) == before
