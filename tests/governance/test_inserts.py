"""Several new rows in one round trip (governance/platform/inserts.py): what is stored is what
`save()` would have stored, and each instance gets its primary key."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import SignedLedgerHead
from governance.platform.inserts import insert_together
from governance.platform.ledger import chain_verify
from recognition.models import RecognitionEvent
from recognition.services.events import event_record
from tests.factories import active_gate


def test_two_rows_go_in_one_statement_and_read_back_as_saved(world):
    heads = [SignedLedgerHead(ledger="probe", chain_key=str(n), sequence=n, entry_hash="a" * 64,
                              recorded_at="2026-12-01T00:00:00.000000+00:00",
                              signed_at="2026-12-01T00:00:01.000000+00:00", key_id="k",
                              signature="s") for n in (1, 2)]
    with CaptureQueriesContext(connection) as queries:
        insert_together(*heads)
    inserts = [q for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 2)
    assert all(h.pk and not h._state.adding for h in heads)
    stored = SignedLedgerHead.objects.filter(ledger="probe").order_by("sequence")
    assert [(h.pk, h.chain_key, h.sequence) for h in stored] == [
        (heads[0].pk, "1", 1), (heads[1].pk, "2", 2)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL")
def test_an_appended_event_and_its_head_copy_are_one_statement_and_the_chain_verifies(world):
    gate = active_gate(world.acme)
    with CaptureQueriesContext(connection) as queries:
        event = event_record(deployment=gate, operation="verify", outcome="match",
                             purpose="access_control", subject_ref="r-1", faces=1)
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == 1 and "governance_signedledgerhead" in inserts[0]
    stored = RecognitionEvent.objects.get(pk=event.pk)
    assert (stored.sequence, stored.entry_hash) == (event.sequence, event.entry_hash)
    head = SignedLedgerHead.objects.get(ledger="recognition event", chain_key=str(gate.id))
    assert (head.sequence, head.entry_hash) == (1, event.entry_hash)
    events = RecognitionEvent.objects.filter(deployment=gate).order_by("sequence")
    assert chain_verify(events) is None
