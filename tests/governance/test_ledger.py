"""The consent ledger is a hash chain per deployment; any tampering is found and named."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from governance.models import ConsentLedgerEntry, LedgerEntryKind
from governance.platform.ledger import (
    GENESIS_HASH,
    LedgerImmutable,
    chain_verify,
    compute_hash,
    register_ledger,
    registered_ledgers,
)
from governance.services.consent import consent_withdraw, refusal_record


@pytest.fixture
def history(world, gate, other_gate, give):
    """Three entries on the gate's chain, one on Globex's."""
    consent = give(gate, subject_ref="s-1")
    consent_withdraw(consent=consent, actor=world.acme_admin)
    refusal_record(deployment=gate, actor=world.acme_operator, subject_ref="s-2")
    give(other_gate, subject_ref="g-1")
    return list(ConsentLedgerEntry.objects.filter(deployment=gate).order_by("sequence"))


def run_verify() -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_ledger", stdout=out)
    except CommandError as exc:
        return 1, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_entries_are_chained_from_the_genesis_hash_in_sequence(history):
    assert [(e.sequence, e.kind) for e in history] == [
        (1, LedgerEntryKind.GIVEN), (2, LedgerEntryKind.WITHDRAWN), (3, LedgerEntryKind.REFUSED)]
    assert history[0].previous_hash == GENESIS_HASH
    assert history[1].previous_hash == history[0].entry_hash
    assert history[2].entry_hash == compute_hash(history[2].chain_fields(),
                                                 history[1].entry_hash)
    assert chain_verify(history) is None


def test_verify_ledger_reports_every_chain_intact(history, gate, other_gate):
    code, output = run_verify()
    assert code == 0
    assert f"OK      consent ledger, chain {gate.id}" in output
    assert f"OK      consent ledger, chain {other_gate.id}" in output
    assert "All 2 chains intact." in output


@pytest.mark.parametrize(
    ("column", "value"),
    [("payload", '{"purposes": ["customer_analytics"]}'), ("subject_ref", "someone-else"),
     ("kind", "given"), ("actor", "user:1:nobody"), ("recorded_at", "2020-01-01 00:00:00")],
)
def test_an_sql_update_of_any_column_is_detected_and_the_entry_named(history, gate, column,
                                                                      value):
    tampered = history[1]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE governance_consentledgerentry SET {column} = %s WHERE id = %s",
                       [value, tampered.id])
    code, output = run_verify()
    assert code == 1
    assert (f"BROKEN  consent ledger, chain {gate.id}: entry #2 (id {tampered.id}) — "
            "its contents do not match its hash") in output
    assert "1 of 2 chains are broken" in output


def test_rewriting_an_entry_and_its_hash_breaks_the_next_link(history, gate):
    first = history[0]
    forged_payload = {**first.payload, "purposes": ["customer_analytics"]}
    first.payload = forged_payload
    forged_hash = compute_hash(first.chain_fields(), first.previous_hash)
    ConsentLedgerEntry.objects.filter(id=first.id).update(payload=forged_payload,
                                                          entry_hash=forged_hash)
    code, output = run_verify()
    assert code == 1
    assert (f"entry #2 (id {history[1].id}) — its link to the previous entry does not match"
            in output)


def test_deleting_an_entry_through_sql_is_detected_as_a_gap(history, gate):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_consentledgerentry WHERE id = %s",
                       [history[1].id])
    code, output = run_verify()
    assert code == 1
    assert f"entry #3 (id {history[2].id}) — expected sequence 2" in output


def test_the_orm_refuses_to_update_or_delete_an_entry(history):
    entry = history[0]
    entry.actor = "someone"
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()


def test_two_entries_cannot_share_a_place_in_one_chain(history, gate):
    duplicate = ConsentLedgerEntry(deployment=gate, kind="given", sequence=3,
                                   previous_hash="x", entry_hash="y",
                                   recorded_at=history[0].recorded_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save(force_insert=True)


def test_other_ledgers_register_once_under_a_unique_name():
    register_ledger("consent", ConsentLedgerEntry)  # again: harmless
    assert [ledger.name for ledger in registered_ledgers()].count("consent") == 1
    with pytest.raises(ValueError):
        register_ledger("consent", type("Other", (), {}))
