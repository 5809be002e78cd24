"""Probes answer from the platform's data and flip when it changes; their answers are stored
as evidence with their time, the chain heads read and an expiry."""

import pytest

from governance.conventions.probes import probe_get, registered_probes
from governance.models import ConsentLedgerEntry, DeploymentStatus, Evidence, EvidenceKind
from governance.platform.ledger import compute_hash
from governance.services.industry import probe_evidence


@pytest.fixture
def consented_gate(gate, give, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            give(gate, subject_ref=f"s-{i}")
    return gate


def answer(world, name="consent_ledger_verifies"):
    return probe_evidence(organisation=world.acme, probe_name=name)


def test_every_app_registers_its_probes():
    sources = {p.name: p.source for p in registered_probes()}
    assert sources["consent_ledger_verifies"] == "governance"
    assert sources["recognition_log_verifies"] == "recognition"
    assert sources["liveness_on_public_identification"] == "recognition"
    assert sources["complaints_upheld_none"] == "complaints"


def test_consent_ledger_probe_stores_evidence_with_heads_and_expiry(world, consented_gate):
    evidence = answer(world)
    assert evidence.kind == EvidenceKind.PROBE and evidence.compliant is True
    last = ConsentLedgerEntry.objects.filter(deployment=consented_gate).order_by("sequence").last()
    assert evidence.chain_heads == [{"ledger": "consent", "chain_key": str(consented_gate.pk),
                                     "sequence": last.sequence, "entry_hash": last.entry_hash}]
    assert evidence.expires_at - evidence.collected_at == probe_get(
        "consent_ledger_verifies").valid_for


def test_a_tampered_chain_turns_the_consent_probe_non_compliant(world, consented_gate):
    assert answer(world).compliant is True
    entry = ConsentLedgerEntry.objects.filter(deployment=consented_gate).order_by("sequence")[1]
    ConsentLedgerEntry.objects.filter(pk=entry.pk).update(subject_ref="forged")
    flipped = answer(world)
    assert flipped.compliant is False
    assert "do not match its hash" in flipped.detail or "contents" in flipped.detail


def test_a_rehashed_chain_is_caught_by_the_signed_heads(world, consented_gate):
    entries = list(ConsentLedgerEntry.objects.filter(deployment=consented_gate)
                   .order_by("sequence"))
    previous = entries[0].previous_hash
    for index, entry in enumerate(entries):
        entry.subject_ref = "forged" if index == 0 else entry.subject_ref
        entry.entry_hash = compute_hash(entry.chain_fields(), previous)
        ConsentLedgerEntry.objects.filter(pk=entry.pk).update(
            subject_ref=entry.subject_ref, entry_hash=entry.entry_hash)
        previous = entry.entry_hash
    assert answer(world).compliant is False


def test_a_shortened_chain_turns_the_consent_probe_non_compliant(world, consented_gate):
    assert answer(world).compliant is True
    ConsentLedgerEntry.objects.filter(deployment=consented_gate).order_by("-sequence")[:1]
    last = ConsentLedgerEntry.objects.filter(deployment=consented_gate).order_by("-sequence")[0]
    ConsentLedgerEntry.objects.filter(pk=last.pk).delete()  # QuerySet.delete: the forger's way
    flipped = answer(world)
    assert flipped.compliant is False
    assert Evidence.objects.filter(compliant=False, probe="consent_ledger_verifies").count() == 1


def test_the_rule_backed_probe_follows_the_deployment(world, gate):
    assert answer(world, "non_face_alternative_declared").compliant is True
    type(gate).objects.filter(pk=gate.pk).update(non_face_alternative="")
    flipped = answer(world, "non_face_alternative_declared")
    assert flipped.compliant is False and gate.name in flipped.detail
    type(gate).objects.filter(pk=gate.pk).update(status=DeploymentStatus.DECOMMISSIONED)
    assert answer(world, "non_face_alternative_declared").compliant is None


def test_every_probe_runs_for_a_member_without_data(world):
    for probe in registered_probes():
        evidence = probe_evidence(organisation=world.acme, probe_name=probe.name)
        assert evidence.compliant in (True, False, None)
        assert evidence.detail
