"""The purge hook: how governance asks every app to destroy what it holds about a subject.

Governance never imports recognition; instead recognition (and any app that stores data about
a subject) calls `register_purge_handler(func)` in its AppConfig.ready(). Withdrawing consent
and granting a deletion request call `subject_purge_schedule`, which records a `SubjectPurge`
in the caller's transaction and enqueues `subject_purge_task` once it commits. The task runs
every handler; handlers must be idempotent because a retry or the sweep may run them again.
"""

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils import timezone

from governance.models import DeletionTrigger, Deployment, SubjectPurge

logger = logging.getLogger(__name__)

# func(*, deployment_id: int, subject_ref: str, reason: str) -> None
PurgeHandler = Callable[..., None]
_HANDLERS: list[PurgeHandler] = []

# A purge not completed this long after it was requested is enqueued again by the sweep.
PURGE_SWEEP_GRACE = dt.timedelta(minutes=10)
PURGE_SWEEP_BATCH_SIZE = 500


class PurgeReason:
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CONSENT_EXPIRED = "consent_expired"
    DELETION_REQUEST = "deletion_request"


# What a deletion certificate names as the trigger of each purge.
ERASURE_TRIGGER = {
    PurgeReason.CONSENT_WITHDRAWN: DeletionTrigger.CONSENT_WITHDRAWAL,
    PurgeReason.CONSENT_EXPIRED: DeletionTrigger.CONSENT_WITHDRAWAL,
    PurgeReason.DELETION_REQUEST: DeletionTrigger.DELETION_REQUEST,
}


def register_purge_handler(func: PurgeHandler) -> PurgeHandler:
    """Register `func` once (usable as a decorator); order of registration is run order."""
    if func not in _HANDLERS:
        _HANDLERS.append(func)
    return func


def unregister_purge_handler(func: PurgeHandler) -> None:
    """For tests that register a handler of their own."""
    if func in _HANDLERS:
        _HANDLERS.remove(func)


def purge_handlers() -> list[PurgeHandler]:
    return list(_HANDLERS)


def subject_purge_schedule(*, deployment: Deployment, subject_ref: str,
                           reason: str) -> SubjectPurge:
    """Record the purge now; run the handlers after the surrounding transaction commits."""
    from governance.services.retention import retention_subject_erase_schedule
    from governance.tasks import subject_purge_task

    purge = SubjectPurge.objects.create(deployment=deployment, subject_ref=subject_ref,
                                        reason=reason)
    # The items are due from this moment, in this transaction: if the task below is lost, the
    # next retention sweep destroys them anyway (DESIGN promise 4).
    retention_subject_erase_schedule(deployment=deployment, subject_ref=subject_ref,
                                     trigger=ERASURE_TRIGGER[reason], at=purge.requested_at)
    transaction.on_commit(partial(subject_purge_task.delay, purge.id))
    return purge


class PurgeIncomplete(Exception):
    """At least one handler failed; the others ran. The task retries, the sweep backs it up."""


def subject_purge_run(*, purge_id: int) -> SubjectPurge:
    """Run every handler for one purge and mark it complete; idempotent."""
    purge = SubjectPurge.objects.get(id=purge_id)
    if purge.completed_at:
        return purge
    failures = []
    for handler in purge_handlers():
        try:
            handler(deployment_id=purge.deployment_id, subject_ref=purge.subject_ref,
                    reason=purge.reason)
        except Exception as exc:  # one failing app must not stop the others from deleting
            logger.exception("Purge handler %r failed for purge %s", handler, purge.id)
            failures.append(f"{getattr(handler, '__qualname__', handler)}: {exc}")
    purge.attempts += 1
    purge.last_error = "\n".join(failures)
    purge.completed_at = None if failures else timezone.now()
    purge.save(update_fields=["attempts", "last_error", "completed_at"])
    if failures:
        raise PurgeIncomplete(purge.last_error)
    return purge


def subject_purges_pending(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of purges that should have finished by now (for the sweep)."""
    cutoff = (now or timezone.now()) - PURGE_SWEEP_GRACE
    pending = SubjectPurge.objects.filter(completed_at__isnull=True, requested_at__lte=cutoff)
    return list(pending.order_by("requested_at").values_list("id", flat=True)
                [:PURGE_SWEEP_BATCH_SIZE])
