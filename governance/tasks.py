"""Celery tasks of governance. Tasks are thin: they take ids and call services."""

from celery import shared_task
from django.db import OperationalError

from governance.platform.notifications import MAIL_MAX_ATTEMPTS, MailDeferred
from governance.purge import PurgeIncomplete

# Only failures that can recover are retried: a database or broker hiccup, a purge handler
# that failed (handlers are idempotent, so running them again is safe).
RECOVERABLE = (OperationalError, ConnectionError)


@shared_task(name="governance.platform_ping_task")
def platform_ping_task(token: str) -> str:
    """Round-trip probe for /healthz?deep=1 and the broker tests: echoes its token."""
    return f"pong:{token}"


# --- consent, purge and rights requests ------------------------------------------------------
# Each task fetches by id and calls one service; services are idempotent, so a retried or
# duplicated task does no harm.


@shared_task(name="governance.subject_purge_task", autoretry_for=(PurgeIncomplete, *RECOVERABLE),
             retry_backoff=30, retry_backoff_max=600, max_retries=8)
def subject_purge_task(purge_id: int) -> None:
    """Run every registered purge handler for one SubjectPurge."""
    from governance.purge import subject_purge_run

    subject_purge_run(purge_id=purge_id)


@shared_task(name="governance.subject_purge_sweep_task")
def subject_purge_sweep_task() -> int:
    """Re-enqueue purges whose task was lost: withdrawal must end in deletion regardless."""
    from governance.purge import subject_purges_pending

    pending = subject_purges_pending()
    for purge_id in pending:
        subject_purge_task.delay(purge_id)
    return len(pending)


@shared_task(name="governance.rights_export_task", autoretry_for=RECOVERABLE,
             retry_backoff=30, max_retries=5)
def rights_export_task(request_id: int) -> int:
    from governance.services.exports import rights_export_build

    return rights_export_build(request_id=request_id).id


@shared_task(name="governance.rights_export_erase_task")
def rights_export_erase_task() -> int:
    from governance.services.exports import rights_exports_erase_expired

    return rights_exports_erase_expired()


@shared_task(name="governance.consent_expiry_sweep_task")
def consent_expiry_sweep_task() -> int:
    from governance.services.consent import consents_expire_due

    return consents_expire_due()


@shared_task(name="governance.rights_request_overdue_sweep_task")
def rights_request_overdue_sweep_task() -> int:
    from governance.services.rights import rights_requests_mark_overdue

    return rights_requests_mark_overdue()


# --- retention -------------------------------------------------------------------------------
# Late acknowledgement is on for every task (settings): a worker killed mid-sweep leaves the
# message queued, and since each batch is its own transaction, a rerun resumes where the
# killed one stopped without destroying or certifying anything twice.


@shared_task(name="governance.retention_sweep_task", autoretry_for=RECOVERABLE,
             retry_backoff=10, retry_backoff_max=300, max_retries=5)
def retention_sweep_task() -> int:
    """The beat's sweep: everything overdue and unheld, in every deployment."""
    from governance.services.retention import retention_sweep

    return retention_sweep().destroyed


@shared_task(name="governance.retention_deployment_task", autoretry_for=RECOVERABLE,
             retry_backoff=10, retry_backoff_max=300, max_retries=5)
def retention_deployment_task(deployment_id: int) -> int:
    """At once for one deployment: its end, a changed rule, a released hold."""
    from governance.services.retention import retention_destroy_due

    return retention_destroy_due(deployment_id=deployment_id).destroyed


# --- platform: sealed uploads ----------------------------------------------------------------


@shared_task(name="governance.sealed_files_destroy_due_task", autoretry_for=RECOVERABLE,
             retry_backoff=30, max_retries=5)
def sealed_files_destroy_due_task() -> int:
    """Destroy sealed uploads whose owning feature set a delete_after that has passed."""
    from governance.platform.uploads import sealed_files_destroy_due

    return sealed_files_destroy_due()


# --- platform: mail --------------------------------------------------------------------------


@shared_task(name="governance.send_mail_task", autoretry_for=(MailDeferred, *RECOVERABLE),
             retry_backoff=60, retry_backoff_max=3600, max_retries=MAIL_MAX_ATTEMPTS)
def send_mail_task(mail_id: int) -> str:
    """Send one queued OutboundMail. Recoverable failures (a 4xx reply, a refused connection,
    a database hiccup) are retried with backoff; the service records anything else on the
    row, so the task never retries what cannot recover."""
    from governance.platform.notifications import mail_deliver

    return mail_deliver(mail_id=mail_id)


@shared_task(name="governance.mail_outbox_sweep_task")
def mail_outbox_sweep_task() -> int:
    """Enqueue again the mail whose task was lost (the broker was down at commit)."""
    from governance.platform.notifications import mail_outbox_requeue_lost

    return mail_outbox_requeue_lost()


# --- ledger heads ----------------------------------------------------------------------------


@shared_task(name="governance.ledger_heads_publish_missed_task")
def ledger_heads_publish_missed_task() -> int:
    """Publish the signed heads whose after-commit publication never happened."""
    from governance.platform.ledger_heads import ledger_heads_publish_missed

    return ledger_heads_publish_missed()


# --- industry self-regulation ----------------------------------------------------------------


@shared_task(name="governance.corrective_actions_overdue_task", autoretry_for=RECOVERABLE,
             retry_backoff=30, max_retries=5)
def corrective_actions_overdue_task() -> int:
    """Flag corrective actions past their due date (each once) and regrade their members."""
    from governance.services.industry import corrective_actions_flag_overdue

    return corrective_actions_flag_overdue()
