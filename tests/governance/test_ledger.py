"""The consent ledger is a hash chain per deployment whose heads are signed and published
outside the database; any tampering is found and named — an edit, a gap, a chain cut short,
a chain re-hashed after an edit, a forged head, a projection that disagrees."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from governance.models import Consent, ConsentLedgerEntry, LedgerEntryKind
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


@pytest.fixture
def signed_history(world, gate, other_gate, give, django_capture_on_commit_callbacks):
    """Five entries on the gate's chain and one on Globex's, each head signed and published
    as in production (the after-commit callbacks run)."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            give(gate, subject_ref=f"s-{n}")
        consent_withdraw(consent=Consent.objects.get(subject_ref="s-0"), actor=world.acme_admin)
        give(other_gate, subject_ref="g-1")
    return list(ConsentLedgerEntry.objects.filter(deployment=gate).order_by("sequence"))


def rehash_from(entries, index: int, **changes) -> None:
    """What an attacker with SQL access does: edit one entry, then recompute every hash after
    it so that the chain verifies on its own again."""
    previous_hash = entries[index].previous_hash
    for position, entry in enumerate(entries[index:]):
        if position == 0:
            for field, value in changes.items():
                setattr(entry, field, value)
        entry.previous_hash = previous_hash
        entry.entry_hash = compute_hash(entry.chain_fields(), previous_hash)
        ConsentLedgerEntry.objects.filter(id=entry.id).update(
            previous_hash=entry.previous_hash, entry_hash=entry.entry_hash,
            **{field: getattr(entry, field) for field in changes})
        previous_hash = entry.entry_hash


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


# --- against the signed heads ----------------------------------------------------------------


def test_every_chain_is_reported_with_its_signed_head(signed_history, gate, other_gate):
    code, output = run_verify()
    assert code == 0, output
    assert f"OK      consent ledger, chain {gate.id} — signed head #5" in output
    assert f"OK      consent ledger, chain {other_gate.id} — signed head #1" in output


@pytest.mark.parametrize("removed", [1, 3])
def test_deleting_the_last_entries_through_sql_is_caught_by_the_signed_head(
        signed_history, gate, removed):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_consentledgerentry WHERE deployment_id = %s "
                       "AND sequence > %s", [gate.id, 5 - removed])
    from governance.platform.ledger import chain_verify

    remaining = ConsentLedgerEntry.objects.filter(deployment=gate).order_by("sequence")
    assert chain_verify(remaining) is None  # the hashes alone cannot tell
    code, output = run_verify()
    assert code == 1
    assert (f"BROKEN  consent ledger, chain {gate.id}: entry #{6 - removed} (missing) — the "
            f"chain ends at #{5 - removed} but its head signed at") in output
    assert "is #5: entries were removed from its end" in output
    assert "1 of 2 chains are broken" in output


def test_deleting_a_whole_chain_is_caught_by_its_signed_head(signed_history, other_gate):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_consentledgerentry WHERE deployment_id = %s",
                       [other_gate.id])
    code, output = run_verify()
    assert code == 1
    assert (f"BROKEN  consent ledger, chain {other_gate.id}: entry #1 (missing) — the chain "
            "ends at #0") in output


def test_re_hashing_the_whole_chain_after_an_edit_is_caught_at_the_edited_entry(
        signed_history, gate):
    forged = {**signed_history[1].payload, "purposes": ["customer_analytics"]}
    rehash_from(signed_history, 1, payload=forged)
    from governance.platform.ledger import chain_verify

    rewritten = ConsentLedgerEntry.objects.filter(deployment=gate).order_by("sequence")
    assert chain_verify(rewritten) is None  # SHA-256 is public: the chain verifies on its own
    code, output = run_verify()
    assert code == 1
    assert (f"BROKEN  consent ledger, chain {gate.id}: entry #2 (id {signed_history[1].id}) — "
            "its hash differs from the head signed for it") in output


def test_a_sparse_publication_says_after_which_entry_the_rewrite_begins(
        world, gate, give, django_capture_on_commit_callbacks):
    for n in range(3):  # appended without publication (as after a crash)
        give(gate, subject_ref=f"s-{n}")
    with django_capture_on_commit_callbacks(execute=True):
        give(gate, subject_ref="s-3")  # its head, #4, covers the three before it
    entries = list(ConsentLedgerEntry.objects.filter(deployment=gate).order_by("sequence"))
    rehash_from(entries, 1, subject_ref="someone-else")
    code, output = run_verify()
    assert code == 1
    assert (f"entry #4 (id {entries[3].id}) — its hash differs from the head signed for it"
            in output)
    assert "(the rewrite begins after #0, the last entry that matches its signed head)" in output


def test_a_head_with_a_forged_signature_is_reported_and_not_trusted(signed_history, gate,
                                                                    ledger_heads_path):
    lines = ledger_heads_path.read_text().splitlines()
    forged = json.loads(lines[-2])  # the gate's head #5
    assert (forged["chain_key"], forged["sequence"]) == (str(gate.id), 5)
    forged["sequence"] = 9  # claims a longer chain, without the key to sign it
    with ledger_heads_path.open("a") as publication:
        publication.write(json.dumps(forged) + "\n")
    code, output = run_verify()
    assert code == 1
    assert (f"BAD HEAD line 7 of {ledger_heads_path}: consent ledger, chain {gate.id}, head #9 "
            "— its signature does not verify") in output
    assert f"OK      consent ledger, chain {gate.id} — signed head #5" in output


def test_a_line_that_is_not_a_head_is_reported(signed_history, ledger_heads_path):
    with ledger_heads_path.open("a") as publication:
        publication.write("{not json\n")
    code, output = run_verify()
    assert code == 1
    assert f"BAD HEAD line 7 of {ledger_heads_path}:  — not a signed head" in output


def test_entries_newer_than_their_published_head_are_reported_and_fail_once_they_lag(
        signed_history, gate, give, settings):
    give(gate, subject_ref="late")  # committed; its signed head not published (callbacks not run)
    code, output = run_verify()
    assert code == 0, output
    assert (f"OK      consent ledger, chain {gate.id} — signed head #5, 1 newer entries not "
            "yet published") in output
    settings.FACEGOV_LEDGER_HEAD_MAX_LAG_SECONDS = -1  # as if it had waited too long
    code, output = run_verify()
    assert code == 1
    assert (f"LAGGING consent ledger, chain {gate.id}: the heads of its 1 newest entries, "
            "signed ") in output


def test_a_consent_row_flipped_by_sql_is_reported_with_its_ledger(signed_history, gate):
    withdrawn = Consent.objects.get(subject_ref="s-0")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_consent SET state = 'active' WHERE id = %s",
                       [withdrawn.id])
    code, output = run_verify()
    assert code == 1
    assert (f"MISMATCH consent ledger, consent {withdrawn.receipt_id} (deployment {gate.id}, "
            "subject s-0): state: 'active' in the row, 'withdrawn' in the ledger (up to entry #5, "
            "withdrawn)") in output
    assert "All 2 chains intact." not in output
    assert sum(line.startswith("MISMATCH") for line in output.splitlines()) == 1


def test_purposes_added_to_a_consent_row_behind_the_ledger_are_reported(signed_history, gate):
    from governance.models import Purpose

    consent = Consent.objects.get(subject_ref="s-1")
    consent.purposes.add(Purpose.objects.get(code="attendance"))
    code, output = run_verify()
    assert code == 1
    assert (f"consent {consent.receipt_id} (deployment {gate.id}, subject s-1): purposes: "
            "\"['access_control', 'attendance']\" in the row, \"['access_control']\" in the "
            "ledger (up to entry #2, given)") in output
