"""Retention through a real Celery worker on the environment's broker (Redis in CI) and the
test database: a lost withdrawal task, a worker killed mid-sweep, a deployment's end under a
legal hold."""

import datetime as dt
import os
import signal
import time

import pytest
from django.utils import timezone

from governance.models import DeletionCertificate, Membership, RetentionSweep, Role
from governance.platform.ledger_verify import ledgers_verify
from governance.services.consent import consent_give, consent_withdraw
from governance.services.lifecycle import deployment_decommission
from governance.services.retention import legal_hold_place, legal_hold_release, overdue_count
from recognition.models import Template
from tests.factories import (
    ActiveDeploymentFactory,
    DeploymentNoticeFactory,
    MembershipFactory,
    OrganisationFactory,
    bulk_templates,
)
from tests.workers import celery_worker, worker_env

DAY = dt.timedelta(days=1)
SWEEP_SECONDS = 2
WAIT_SECONDS = 60


def wait_for(condition, log_path, timeout=WAIT_SECONDS, every=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, open(log_path).read()[-4000:]
        time.sleep(every)


@pytest.fixture
def acme_gate(transactional_db):
    acme = OrganisationFactory(name="Acme")
    regulator = OrganisationFactory(name="Regulator", kind="regulator")
    gate = ActiveDeploymentFactory(organisation=acme)
    DeploymentNoticeFactory(deployment=gate)
    admin = MembershipFactory(organisation=acme, role=Role.ADMIN).user
    inspector = MembershipFactory(organisation=regulator, role=Role.INSPECTOR).user
    return gate, admin, inspector


@pytest.fixture
def empty_queue():
    from config.celery_app import app

    app.control.purge()  # messages left by earlier runs are not this test's
    yield
    app.control.purge()


@pytest.mark.worker
def test_a_withdrawal_whose_task_was_lost_is_destroyed_within_one_sweep_interval(
        acme_gate, tmp_path, empty_queue):
    from config.celery_app import app

    gate, admin, _ = acme_gate
    bulk_templates(gate, subjects=2, prefix="s")
    consent = consent_give(deployment=gate, actor=admin, subject_ref="s-0",
                           purposes=["access_control"], method="in_app_explicit",
                           evidence={"time": "t", "ip": "127.0.0.1", "user_agent": "pytest"})
    consent_withdraw(consent=consent, actor=admin)  # commits: its purge task is queued …
    app.control.purge()                               # … and lost

    log = str(tmp_path / "worker.log")
    env = worker_env(FACEGOV_RETENTION_SWEEP_SECONDS=str(SWEEP_SECONDS))
    with celery_worker(env, log, ("--beat", "--schedule", str(tmp_path / "beat"))):
        started = time.monotonic()
        wait_for(lambda: not Template.objects.filter(subject__subject_ref="s-0").exists(), log)
        elapsed = time.monotonic() - started

    assert elapsed < 2 * SWEEP_SECONDS + 5  # beat's first tick, one sweep, some slack
    [certificate] = DeletionCertificate.objects.all()
    assert (certificate.trigger, certificate.count) == ("consent_withdrawal", 1)
    assert list(Template.objects.values_list("subject__subject_ref", flat=True)) == ["s-1"]


@pytest.mark.worker
def test_a_worker_killed_mid_sweep_and_restarted_leaves_nothing_overdue_and_no_duplicate(
        acme_gate, tmp_path, empty_queue):
    from governance.tasks import retention_sweep_task

    gate, _, _ = acme_gate
    bulk_templates(gate, subjects=2000, delete_after=timezone.now() - DAY)
    env = worker_env(FACEGOV_RETENTION_BATCH_SIZE="20")

    log = str(tmp_path / "worker-1.log")
    with celery_worker(env, log) as worker:
        retention_sweep_task.delay()
        wait_for(lambda: DeletionCertificate.objects.count() >= 5, log)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    left = Template.objects.count()
    assert 0 < left < 2000  # killed in the middle of the sweep
    assert not RetentionSweep.objects.exists()

    log = str(tmp_path / "worker-2.log")
    with celery_worker(env, log):
        retention_sweep_task.delay()  # the beat's next tick
        wait_for(lambda: RetentionSweep.objects.filter(finished_at__isnull=False).exists(), log,
                 every=0.2)

    assert overdue_count() == 0
    assert not Template.objects.exists()
    hashes = [h for c in DeletionCertificate.objects.all() for h in c.identifier_hashes]
    assert len(hashes) == len(set(hashes)) == 2000
    assert sum(DeletionCertificate.objects.values_list("count", flat=True)) == 2000
    assert all(report.broken is None for report in ledgers_verify())


@pytest.mark.worker
def test_a_deployments_end_destroys_all_but_the_held_and_the_release_destroys_the_rest(
        acme_gate, tmp_path, empty_queue):
    gate, admin, inspector = acme_gate
    bulk_templates(gate, subjects=3, prefix="s")
    hold = legal_hold_place(actor=inspector, deployment=gate, subject_ref="s-2",
                            reason="Court case 4", expires_at=timezone.now() + 90 * DAY)
    log = str(tmp_path / "worker.log")
    with celery_worker(worker_env(), log):
        deployment_decommission(deployment=gate, actor=admin, reason="Gate removed")
        wait_for(lambda: Template.objects.count() == 1, log)
        assert Template.objects.get().subject.subject_ref == "s-2"
        assert overdue_count() == 0  # the held one is due but not overdue

        legal_hold_release(hold=hold, actor=inspector)  # enqueues the deployment's destroy
        wait_for(lambda: not Template.objects.exists(), log)

    assert sorted(DeletionCertificate.objects.values_list("trigger", "count")) == [
        ("deployment_end", 1), ("deployment_end", 2)]
    assert Membership.objects.filter(user=admin).exists()
