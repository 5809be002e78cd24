"""The purge hook: handlers registered by other apps run after commit, idempotently."""

import datetime as dt

import pytest

from governance.models import SubjectPurge
from governance.purge import (
    PurgeIncomplete,
    register_purge_handler,
    subject_purge_run,
    subject_purges_pending,
    unregister_purge_handler,
)
from governance.services.consent import consent_withdraw


@pytest.fixture
def calls():
    """A purge handler, as recognition would register it, that records its calls."""
    seen: list[dict] = []

    def handler(*, deployment_id: int, subject_ref: str, reason: str) -> None:
        seen.append({"deployment_id": deployment_id, "subject_ref": subject_ref,
                     "reason": reason})

    register_purge_handler(handler)
    yield seen
    unregister_purge_handler(handler)


def test_withdrawal_runs_every_handler_once_the_transaction_commits(
        world, gate, citizen_consent, calls, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=citizen_consent, actor=world.citizen)
        assert calls == []  # nothing runs before the commit
    assert calls == [{"deployment_id": gate.id, "subject_ref": citizen_consent.subject_ref,
                      "reason": "consent_withdrawn"}]
    assert SubjectPurge.objects.get().completed_at is not None


def test_running_a_completed_purge_again_calls_no_handler(world, gate, calls):
    purge = SubjectPurge.objects.create(deployment=gate, subject_ref="s-1", reason="test")
    subject_purge_run(purge_id=purge.id)
    subject_purge_run(purge_id=purge.id)
    assert len(calls) == 1


def test_a_failing_handler_does_not_stop_the_others_and_leaves_the_purge_pending(gate, calls):
    def broken(**kwargs) -> None:
        raise RuntimeError("vault offline")

    register_purge_handler(broken)
    try:
        purge = SubjectPurge.objects.create(deployment=gate, subject_ref="s-1", reason="test")
        with pytest.raises(PurgeIncomplete):
            subject_purge_run(purge_id=purge.id)
    finally:
        unregister_purge_handler(broken)
    purge.refresh_from_db()
    assert len(calls) == 1
    assert (purge.completed_at, purge.attempts) == (None, 1)
    assert "vault offline" in purge.last_error


def test_the_sweep_finds_purges_whose_task_was_lost(gate):
    lost = SubjectPurge.objects.create(deployment=gate, subject_ref="s-1", reason="test")
    SubjectPurge.objects.create(deployment=gate, subject_ref="s-2", reason="test",
                                completed_at=lost.requested_at)
    assert subject_purges_pending() == []  # still within its grace period
    assert subject_purges_pending(now=lost.requested_at + dt.timedelta(hours=1)) == [lost.id]
