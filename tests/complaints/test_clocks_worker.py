"""The complaint clocks through a real Celery worker with beat, on the environment's broker and
the test database: a case 80 % into its triage window is escalated by the scheduled sweep.
Time travel by moving the case's received_at and triage_due into the past; every wait is on a
condition, never a clock."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone

from complaints.models import CaseLogEntry, Complaint, LogKind
from governance.models import Notification
from tests.workers import celery_worker, worker_env

HOUR = dt.timedelta(hours=1)
WAIT_SECONDS = 90


def wait_for(condition, log_path, timeout=WAIT_SECONDS, every=0.1):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, open(log_path).read()[-4000:]
        time.sleep(every)


@pytest.fixture
def empty_queue():
    from config.celery_app import app

    app.control.purge()  # messages left by earlier runs are not this test's
    yield
    app.control.purge()


def received_hours_ago(complaint: Complaint, hours: float) -> None:
    received = timezone.now() - hours * HOUR
    Complaint.objects.filter(id=complaint.id).update(
        received_at=received, triage_due=received + 24 * HOUR, acknowledged_at=received)


def escalation_notices(user):
    return Notification.objects.filter(recipient=user, subject__endswith="due for triage soon")


def sweeps_done(log_path) -> int:
    return len(re.findall(r"complaints\.complaint_clocks_sweep_task\[[^\]]+\] succeeded",
                          open(log_path).read()))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_beat_driven_sweep_escalates_a_case_past_80_percent_of_its_triage_window(
        world, file_complaint, supervisor, tmp_path, empty_queue):
    late = file_complaint()
    young = file_complaint(citizen=world.other_citizen)
    received_hours_ago(late, 20)   # 83 % of the window: due for escalation
    received_hours_ago(young, 10)  # 42 %: not yet

    log = str(tmp_path / "worker.log")
    env = worker_env(FACEGOV_COMPLAINT_CLOCKS_SECONDS="1")
    with celery_worker(env, log, ("--beat", "--schedule", str(tmp_path / "beat"))):
        wait_for(lambda: Complaint.objects.filter(id=late.id, escalated_at__isnull=False)
                 .exists(), log)
        # The supervisors are told after the sweep's commit, by the same run.
        wait_for(lambda: escalation_notices(supervisor).exists(), log)
        # Let beat run the sweep twice more: escalation happens once.
        runs = sweeps_done(log)
        wait_for(lambda: sweeps_done(log) >= runs + 2, log)

    late.refresh_from_db()
    young.refresh_from_db()
    assert late.escalated_at is not None and late.overdue_at is None
    assert young.escalated_at is None
    assert CaseLogEntry.objects.filter(complaint_id=late.id, kind=LogKind.ESCALATED).count() == 1
    assert not CaseLogEntry.objects.filter(complaint_id=young.id,
                                           kind=LogKind.ESCALATED).exists()
    assert list(escalation_notices(supervisor).values_list("subject", flat=True)) == [
        f"Complaint {late.id} is due for triage soon"]


# --- overdue RFIs and orders: a worker killed mid-sweep, then restarted ------------------------

OVERDUE = 150  # of each: enough that the first sweep is still flagging when the kill comes


def _overdue_backlog(world, file_complaint):
    """One investigation with OVERDUE unanswered RFIs and OVERDUE unfulfilled orders past their
    date, plus one of each not yet due and one answered RFI past its date (never flagged)."""
    from complaints.models import InformationRequest, Order, OrderKind, TriageDecision
    from complaints.services.triage import TriageInput, complaint_triage

    complaint = complaint_triage(complaint=file_complaint(), actor=world.inspector,
                                 data=TriageInput(decision=TriageDecision.INVESTIGATE,
                                                  reasons="Consent records missing."))
    investigation = complaint.investigation
    now = timezone.now()
    past, future = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
    sent = now - dt.timedelta(days=20)
    rfis = InformationRequest.objects.bulk_create(
        [InformationRequest(investigation=investigation, questions=f"Question {i}",
                            sent_by=world.inspector, sent_at=sent, due_date=past)
         for i in range(OVERDUE)]
        + [InformationRequest(investigation=investigation, questions="Not yet due",
                              sent_by=world.inspector, sent_at=sent, due_date=future),
           InformationRequest(investigation=investigation, questions="Answered",
                              sent_by=world.inspector, sent_at=sent, due_date=past,
                              answer="Here.", answered_at=past, answered_by=world.acme_admin)])
    orders = Order.objects.bulk_create(
        [Order(investigation=investigation, kind=OrderKind.RECTIFICATION, text=f"Fix {i}",
               due_date=past, issued_by=world.inspector, issued_at=sent)
         for i in range(OVERDUE)]
        + [Order(investigation=investigation, kind=OrderKind.RECTIFICATION, text="Not yet due",
                 due_date=future, issued_by=world.inspector, issued_at=sent),
           Order(investigation=investigation, kind=OrderKind.WARNING, text="A warning",
                 due_date=past, issued_by=world.inspector, issued_at=sent)])
    return investigation, rfis, orders


def flagged_count() -> int:
    from complaints.models import InformationRequest, Order

    return (InformationRequest.objects.filter(overdue_at__isnull=False).count()
            + Order.objects.filter(overdue_at__isnull=False).count())


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_no_overdue_rfi_or_order_goes_unflagged_after_a_worker_is_killed_and_restarted(
        world, file_complaint, tmp_path, empty_queue):
    from complaints.models import (
        Finding,
        InformationRequest,
        InvestigationLogEntry,
        InvestigationLogKind,
        Order,
    )
    from governance.platform.ledger_verify import ledgers_verify
    from tests.workers import wait_until

    investigation, rfis, orders = _overdue_backlog(world, file_complaint)
    env = worker_env(FACEGOV_ENFORCEMENT_SWEEP_SECONDS="1")

    first_log = str(tmp_path / "first.log")
    with celery_worker(env, first_log, ("--beat", "--schedule", str(tmp_path / "beat1"))) as w:
        wait_until(lambda: flagged_count() > 0, what="the first sweep to flag something",
                   log_path=first_log, every=0.01)
        w.kill()  # SIGKILL: no warm shutdown, the sweep's open transaction is cut off
        w.wait(timeout=30)
    at_kill = flagged_count()
    assert at_kill < 2 * OVERDUE, "the kill came after the sweep had finished"

    second_log = str(tmp_path / "second.log")
    with celery_worker(env, second_log, ("--beat", "--schedule", str(tmp_path / "beat2"))):
        wait_until(lambda: flagged_count() >= 2 * OVERDUE,
                   what="the restarted worker to flag the rest", log_path=second_log)
        runs = len(re.findall(r"enforcement_overdue_sweep_task\[[^\]]+\] succeeded",
                              open(second_log).read()))
        wait_until(lambda: len(re.findall(r"enforcement_overdue_sweep_task\[[^\]]+\] succeeded",
                                          open(second_log).read())) >= runs + 2,
                   what="two more sweeps", log_path=second_log)

    overdue_rfis = [r.id for r in rfis[:OVERDUE]]
    overdue_orders = [o.id for o in orders[:OVERDUE]]
    # 0 unflagged: every overdue RFI and order carries its flag ...
    assert not InformationRequest.objects.filter(id__in=overdue_rfis,
                                                 overdue_at__isnull=True).exists()
    assert not Order.objects.filter(id__in=overdue_orders, overdue_at__isnull=True).exists()
    # ... exactly once: one log entry each, and one finding per unanswered RFI
    entries = InvestigationLogEntry.objects.filter(investigation_id=investigation.id)
    rfi_flags = [e.detail["rfi_id"] for e in entries.filter(kind=InvestigationLogKind.RFI_OVERDUE)]
    order_flags = [e.detail["order_id"]
                   for e in entries.filter(kind=InvestigationLogKind.ORDER_OVERDUE)]
    assert sorted(rfi_flags) == sorted(overdue_rfis)
    assert sorted(order_flags) == sorted(overdue_orders)
    assert Finding.objects.filter(rfi_id__in=overdue_rfis).count() == OVERDUE
    # what was not overdue (not yet due, answered, a warning) stays unflagged
    assert list(InformationRequest.objects.filter(overdue_at__isnull=False)
                .exclude(id__in=overdue_rfis)) == []
    assert list(Order.objects.filter(overdue_at__isnull=False)
                .exclude(id__in=overdue_orders)) == []
    # the kill left the chained case log whole
    reports = [r for r in ledgers_verify() if r.ledger == "investigation log"]
    assert [(r.chain_key, r.broken) for r in reports] == [(str(investigation.id), None)]
