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
