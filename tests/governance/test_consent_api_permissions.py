"""Every consent, refusal, records and rights-request endpoint, tried by every persona.

As elsewhere: 401 for anonymous callers, 404 (not 403) for what exists but is not the
caller's to see, 403 for what they may see but not do. `citizen` owns the records here.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from governance.models import (
    Consent,
    ConsentLedgerEntry,
    ContactProof,
    DeploymentNotice,
    Refusal,
    RightsExport,
    RightsRequest,
    RightsRequestEvent,
    SubjectLink,
    SubjectPurge,
)
from governance.services.exports import rights_export_build
from governance.services.rights import rights_request_file
from tests.effects import changes, snapshot
from tests.factories import CLICK

PERSONAS = ["anonymous", "citizen", "other_citizen", "acme_admin", "acme_operator",
            "other_admin", "inspector", "distant_inspector", "auditor"]
TABLES = [Consent, ConsentLedgerEntry, Refusal, DeploymentNotice, RightsRequest,
          RightsRequestEvent, RightsExport, ContactProof, SubjectLink, SubjectPurge]


def expect(**codes):
    """Expected status per persona: anything not named is 404."""
    return {persona: codes.get(persona, 404) for persona in PERSONAS}


@pytest.fixture
def records(world, gate, other_gate, citizen_consent, give):
    request = rights_request_file(citizen=world.citizen, deployment=gate, type="access")
    # Another tenant's consent: no Acme answer may show it.
    theirs = give(other_gate, subject_ref="globex-subject")
    return {"gate": gate, "consent": citizen_consent, "request": request,
            "other_consent": theirs}


def state_of(records) -> dict[str, Any]:
    return snapshot(
        TABLES,
        consent=(records["consent"], ("state", "withdrawn_at", "needs_renewal")),
        request=(records["request"], ("state", "due_at", "extended_at", "extension_reason",
                                      "rejection_reason", "court_route", "closed_at")),
    )


def consent_body(persona):
    body = {"purposes": ["access_control"], "method": "in_app_explicit", "evidence": CLICK}
    return body if "citizen" in persona else {**body, "subject_ref": "s-new"}


@dataclass
class Cell:
    """One allowed cell of the matrix: who asked, what came back, the state around it."""

    records: dict[str, Any]
    persona: str
    user: Any
    body: Any
    before: dict[str, Any]
    after: dict[str, Any]

    def grew(self, table) -> int:
        return self.after[table.__name__] - self.before[table.__name__]

    def latest_ledger_entry(self) -> ConsentLedgerEntry:
        return ConsentLedgerEntry.objects.filter(
            deployment=self.records["gate"]).order_by("-sequence").first()

    @property
    def request(self) -> RightsRequest:
        return RightsRequest.objects.get(id=self.records["request"].id)


def gave_consent(cell: Cell) -> None:
    consent = Consent.objects.get(receipt_id=cell.body["receipt_id"])
    assert consent.deployment == cell.records["gate"]
    assert consent.state == "active"
    assert sorted(consent.purposes.values_list("code", flat=True)) == ["access_control"]
    if "citizen" in cell.persona:
        assert consent.citizen == cell.user
    else:
        assert (consent.subject_ref, consent.recorded_by) == ("s-new", cell.user)
    assert cell.grew(ConsentLedgerEntry) == 1
    assert cell.latest_ledger_entry().consent == consent


def listed_acmes_consents_only(cell: Cell) -> None:
    receipts = {row["receipt_id"] for row in cell.body}
    assert str(cell.records["consent"].receipt_id) in receipts
    assert str(cell.records["other_consent"].receipt_id) not in receipts


def showed_the_receipt(cell: Cell) -> None:
    assert cell.body["record_id"] == str(cell.records["consent"].receipt_id)


def withdrew(cell: Cell) -> None:
    assert cell.after["consent"]["state"] == "withdrawn"
    assert cell.grew(ConsentLedgerEntry) == 1
    entry = cell.latest_ledger_entry()
    assert (entry.kind, entry.consent) == ("withdrawn", cell.records["consent"])


def recorded_refusal(cell: Cell) -> None:
    assert cell.grew(Refusal) == 1
    refusal = Refusal.objects.latest("id")
    assert refusal.deployment == cell.records["gate"]
    if "citizen" in cell.persona:
        assert refusal.citizen == cell.user
    else:
        assert refusal.subject_ref == "s-9"
    assert cell.latest_ledger_entry().kind == "refused"


def published_notice(cell: Cell) -> None:
    assert cell.grew(DeploymentNotice) == 1
    notice = cell.records["gate"].notices.order_by("-version").first()
    assert (notice.version, notice.text) == (2, "Version two.")


def showed_own_records(cell: Cell) -> None:
    receipts = [row["receipt_id"] for row in cell.body["consents"]]
    if cell.persona == "citizen":
        assert receipts == [str(cell.records["consent"].receipt_id)]
        assert [r["id"] for r in cell.body["rights_requests"]] == [cell.records["request"].id]
    else:  # another citizen sees nothing of the citizen's
        assert (receipts, cell.body["rights_requests"]) == ([], [])


def filed_request(cell: Cell) -> None:
    assert cell.grew(RightsRequest) == 1
    filed = RightsRequest.objects.get(id=cell.body["id"])
    assert (filed.citizen, filed.deployment, filed.type) == (
        cell.user, cell.records["gate"], "access")


def showed_the_request(cell: Cell) -> None:
    assert (cell.body["id"], cell.body["deployment"]) == (cell.records["request"].id, "Gate")


def started(cell: Cell) -> None:
    assert cell.after["request"]["state"] == "in_progress"
    assert cell.request.events.latest("id").state == "in_progress"


def extended(cell: Cell) -> None:
    assert cell.after["request"]["state"] == "extended"
    assert cell.after["request"]["extension_reason"] == "Archive off-site"
    assert cell.after["request"]["due_at"] > cell.before["request"]["due_at"]


def rejected(cell: Cell) -> None:
    assert cell.after["request"]["state"] == "rejected"
    assert (cell.after["request"]["rejection_reason"], cell.after["request"]["court_route"]) == (
        "No data", "People's court")


def exported_own_records(cell: Cell) -> None:
    assert cell.body["request"]["id"] == cell.records["request"].id
    assert [c["receipt_id"] for c in cell.body["consents"]] == [
        str(cell.records["consent"].receipt_id)]


def started_contact_proof(cell: Cell) -> None:
    assert cell.grew(ContactProof) == 1
    assert ContactProof.objects.latest("id").citizen == cell.user


# Writes may change only these parts of the state (beyond them: nothing).
CONSENT_ROWS = {"Consent", "ConsentLedgerEntry", "SubjectLink"}
ENDPOINTS = {
    # name: (method, url(records), body(persona), expected statuses, effect, may change)
    "give_consent": (
        "post", lambda r: f"/api/v1/deployments/{r['gate'].id}/consents/", consent_body,
        # citizen already consented to these purposes (the records fixture): a renewal, 200,
        # which changes that consent (same receipt) and appends a `renewed` ledger entry.
        expect(anonymous=401, citizen=200, other_citizen=201, acme_admin=201,
               acme_operator=201, inspector=403), gave_consent, CONSENT_ROWS | {"consent"}),
    "list_consents": (
        "get", lambda r: f"/api/v1/deployments/{r['gate'].id}/consents/", None,
        expect(anonymous=401, citizen=403, other_citizen=403, acme_admin=200,
               acme_operator=200, inspector=200), listed_acmes_consents_only, set()),
    "receipt": (
        "get", lambda r: f"/api/v1/consents/{r['consent'].receipt_id}/receipt/", None,
        expect(anonymous=401, citizen=200, acme_admin=200, acme_operator=200, inspector=200),
        showed_the_receipt, set()),
    "withdraw": (
        "post", lambda r: f"/api/v1/consents/{r['consent'].receipt_id}/withdraw/",
        lambda p: {},
        expect(anonymous=401, citizen=200, acme_admin=200, acme_operator=200, inspector=403),
        withdrew, {"consent", "ConsentLedgerEntry", "SubjectPurge"}),
    "refuse": (
        "post", lambda r: f"/api/v1/deployments/{r['gate'].id}/refusals/",
        lambda p: {} if "citizen" in p else {"subject_ref": "s-9"},
        expect(anonymous=401, citizen=201, other_citizen=201, acme_admin=201,
               acme_operator=201, inspector=403),
        recorded_refusal, {"Refusal", "ConsentLedgerEntry", "SubjectLink"}),
    "publish_notice": (
        "post", lambda r: f"/api/v1/deployments/{r['gate'].id}/notices/",
        lambda p: {"text": "Version two."},
        expect(anonymous=401, citizen=403, other_citizen=403, acme_admin=201,
               acme_operator=403, inspector=403),
        published_notice, {"DeploymentNotice", "consent"}),
    "my_records": (
        "get", lambda r: "/api/v1/me/records/", None,
        expect(anonymous=401, citizen=200, other_citizen=200, acme_admin=403,
               acme_operator=403, other_admin=403, inspector=403, distant_inspector=403,
               auditor=403), showed_own_records, set()),
    "file_request": (
        "post", lambda r: "/api/v1/requests/",
        lambda p: {"deployment_id": 0, "type": "access"},  # deployment id filled in below
        expect(anonymous=401, citizen=201, other_citizen=201, acme_admin=403,
               acme_operator=403, inspector=403),
        filed_request, {"RightsRequest", "RightsRequestEvent"}),
    "request_detail": (
        "get", lambda r: f"/api/v1/requests/{r['request'].id}/", None,
        expect(anonymous=401, citizen=200, acme_admin=200, acme_operator=200, inspector=200),
        showed_the_request, set()),
    "request_start": (
        "post", lambda r: f"/api/v1/requests/{r['request'].id}/start/", lambda p: {},
        expect(anonymous=401, citizen=403, acme_admin=200, acme_operator=403, inspector=403),
        started, {"request", "RightsRequestEvent"}),
    "request_extend": (
        "post", lambda r: f"/api/v1/requests/{r['request'].id}/extend/",
        lambda p: {"reason": "Archive off-site"},
        expect(anonymous=401, citizen=403, acme_admin=200, acme_operator=403, inspector=403),
        extended, {"request", "RightsRequestEvent"}),
    "request_reject": (
        "post", lambda r: f"/api/v1/requests/{r['request'].id}/reject/",
        lambda p: {"reason": "No data", "court_route": "People's court"},
        expect(anonymous=401, citizen=403, acme_admin=200, acme_operator=403, inspector=403),
        rejected, {"request", "RightsRequestEvent"}),
    "request_export": (
        "get", lambda r: f"/api/v1/requests/{r['request'].id}/export/", None,
        expect(anonymous=401, citizen=200), exported_own_records, set()),
    "contact_proof": (
        "post", lambda r: "/api/v1/me/contact-proofs/", lambda p: {"contact": "a@example.org"},
        expect(anonymous=401, citizen=201, other_citizen=201, acme_admin=403,
               acme_operator=403, other_admin=403, inspector=403, distant_inspector=403,
               auditor=403), started_contact_proof, {"ContactProof"}),
}
# Organisations outside Acme's tenancy or mandate, and the auditor (industry bodies do not
# see personal consent records), get 404 everywhere above unless the endpoint is not about
# Acme's objects at all (my_records, contact_proof).


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_endpoint_answers_each_persona_as_the_matrix_says(world, api_as, records,
                                                               endpoint, persona):
    """Status per the matrix; an allowed cell has its effect and no other; a refused cell
    changes nothing and shows nothing of the citizen's records."""
    method, url, body, expected, effect, may_change = ENDPOINTS[endpoint]
    if endpoint == "request_export":
        rights_export_build(request_id=records["request"].id)
    payload = body(persona) if body else None
    if endpoint == "file_request":
        payload["deployment_id"] = records["gate"].id
    client = api_as(world.user(persona))
    before = state_of(records)
    response = getattr(client, method)(url(records), payload, format="json")
    after = state_of(records)
    assert response.status_code == expected[persona], response.json()
    if response.status_code >= 400:
        assert changes(before, after) == set()
        assert str(records["consent"].receipt_id) not in response.content.decode()
        if response.status_code == 404:
            assert response.json()["code"] == "not_found"
        return
    assert changes(before, after) <= may_change
    effect(Cell(records=records, persona=persona, user=world.user(persona),
                body=response.json(), before=before, after=after))


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
