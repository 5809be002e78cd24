"""Signed chain heads: published after commit only, for every registered ledger, to a file that
many processes append to safely; the catch-up publishes lost heads from their signed copies,
never a new signature over a rewritten chain; the public API serves them with their key."""

import base64
import datetime as dt
import json
import multiprocessing

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection, transaction
from django.utils import timezone

from governance.models import (
    Consent,
    ConsentLedgerEntry,
    DeletionCertificate,
    Deployment,
    SignedLedgerHead,
)
from governance.platform import signing
from governance.platform.ledger import chain_append, compute_hash, registered_ledgers
from governance.platform.ledger_heads import (
    FileHeadPublisher,
    SignedHead,
    head_sign,
    heads_publisher,
    ledger_heads_publish_missed,
)
from governance.services.consent import consent_give
from tests.factories import CLICK


def later() -> dt.datetime:
    """A moment past the catch-up's grace period for marks made now."""
    return timezone.now() + dt.timedelta(minutes=1)


def published(path) -> list[SignedHead]:
    if not path.exists():
        return []
    return [SignedHead.from_dict(json.loads(line)) for line in path.read_text().splitlines()]


@pytest.mark.django_db(transaction=True)
def test_a_head_is_published_after_commit_and_a_rolled_back_append_publishes_nothing(
        world, gate, ledger_heads_path):
    with pytest.raises(RuntimeError), transaction.atomic():
        consent_give(deployment=gate, actor=world.acme_admin, subject_ref="s-1",
                     purposes=["access_control"], method="in_app_explicit", evidence=dict(CLICK))
        raise RuntimeError("the request failed after the append")
    assert not ledger_heads_path.exists()
    assert (ConsentLedgerEntry.objects.count(), SignedLedgerHead.objects.count()) == (0, 0)

    consent_give(deployment=gate, actor=world.acme_admin, subject_ref="s-1",
                 purposes=["access_control"], method="in_app_explicit", evidence=dict(CLICK))
    entry = ConsentLedgerEntry.objects.get()
    [head] = published(ledger_heads_path)
    assert (head.ledger, head.chain_key, head.sequence, head.entry_hash) == (
        "consent", str(gate.id), 1, entry.entry_hash)
    assert head.signature_valid() and head.key_id == signing.key_id()
    assert SignedLedgerHead.objects.get().signature == head.signature  # the database's copy


def test_every_registered_ledger_gets_signed_heads(world, gate, give,
                                                   django_capture_on_commit_callbacks,
                                                   ledger_heads_path):
    from recognition.services.events import event_record

    with django_capture_on_commit_callbacks(execute=True):
        give(gate, subject_ref="s-1")
        event_record(deployment=gate, operation="verify", outcome="match", subject_ref="s-1")
        with transaction.atomic():
            Deployment.objects.select_for_update().get(id=gate.id)
            chain_append(DeletionCertificate(deployment=gate, category="face_template", count=1,
                                             trigger="collection", rule="30 days",
                                             legal_reference="test", description="test"))
        with transaction.atomic():
            from complaints.models import CaseLogEntry

            chain_append(CaseLogEntry(complaint_id=1, kind="received", party="platform"))
        with transaction.atomic():
            from complaints.models import InvestigationLogEntry

            chain_append(InvestigationLogEntry(investigation_id=1, kind="opened"))
    assert {head.ledger for head in published(ledger_heads_path)} == {
        ledger.name for ledger in registered_ledgers()}
    assert all(head.signature_valid() for head in published(ledger_heads_path))


def _append_heads(location: str, lines: list[dict]) -> None:
    publisher = FileHeadPublisher(location)
    for line in lines:  # one append each: the most chances to interleave
        publisher.append([SignedHead(**line)])


def test_processes_appending_at_once_never_interleave_their_lines(db, tmp_path):
    location = str(tmp_path / "heads.jsonl")
    heads = [[head_sign(ledger="consent", chain_key=str(worker), sequence=n,
                        entry_hash=f"{n:064x}", recorded_at="2026-01-01T00:00:00+00:00"
                        ).as_dict() for n in range(1, 151)] for worker in range(4)]
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_heads, args=(location, lines)) for lines in heads]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    lines = list(FileHeadPublisher(location).lines())
    assert len(lines) == 600
    assert all(line.problem == "" for line in lines)
    assert {(h.chain_key, h.sequence) for h in (line.head for line in lines)} == {
        (str(w), n) for w in range(4) for n in range(1, 151)}


def test_a_line_cut_short_by_a_crash_never_swallows_the_next_head(db, tmp_path):
    path = tmp_path / "heads.jsonl"
    path.write_text('{"ledger": "consent", "chain_')  # a writer died mid-line
    head = head_sign(ledger="consent", chain_key="1", sequence=1, entry_hash="a" * 64,
                     recorded_at="2026-01-01T00:00:00+00:00")
    publisher = FileHeadPublisher(str(path))
    publisher.append([head])
    lines = list(publisher.lines())
    assert [line.problem.startswith("not a signed head") for line in lines] == [True, False]
    assert lines[1].head == head
    assert publisher.latest() == {("consent", "1"): head}


def test_the_newest_heads_follow_appends_and_ignore_a_forged_signature(db, tmp_path):
    publisher = FileHeadPublisher(str(tmp_path / "heads.jsonl"))
    first = head_sign(ledger="consent", chain_key="1", sequence=1, entry_hash="a" * 64,
                      recorded_at="2026-01-01T00:00:00+00:00")
    publisher.append([first])
    assert publisher.latest()[("consent", "1")] == first
    second = head_sign(ledger="consent", chain_key="1", sequence=2, entry_hash="b" * 64,
                       recorded_at="2026-01-01T00:00:01+00:00")
    forged = SignedHead(**{**second.as_dict(), "sequence": 3})
    publisher.append([second, forged])
    assert publisher.latest()[("consent", "1")] == second


def test_a_failed_publication_never_fails_the_request_and_the_catch_up_publishes_it(
        world, gate, give, settings, django_capture_on_commit_callbacks, ledger_heads_path):
    settings.FACEGOV_LEDGER_HEADS_PATH = "/dev/null/heads.jsonl"  # cannot be written
    with django_capture_on_commit_callbacks(execute=True):
        consent = give(gate, subject_ref="s-1")
    assert Consent.objects.filter(id=consent.id).exists()
    copy = SignedLedgerHead.objects.get()

    settings.FACEGOV_LEDGER_HEADS_PATH = str(ledger_heads_path)
    assert ledger_heads_publish_missed(now=timezone.now()) == 0  # within the grace period
    assert ledger_heads_publish_missed(now=later()) == 1
    [head] = published(ledger_heads_path)
    assert (head.sequence, head.entry_hash, head.signature) == (
        1, consent.ledger_entries.get().entry_hash, copy.signature)
    assert ledger_heads_publish_missed(now=later()) == 0


def test_the_catch_up_publishes_every_missed_head_in_order(
        gate, give, django_capture_on_commit_callbacks, ledger_heads_path):
    with django_capture_on_commit_callbacks(execute=True):
        give(gate, subject_ref="s-0")
    for n in range(1, 4):
        give(gate, subject_ref=f"s-{n}")  # the process "died" before publishing these
    assert ledger_heads_publish_missed(now=later()) == 3
    assert [head.sequence for head in published(ledger_heads_path)] == [1, 2, 3, 4]


def test_the_catch_up_never_vouches_for_a_chain_rewritten_since_its_heads_were_signed(
        gate, give, django_capture_on_commit_callbacks, ledger_heads_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    with django_capture_on_commit_callbacks(execute=True):
        give(gate, subject_ref="s-0")
    give(gate, subject_ref="s-1")  # its head is signed but not published
    entries = list(ConsentLedgerEntry.objects.order_by("sequence"))
    previous_hash = entries[0].previous_hash
    for index, entry in enumerate(entries):  # edit #1 and re-hash the whole chain
        entry.subject_ref = "forged" if index == 0 else entry.subject_ref
        entry.previous_hash = previous_hash
        entry.entry_hash = compute_hash(entry.chain_fields(), previous_hash)
        ConsentLedgerEntry.objects.filter(id=entry.id).update(
            subject_ref=entry.subject_ref, previous_hash=previous_hash,
            entry_hash=entry.entry_hash)
        previous_hash = entry.entry_hash
    assert ledger_heads_publish_missed(now=later()) == 1
    assert [h.entry_hash for h in published(ledger_heads_path)] != [e.entry_hash
                                                                   for e in entries]
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=out)
    assert f"entry #1 (id {entries[0].id}) — its hash differs from the head signed" in (
        out.getvalue())


def test_the_signing_key_comes_from_the_master_key_and_signs_nothing_else(db, settings):
    message = b"head"
    signature = signing.sign(message)
    assert signing.verify(message, signature)
    assert not signing.verify(b"another head", signature)
    assert not signing.verify(message, "not base64!")
    key_id = signing.key_id()
    settings.FACEGOV_MASTER_KEY = base64.urlsafe_b64encode(b"another-master-key-of-32-bytes!!"
                                                           ).decode()
    assert signing.key_id() != key_id
    assert not signing.verify(message, signature)  # another master key, another signer


def test_no_table_holds_the_signing_key(gate, give, django_capture_on_commit_callbacks):
    from governance.platform.crypto import KeyPurpose, derive_key

    with django_capture_on_commit_callbacks(execute=True):
        give(gate, subject_ref="s-1")
    seed = derive_key(KeyPurpose.LEDGER_HEAD_SIGNING)
    encodings = {seed.hex(), base64.b64encode(seed).decode(),
                 base64.urlsafe_b64encode(seed).decode()}
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — names from introspection
            dump = repr(cursor.fetchall())
            assert not any(encoded in dump for encoded in encodings), table


# --- the public API --------------------------------------------------------------------------


def test_the_heads_are_public_with_the_key_that_verifies_them(
        world, gate, other_gate, give, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        give(gate, subject_ref="s-1")
        give(gate, subject_ref="s-2")
        give(other_gate, subject_ref="g-1")
    response = api.get("/api/v1/register/ledger-heads/")  # no credentials
    assert response.status_code == 200
    body = response.json()
    assert (body["algorithm"], body["public_key"], body["key_id"]) == (
        "Ed25519", signing.public_key_b64(), signing.key_id())
    assert "BEGIN PUBLIC KEY" in body["public_key_pem"]
    assert [(h["chain_key"], h["sequence"]) for h in body["heads"]] == [
        (str(gate.id), 2), (str(other_gate.id), 1)]
    public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(body["public_key"]))
    for head in body["heads"]:  # verified as an outsider would, from the documented format
        signed = {k: v for k, v in head.items() if k != "signature"} | {"format": body["format"]}
        message = json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()
        public_key.verify(base64.b64decode(head["signature"]), message)  # raises if invalid


def test_the_heads_can_be_filtered_by_ledger_and_chain(gate, other_gate, give, api,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        give(gate, subject_ref="s-1")
        give(other_gate, subject_ref="g-1")
    body = api.get("/api/v1/register/ledger-heads/",
                   {"ledger": "consent", "chain_key": str(other_gate.id)}).json()
    assert [(h["ledger"], h["chain_key"]) for h in body["heads"]] == [
        ("consent", str(other_gate.id))]
    assert api.get("/api/v1/register/ledger-heads/", {"ledger": "nothing"}).json()["heads"] == []


def test_the_publication_is_the_configured_one(settings, tmp_path):
    settings.FACEGOV_LEDGER_HEADS_PATH = str(tmp_path / "elsewhere.jsonl")
    publisher = heads_publisher()
    assert isinstance(publisher, FileHeadPublisher)
    assert publisher.location == str(tmp_path / "elsewhere.jsonl")


def test_the_command_publishes_missed_heads_from_their_signed_copies(gate, give,
                                                                     ledger_heads_path):
    from io import StringIO
    from unittest import mock

    from django.core.management import call_command

    give(gate, subject_ref="s-1")  # signed, never published
    out = StringIO()
    an_hour_later = timezone.now() + dt.timedelta(hours=1)
    with mock.patch.object(timezone, "now", return_value=an_hour_later):
        call_command("publish_ledger_heads", stdout=out)
        assert out.getvalue().startswith("0 heads published")  # outside the beat's window
        call_command("publish_ledger_heads", "--all", stdout=out)
    assert f"1 heads published to {ledger_heads_path}" in out.getvalue()
    [head] = published(ledger_heads_path)
    assert head.sequence == 1 and head.signature_valid()
