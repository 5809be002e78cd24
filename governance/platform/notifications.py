"""Telling people things: an in-app notification always, mail when there is an address.

- `notify` writes the Notification in the caller's transaction and, if the recipient has an
  email address, queues the same text as mail.
- `mail_send_later` queues mail to an address that belongs to no user (a contact proof).

Queued mail is an `OutboundMail` row written in the caller's transaction, with its address,
subject and body sealed; after commit `send_mail_task` sends it through Django's
EMAIL_BACKEND, retrying only what can recover (a refused connection, a 4xx reply), and wipes
the sealed message once sent. Sending never runs inside the request, so a mail server that is
down, slow or missing never fails the change that wanted to tell someone; a sweep re-enqueues
mail whose task was lost (the broker was down at commit).
"""

import datetime as dt
import json
import logging
import smtplib
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from governance.models.notifications import MailStatus, Notification, OutboundMail
from governance.platform.crypto import KeyPurpose, seal, unseal

logger = logging.getLogger(__name__)

MAIL_MAX_ATTEMPTS = 8
MAIL_AAD = b"facegov/outbound-mail/v1"
SUBJECT_MAX_CHARS = 200
# A queued mail never tried after this long lost its task (the broker was down at commit):
# the sweep enqueues it again. One that was tried is retried by its own task, with backoff
# (about two hours in all); after MAIL_RETRIES_LOST_AFTER its retry was lost too.
MAIL_LOST_AFTER = dt.timedelta(minutes=15)
MAIL_RETRIES_LOST_AFTER = dt.timedelta(hours=6)
SWEEP_BATCH_SIZE = 500


class MailDeferred(Exception):
    """Sending failed in a way that can recover; the task retries later."""


def _seal_message(to: str, subject: str, body: str) -> bytes:
    message = json.dumps({"to": to, "subject": subject, "body": body}).encode()
    return seal(KeyPurpose.MAIL_OUTBOX, message, aad=MAIL_AAD)


def _unseal_message(sealed: bytes) -> dict[str, str]:
    return json.loads(unseal(KeyPurpose.MAIL_OUTBOX, sealed, aad=MAIL_AAD))


def _enqueue(mail_id: int) -> None:
    """After commit. A broker that is down must not fail the request: the sweep retries."""
    from governance.tasks import send_mail_task

    try:
        send_mail_task.delay(mail_id)
    except Exception:  # noqa: BLE001 — any broker failure; the row is the source of truth
        logger.warning("Mail %s could not be queued; the outbox sweep will send it", mail_id,
                       exc_info=True)


def mail_send_later(*, to: str, subject: str, body: str) -> OutboundMail:
    """Queue one mail, sent after the caller's transaction commits (never if it rolls back)."""
    subject = " ".join(str(subject).split())[:SUBJECT_MAX_CHARS]  # no header injection
    mail = OutboundMail.objects.create(sealed_message=_seal_message(to.strip(), subject,
                                                                    str(body)))
    transaction.on_commit(partial(_enqueue, mail.id))
    return mail


#: What a notification says: a text, or a function writing it — called in the recipient's
#: language, so a citizen who reads Chinese is told in Chinese whoever acted (or the worker).
Text = str | Callable[[], str]


def recipient_language(recipient: Any) -> str:
    return getattr(recipient, "language", "") or settings.LANGUAGE_CODE


def _written(text: Text, language: str) -> str:
    if not callable(text):
        return str(text)
    with translation.override(language):
        return str(text())


def notify(*, recipient: Any, subject: Text, body: Text, link: str = "",
           email: bool = True) -> Notification:
    """Tell `recipient` in-app, and by mail too when asked and they have an address."""
    language = recipient_language(recipient)
    subject, body = _written(subject, language), _written(body, language)
    subject = " ".join(subject.split())[:SUBJECT_MAX_CHARS]
    mail = None
    if email and getattr(recipient, "email", ""):
        text = f"{body}\n\n{urljoin(settings.FACEGOV_SITE_URL, link)}" if link else str(body)
        mail = mail_send_later(to=recipient.email, subject=subject, body=text)
    return Notification.objects.create(recipient=recipient, subject=subject, body=str(body),
                                       link=link, mail=mail)


def _is_transient(exc: Exception) -> bool:
    """A 4xx reply, a dropped or refused connection, a timeout: worth trying again. A 5xx
    reply (bad address, refused sender, bad credentials) will fail the same way every time."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)  # ConnectionRefusedError, TimeoutError, DNS failures


def mail_deliver(*, mail_id: int) -> str:
    """Send one queued mail (idempotent: a sent or failed mail is left alone).

    Returns "sent", "failed" or "skipped"; raises MailDeferred on a recoverable failure.
    """
    outcome, error = _deliver_locked(mail_id)
    if outcome == "deferred":
        raise MailDeferred(error)
    return outcome


@transaction.atomic
def _deliver_locked(mail_id: int) -> tuple[str, str]:
    # The row lock makes a duplicate task (from the sweep) wait, then see the mail sent.
    mail = OutboundMail.objects.select_for_update().filter(pk=mail_id).first()
    if mail is None or mail.status != MailStatus.PENDING:
        return "skipped", ""
    message = _unseal_message(bytes(mail.sealed_message))
    mail.attempts += 1
    try:
        EmailMessage(message["subject"], message["body"], None, [message["to"]]).send()
    except Exception as exc:  # noqa: BLE001 — classified below, never swallowed silently
        return _record_failure(mail, exc)
    mail.status, mail.sent_at, mail.sealed_message, mail.last_error = (
        MailStatus.SENT, timezone.now(), b"", "")
    mail.save(update_fields=["status", "sent_at", "sealed_message", "last_error", "attempts"])
    return "sent", ""


def _record_failure(mail: OutboundMail, exc: Exception) -> tuple[str, str]:
    error = f"{type(exc).__name__}: {exc}"[:500]
    mail.last_error = error
    if _is_transient(exc) and mail.attempts < MAIL_MAX_ATTEMPTS:
        mail.save(update_fields=["attempts", "last_error"])
        logger.warning("Mail %s deferred (attempt %s): %s", mail.id, mail.attempts, error)
        return "deferred", error
    mail.status, mail.sealed_message = MailStatus.FAILED, b""
    mail.save(update_fields=["status", "sealed_message", "attempts", "last_error"])
    logger.error("Mail %s failed for good after %s attempts: %s", mail.id, mail.attempts, error)
    return "failed", error


def mail_outbox_requeue_lost(*, now: dt.datetime | None = None) -> int:
    """The sweep: enqueue again the pending mail whose task was lost (a duplicate is
    harmless: delivery locks the row and sends a mail once)."""
    now = now or timezone.now()
    never_tried = Q(attempts=0, created_at__lt=now - MAIL_LOST_AFTER)
    retries_lost = Q(created_at__lt=now - MAIL_RETRIES_LOST_AFTER)
    lost = list(OutboundMail.objects.filter(never_tried | retries_lost,
                                            status=MailStatus.PENDING)
                .order_by("created_at").values_list("id", flat=True)[:SWEEP_BATCH_SIZE])
    for mail_id in lost:
        _enqueue(mail_id)
    return len(lost)


# --- reading and marking read (the Notifications page and API) -------------------------------


def notifications_for_user(*, user: Any) -> QuerySet[Notification]:
    """A person's own notifications, newest first. Nobody reads another's."""
    return Notification.objects.filter(recipient=user)


def notifications_unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them (None); returns how many
    changed. Another person's notification is simply not found (0)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
