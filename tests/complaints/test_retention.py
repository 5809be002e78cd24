"""Destroying closed cases by their retention rule leaves every ledger verifiable: the case log's
prune is vouched for by a chained retention record, and a forged checkpoint is still caught."""

import datetime as dt

from complaints.models import CaseLogEntry, CaseRetentionRecord, Complaint
from complaints.retention import CASE_RETENTION_LEDGER, RULES, complaint_retention_sweep
from complaints.services.caselog import CASE_LEDGER
from complaints.services.triage import TriageInput, complaint_triage
from governance.models import LedgerCheckpoint
from governance.platform.ledger_verify import ledgers_verify

DAY = dt.timedelta(days=1)


def declare_inadmissible(complaint, world):
    return complaint_triage(complaint=complaint, actor=world.inspector,
                            data=TriageInput(decision="inadmissible", reasons="Out of scope."))


def broken_chains():
    return {(r.ledger, r.chain_key): r.broken.reason for r in ledgers_verify()
            if r.broken is not None}


def test_a_destroyed_case_leaves_its_log_verified_from_a_vouched_checkpoint(
        world, file_complaint, django_capture_on_commit_callbacks, ledger_heads_path):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = declare_inadmissible(file_complaint(), world)
        kept = file_complaint(citizen=world.other_citizen)  # open: kept
    entries = CaseLogEntry.objects.filter(complaint_id=complaint.id).count()
    assert entries >= 2
    later = complaint.closed_at + RULES[complaint.kind].period + DAY
    with django_capture_on_commit_callbacks(execute=True):  # heads published after commit
        assert complaint_retention_sweep(now=later) == 1

    assert list(Complaint.objects.values_list("id", flat=True)) == [kept.id]
    assert not CaseLogEntry.objects.filter(complaint_id=complaint.id).exists()
    record = CaseRetentionRecord.objects.get(case_id=complaint.id)
    checkpoint = LedgerCheckpoint.objects.get(ledger=CASE_LEDGER, chain_key=str(complaint.id))
    assert (checkpoint.sequence, checkpoint.certificate, checkpoint.voucher_ledger,
            checkpoint.voucher_sequence) == (entries, None, CASE_RETENTION_LEDGER, 1)
    assert record.ledger_checkpoint == {"ledger": CASE_LEDGER, "chain_key": str(complaint.id),
                                        "sequence": entries,
                                        "entry_hash": checkpoint.entry_hash}
    assert (record.case_kind, record.log_entries, record.legal_reference) == (
        "complaint", entries, RULES[complaint.kind].reference)
    # The publication still knows the destroyed chain; it verifies from its checkpoint.
    reports = {(r.ledger, r.chain_key) for r in ledgers_verify()}
    assert {(CASE_LEDGER, str(complaint.id)),
            (CASE_RETENTION_LEDGER, str(complaint.id))} <= reports
    assert broken_chains() == {}
    # A rerun destroys nothing and certifies nothing twice.
    assert complaint_retention_sweep(now=later) == 0
    assert CaseRetentionRecord.objects.count() == 1


def test_a_destroyed_tip_of_no_deployment_verifies_too(
        world, send_tip, django_capture_on_commit_callbacks, ledger_heads_path):
    with django_capture_on_commit_callbacks(execute=True):
        tip = declare_inadmissible(send_tip()[0], world)
    with django_capture_on_commit_callbacks(execute=True):
        assert complaint_retention_sweep(now=tip.closed_at + RULES["tip"].period + DAY) == 1
    assert not Complaint.objects.exists()
    assert CaseRetentionRecord.objects.get(case_id=tip.id).case_kind == "tip"
    assert broken_chains() == {}


def test_a_forged_checkpoint_on_a_destroyed_case_is_reported(
        world, file_complaint, django_capture_on_commit_callbacks, ledger_heads_path):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = declare_inadmissible(file_complaint(), world)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_retention_sweep(now=complaint.closed_at + RULES["complaint"].period + DAY)
    LedgerCheckpoint.objects.update(entry_hash="f" * 64)
    assert "checkpoint" in broken_chains()[(CASE_LEDGER, str(complaint.id))]


def test_a_checkpoint_whose_record_was_removed_is_reported(
        world, file_complaint, django_capture_on_commit_callbacks, ledger_heads_path):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = declare_inadmissible(file_complaint(), world)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_retention_sweep(now=complaint.closed_at + RULES["complaint"].period + DAY)
    CaseRetentionRecord.objects.all().delete()  # QuerySet.delete: the forger's way round
    broken = broken_chains()
    assert "does not exist" in broken[(CASE_LEDGER, str(complaint.id))]
    assert "removed from its end" in broken[(CASE_RETENTION_LEDGER, str(complaint.id))]


def test_a_case_log_cut_without_a_checkpoint_is_still_reported(
        world, file_complaint, django_capture_on_commit_callbacks, ledger_heads_path):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint()
    CaseLogEntry.objects.filter(complaint_id=complaint.id).delete()
    assert "removed from its end" in broken_chains()[(CASE_LEDGER, str(complaint.id))]
