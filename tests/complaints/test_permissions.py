"""Who sees what of a case: the enterprise never the identity or unforwarded content, another
region's regulator nothing, an identity only after a supervisor's approval."""

import pytest

from complaints.models import CaseLogEntry, IdentityReveal, LogKind
from complaints.selectors.cases import complaint_identity_for_user
from complaints.services.identity import identity_reveal_decide, identity_reveal_request
from complaints.services.messages import complaint_forward
from governance.errors import NotPermitted


@pytest.mark.parametrize("persona, sees", [
    ("citizen", True), ("inspector", True), ("other_citizen", False), ("acme_admin", False),
    ("other_admin", False), ("distant_inspector", False), ("auditor", False),
])
def test_who_opens_a_complaint(world, file_complaint, api_as, persona, sees):
    complaint = file_complaint()
    client = api_as(world.user(persona))
    detail = client.get(f"/api/v1/complaints/{complaint.id}/")
    listed = [c["id"] for c in client.get("/api/v1/complaints/").json()]
    assert (detail.status_code == 200) is sees and (complaint.id in listed) is sees
    if not sees:
        assert detail.json()["code"] == "complaint_not_found"
    messages = client.get(f"/api/v1/complaints/{complaint.id}/messages/")
    assert (messages.status_code == 200) is sees


def test_anonymous_reaches_no_complaint(world, file_complaint, api):
    complaint = file_complaint()
    assert api.get(f"/api/v1/complaints/{complaint.id}/").status_code == 401


def test_another_regions_regulator_can_neither_read_triage_nor_write(world, file_complaint,
                                                                     api_as):
    complaint = file_complaint()
    client = api_as(world.distant_inspector)
    assert client.post(f"/api/v1/complaints/{complaint.id}/triage/",
                       {"decision": "inadmissible", "reasons": "x"},
                       format="json").status_code == 404
    assert client.post(f"/api/v1/complaints/{complaint.id}/messages/", {"body": "hi"},
                       format="json").status_code == 404
    assert complaint.messages.count() == 0
    assert not CaseLogEntry.objects.filter(kind=LogKind.TRIAGED).exists()


def test_the_enterprise_sees_only_the_forwarded_summary_never_the_complaint(
        world, file_complaint, api_as):
    complaint = file_complaint(description="Alice Example, flat 3B, was scanned.")
    client = api_as(world.acme_admin)
    assert client.get("/api/v1/complaints/").json() == []
    complaint_forward(complaint=complaint, actor=world.inspector,
                      summary="Explain how residents who refuse can enter Block A.")
    body = client.get(f"/api/v1/complaints/{complaint.id}/").json()
    assert body["forwarded_summary"].startswith("Explain how residents")
    flat = str(body)
    assert "Alice" not in flat and "3B" not in flat and world.citizen.username not in flat
    assert not {"description", "priority_reasons", "own_records", "complainant"} & set(body)


def test_the_enterprise_channel_and_the_complainant_channel_never_mix(world, file_complaint,
                                                                      api_as):
    complaint = file_complaint()
    complaint_forward(complaint=complaint, actor=world.inspector, summary="Please explain.")
    regulator = api_as(world.inspector)
    regulator.post(f"/api/v1/complaints/{complaint.id}/messages/",
                   {"body": "To the citizen.", "channel": "complainant"}, format="json")
    regulator.post(f"/api/v1/complaints/{complaint.id}/messages/",
                   {"body": "To Acme.", "channel": "enterprise"}, format="json")
    enterprise = api_as(world.acme_admin)
    assert enterprise.post(f"/api/v1/complaints/{complaint.id}/messages/",
                           {"body": "Sneaky", "channel": "complainant"},
                           format="json").status_code == 403
    seen_by = {who: [m["body"] for m in api_as(getattr(world, who)).get(
        f"/api/v1/complaints/{complaint.id}/messages/").json()]
        for who in ("citizen", "acme_admin")}
    assert seen_by == {"citizen": ["To the citizen."], "acme_admin": ["To Acme."]}


def test_an_identity_is_revealed_only_to_the_asker_after_another_persons_approval(
        world, file_complaint, supervisor):
    complaint = file_complaint()
    assert complaint_identity_for_user(user=world.inspector, complaint=complaint) is None
    reveal = identity_reveal_request(complaint=complaint, actor=world.inspector,
                                     reason="We must hear the witness in person.")
    with pytest.raises(NotPermitted):  # an inspector is no supervisor
        identity_reveal_decide(reveal=reveal, actor=world.inspector, approve=True)
    assert complaint_identity_for_user(user=world.inspector, complaint=complaint) is None
    identity_reveal_decide(reveal=reveal, actor=supervisor, approve=True)
    identity = complaint_identity_for_user(user=world.inspector, complaint=complaint)
    assert identity["username"] == world.citizen.username
    assert complaint_identity_for_user(user=supervisor, complaint=complaint) is None
    assert complaint_identity_for_user(user=world.acme_admin, complaint=complaint) is None
    kinds = list(CaseLogEntry.objects.filter(complaint_id=complaint.id)
                 .values_list("kind", flat=True))
    assert kinds.count(LogKind.REVEAL_REQUESTED) == 1 and kinds.count(LogKind.REVEAL_DECIDED) == 1


def test_a_supervisor_cannot_approve_their_own_reveal(world, file_complaint, supervisor):
    complaint = file_complaint()
    reveal = identity_reveal_request(complaint=complaint, actor=supervisor, reason="Needed.")
    with pytest.raises(NotPermitted):
        identity_reveal_decide(reveal=reveal, actor=supervisor, approve=True)
    assert IdentityReveal.objects.get().status == "requested"


def test_the_regulator_api_never_carries_the_identity(world, file_complaint, api_as):
    complaint = file_complaint()
    body = api_as(world.inspector).get(f"/api/v1/complaints/{complaint.id}/").json()
    assert world.citizen.username not in str(body) and world.citizen.email not in str(body)
    assert "complainant" not in body and "sealed_identity" not in body
