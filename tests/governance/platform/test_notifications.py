"""Notifications and the mail outbox: written in the caller's transaction, sent after commit
by a task that retries only what can recover, and never able to fail the caller."""

import smtplib

import pytest
from django.core import mail
from django.db import connection, transaction

from governance.models import MailStatus, Notification, OutboundMail
from governance.platform.notifications import (
    MAIL_MAX_ATTEMPTS,
    MailDeferred,
    mail_deliver,
    mail_outbox_requeue_lost,
    mail_send_later,
    notification_mark_read,
    notifications_unread_count,
    notify,
)
from tests.governance.platform.mail_backends import FlakyBackend


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.governance.platform.mail_backends.FlakyBackend"
    FlakyBackend.failures, FlakyBackend.calls = [], 0
    return FlakyBackend


def outbox_table_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM governance_outboundmail")
        return str(cursor.fetchall())


def test_notify_stores_the_notification_and_mails_it_after_commit(
        world, eager, django_capture_on_commit_callbacks):
    world.citizen.email = "zhang.min@example.org"
    world.citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(recipient=world.citizen, subject="Your request\nBcc: x@evil.org",
                      body="It was extended.", link="/citizen/requests/7/")
        assert mail.outbox == []
        assert "zhang.min" not in outbox_table_text()  # the queued mail is sealed
    stored = Notification.objects.get()
    assert (stored.pk, stored.recipient, stored.read_at) == (note.pk, world.citizen, None)
    assert stored.subject == "Your request Bcc: x@evil.org"  # one header line, no injection
    [sent] = mail.outbox
    assert sent.to == ["zhang.min@example.org"]
    assert sent.subject == "Your request Bcc: x@evil.org"
    assert sent.body == "It was extended.\n\nhttp://127.0.0.1:8000/citizen/requests/7/"
    queued = OutboundMail.objects.get()
    assert (queued.status, queued.attempts, bytes(queued.sealed_message)) == (
        MailStatus.SENT, 1, b"")


def test_without_email_or_when_asked_not_to_only_the_in_app_row_is_written(world):
    world.citizen.email = ""
    notify(recipient=world.citizen, subject="a", body="b")
    notify(recipient=world.acme_admin, subject="c", body="d", email=False)
    assert Notification.objects.count() == 2
    assert not OutboundMail.objects.exists()


def test_nothing_is_sent_or_kept_when_the_callers_transaction_rolls_back(
        world, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            notify(recipient=world.citizen, subject="s", body="b")
            raise RuntimeError("the change failed")
    assert not Notification.objects.exists() and not OutboundMail.objects.exists()
    assert mail.outbox == []


def test_a_refused_connection_is_retried_until_the_mail_goes_out(
        db, flaky, eager, django_capture_on_commit_callbacks):
    flaky.failures = [ConnectionRefusedError(111, "Connection refused"),
                      smtplib.SMTPServerDisconnected("gone"),
                      smtplib.SMTPResponseException(451, b"try again later")]
    with django_capture_on_commit_callbacks(execute=True):
        mail_send_later(to="someone@example.org", subject="Code", body="123456")
    queued = OutboundMail.objects.get()
    assert (queued.status, queued.attempts, flaky.calls) == (MailStatus.SENT, 4, 4)
    assert [m.body for m in mail.outbox] == ["123456"]


def test_a_permanent_refusal_is_recorded_and_not_retried(
        db, flaky, eager, django_capture_on_commit_callbacks):
    flaky.failures = [smtplib.SMTPRecipientsRefused({"x@nowhere": (550, b"no such user")})]
    with django_capture_on_commit_callbacks(execute=True):
        mail_send_later(to="x@nowhere", subject="Code", body="123456")
    queued = OutboundMail.objects.get()
    assert (queued.status, queued.attempts, flaky.calls) == (MailStatus.FAILED, 1, 1)
    assert "SMTPRecipientsRefused" in queued.last_error
    assert bytes(queued.sealed_message) == b""  # the code is not kept once it cannot go out
    assert mail.outbox == []


def test_a_transient_failure_defers_and_the_attempts_are_bounded(db, flaky):
    mail_id = mail_send_later(to="a@example.org", subject="s", body="b").id
    flaky.failures = [TimeoutError("timed out")] * MAIL_MAX_ATTEMPTS
    for _ in range(MAIL_MAX_ATTEMPTS - 1):
        with pytest.raises(MailDeferred):
            mail_deliver(mail_id=mail_id)
    assert OutboundMail.objects.get().status == MailStatus.PENDING
    assert mail_deliver(mail_id=mail_id) == "failed"
    assert mail_deliver(mail_id=mail_id) == "skipped"  # idempotent: never sent twice
    assert OutboundMail.objects.get().attempts == MAIL_MAX_ATTEMPTS


def test_a_broker_that_is_down_at_commit_does_not_fail_the_caller_and_the_sweep_sends_later(
        world, eager, monkeypatch, django_capture_on_commit_callbacks):
    from governance.tasks import send_mail_task

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(send_mail_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=world.citizen, subject="s", body="b")
    assert OutboundMail.objects.get().status == MailStatus.PENDING
    monkeypatch.undo()
    OutboundMail.objects.update(created_at=OutboundMail.objects.get().created_at.replace(year=2000))
    assert mail_outbox_requeue_lost() == 1
    assert OutboundMail.objects.get().status == MailStatus.SENT
    assert len(mail.outbox) == 1


def test_marking_read_touches_only_the_users_own_notifications(world):
    mine = notify(recipient=world.citizen, subject="mine", body="", email=False)
    notify(recipient=world.citizen, subject="also mine", body="", email=False)
    theirs = notify(recipient=world.other_citizen, subject="theirs", body="", email=False)
    assert notification_mark_read(user=world.citizen, notification_id=theirs.pk) == 0
    assert notification_mark_read(user=world.citizen, notification_id=mine.pk) == 1
    assert notifications_unread_count(user=world.citizen) == 1
    assert notification_mark_read(user=world.citizen) == 1
    assert notifications_unread_count(user=world.citizen) == 0
    assert notifications_unread_count(user=world.other_citizen) == 1
