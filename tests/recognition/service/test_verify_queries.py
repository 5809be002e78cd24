"""The platform work around a verify is pinned: what it reads and writes per call, so a change
that adds a query shows here (benchmarks/api_overhead.py times it)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recognition.models import RecognitionEvent, Template, VaultSubject
from tests.recognition.service.conftest import OBAMA, OBAMA_2
from tests.recognition.service.test_retention_sql import python_changes

# The subject's templates with its key and the deployment key (one join) · the interaction:
# one statement for the subject's clock and its rows' delete_after · the event: chain lock,
# chain head, then the event and its signed head's copy in one statement - in one transaction
# with no savepoint inside. The API key (with its deployment), the deployment's gate facts
# (status, purposes), the person's consents with their ledger entries and restriction, and the
# deployment's retention rules come from the stamped cache (governance/platform/stamps.py).
# (Was 19 statements in two transactions, then 13, then 10 plus two savepoints, then 9.) The
# chain's lock and its head's read cannot be one statement: under READ COMMITTED that read
# would see the snapshot taken before the lock was granted.
VERIFY_QUERIES = 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's one-statement refresh")
def test_a_verify_costs_a_fixed_small_number_of_queries(gate, consent, device, enroll, upload):
    client = device()
    consent(gate, "resident-1")
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    template = Template.objects.get()
    body = {"subject_ref": "resident-1", "purpose": "access_control"}
    client.post("/api/v1/recognition/verify/", {**body, "image": upload(OBAMA_2)},
                format="multipart")  # warm: the key's last use, the process's caches

    seen_before = VaultSubject.objects.get().last_interaction_at
    due_before = Template.objects.get().delete_after
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/recognition/verify/",
                               {**body, "image": upload(OBAMA_2)}, format="multipart")
    assert response.status_code == 200 and response.json()["match"] is True
    # One transaction, nothing nested in it (the test runs inside a transaction, so the
    # verify's own is the one savepoint).
    assert len([q for q in queries.captured_queries
                if q["sql"].startswith("SAVEPOINT")]) == 1
    statements = [q["sql"] for q in queries.captured_queries
                  if q["sql"] not in ("BEGIN", "COMMIT") and not q["sql"].startswith(
                      ("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) == VERIFY_QUERIES, "\n".join(s[:120] for s in statements)
    # The effects are all there: the event, the clock restarted, the row's due date moved.
    event = RecognitionEvent.objects.get(id=response.json()["event_id"])
    assert (event.operation, event.outcome) == ("verify", "match")
    subject = VaultSubject.objects.get()
    assert subject.last_interaction_at > seen_before
    template.refresh_from_db()
    assert template.delete_after > due_before
    assert python_changes(gate) == 0  # what the per-row computation would write


@pytest.mark.django_db(transaction=True)
def test_a_revoked_key_and_a_suspension_are_refused_on_the_very_next_call(
        gate, world, consent, device, enroll, upload):
    import hashlib

    from governance.services.lifecycle import deployment_suspend
    from recognition.models import ApiKey, Outcome, RecognitionEvent
    from recognition.services.apikeys import api_key_revoke

    client, other = device(), device()
    consent(gate, "resident-1")
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    body = {"subject_ref": "resident-1", "purpose": "access_control"}

    def verify(c):
        return c.post("/api/v1/recognition/verify/", {**body, "image": upload(OBAMA_2)},
                      format="multipart")

    assert verify(client).status_code == 200  # both keys and the gate facts now cached
    assert verify(other).status_code == 200
    api_key_revoke(api_key=ApiKey.objects.get(key_hash=hashlib.sha256(
        client.raw_key.encode()).hexdigest()), actor=world.acme_admin)
    refused = verify(client)
    assert (refused.status_code, refused.json()["code"]) == (401, "api_key_revoked")
    deployment_suspend(deployment=gate, actor=world.inspector, reason="Audit")
    refused = verify(other)
    assert (refused.status_code, refused.json()["code"]) == (403, "deployment_not_active")
    # The cached facts served no match after either change: only the two before them.
    matched = RecognitionEvent.objects.filter(operation="verify", outcome=Outcome.MATCH)
    assert matched.count() == 2


def test_keys_revoked_all_at_once_are_refused_on_the_very_next_call(
        gate, world, consent, device, enroll, upload):
    from recognition.services.leaks import deployment_api_keys_revoke_all

    client = device()
    consent(gate, "resident-1")
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    body = {"subject_ref": "resident-1", "purpose": "access_control"}
    assert client.post("/api/v1/recognition/verify/", {**body, "image": upload(OBAMA_2)},
                       format="multipart").status_code == 200  # the key is cached now
    assert deployment_api_keys_revoke_all(deployment=gate, actor=world.inspector) >= 1
    refused = client.post("/api/v1/recognition/verify/", {**body, "image": upload(OBAMA_2)},
                          format="multipart")
    assert (refused.status_code, refused.json()["code"]) == (401, "api_key_revoked")


def test_a_withdrawal_is_refused_on_the_very_next_verify_though_the_consent_was_cached(
        gate, world, consent, device, enroll, upload):
    from governance.services.consent import consent_withdraw
    from recognition.models import Outcome, RecognitionEvent

    client = device()
    given = consent(gate, "resident-1")
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    body = {"subject_ref": "resident-1", "purpose": "access_control"}

    def verify():
        return client.post("/api/v1/recognition/verify/", {**body, "image": upload(OBAMA_2)},
                           format="multipart")

    assert verify().json()["match"] is True  # the person's consents are cached now
    consent_withdraw(consent=given, actor=world.acme_admin)
    refused = verify()
    assert (refused.status_code, refused.json()["code"]) == (403, "consent_withdrawn")
    matched = RecognitionEvent.objects.filter(operation="verify", outcome=Outcome.MATCH)
    assert matched.count() == 1
