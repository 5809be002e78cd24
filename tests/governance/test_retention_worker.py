"""Retention through a real Celery worker on the environment's broker (Redis in CI) and the
test database: a lost withdrawal task, a worker killed mid-sweep, a deployment's end under a
legal hold."""

import datetime as dt
import os
import signal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from governance.models import DeletionCertificate, Deployment, Membership, RetentionSweep, Role
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
from tests.workers import celery_worker, wait_until, worker_env

DAY = dt.timedelta(days=1)
SWEEP_SECONDS = 2


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
        wait_until(lambda: RetentionSweep.objects.exists(), log_path=log,
                   what="the first beat-driven retention sweep to finish")

    # Counted in sweeps, not seconds: the first sweep beat ran is the one that destroyed it.
    first_sweep = RetentionSweep.objects.order_by("started_at").first()
    assert (first_sweep.destroyed, first_sweep.certificates) == (1, 1)
    [certificate] = DeletionCertificate.objects.all()
    assert (certificate.trigger, certificate.count) == ("consent_withdrawal", 1)
    assert certificate.recorded_at <= first_sweep.finished_at
    assert list(Template.objects.values_list("subject__subject_ref", flat=True)) == ["s-1"]


def sweep_waits_on_a_lock() -> bool:
    """A worker's transaction is parked on a row lock (PostgreSQL's view of its backends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0


@pytest.mark.worker
def test_a_worker_killed_mid_sweep_and_restarted_leaves_nothing_overdue_and_no_duplicate(
        acme_gate, tmp_path, empty_queue):
    """The sweep is parked mid-way on purpose: the test holds the second deployment's row
    lock, so the worker destroys the first deployment batch by batch and then waits; it is
    killed there, with no clock and no race deciding how far it got."""
    if connection.vendor != "postgresql":
        pytest.skip("parking the sweep on a row lock needs PostgreSQL (SQLite has none)")
    from governance.tasks import retention_sweep_task

    first, _, _ = acme_gate
    second = ActiveDeploymentFactory(organisation=first.organisation)  # swept after `first`
    bulk_templates(first, subjects=100, delete_after=timezone.now() - DAY, prefix="a")
    bulk_templates(second, subjects=300, delete_after=timezone.now() - DAY, prefix="b")
    env = worker_env(FACEGOV_RETENTION_BATCH_SIZE="20")

    log = str(tmp_path / "worker-1.log")
    with transaction.atomic():
        Deployment.objects.select_for_update().get(id=second.id)
        with celery_worker(env, log) as worker:
            retention_sweep_task.delay()
            wait_until(lambda: (not Template.objects.filter(subject__deployment=first).exists()
                                and sweep_waits_on_a_lock()), log_path=log,
                       what="the sweep to finish the first deployment and wait on the second")
            os.kill(worker.pid, signal.SIGKILL)
            assert worker.wait(timeout=30) == -signal.SIGKILL
    # Killed in the middle of the sweep: five batches certified, the rest untouched.
    assert DeletionCertificate.objects.filter(deployment=first).count() == 5
    assert Template.objects.filter(subject__deployment=second).count() == 300
    assert not RetentionSweep.objects.exists()

    log = str(tmp_path / "worker-2.log")
    with celery_worker(env, log):
        retention_sweep_task.delay()  # the beat's next tick
        wait_until(lambda: RetentionSweep.objects.filter(finished_at__isnull=False).exists(),
                   log_path=log, what="the restarted worker's sweep to finish")

    assert overdue_count() == 0
    assert not Template.objects.exists()
    hashes = [h for c in DeletionCertificate.objects.all() for h in c.identifier_hashes]
    assert len(hashes) == len(set(hashes)) == 400
    assert sum(DeletionCertificate.objects.values_list("count", flat=True)) == 400
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
        wait_until(lambda: Template.objects.count() == 1, log_path=log,
                   what="the decommissioning to destroy all but the held template")
        assert Template.objects.get().subject.subject_ref == "s-2"
        assert overdue_count() == 0  # the held one is due but not overdue

        legal_hold_release(hold=hold, actor=inspector)  # enqueues the deployment's destroy
        wait_until(lambda: not Template.objects.exists(), log_path=log,
                   what="the hold's release to destroy the last template")

    assert sorted(DeletionCertificate.objects.values_list("trigger", "count")) == [
        ("deployment_end", 1), ("deployment_end", 2)]
    assert Membership.objects.filter(user=admin).exists()
