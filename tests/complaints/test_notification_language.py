"""What others (or the worker) send a person is written in that person's language: the one
they chose with the switch, or the one their browser asked for when they signed in — not the
language of whoever acted."""

from django.core import mail
from django.urls import reverse
from django.utils import translation

from complaints.notices import message_notify
from complaints.services.clocks import complaint_acknowledge
from governance.models import Notification, User
from governance.platform.notifications import notify


def test_the_switch_remembers_the_language_on_the_account(world, client):
    client.force_login(world.citizen)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert User.objects.get(pk=world.citizen.pk).language == "zh-hans"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # not offered
    assert User.objects.get(pk=world.citizen.pk).language == "zh-hans"


def test_signing_in_with_a_chinese_browser_sets_the_language_once(world, client):
    world.citizen.set_password("pw-for-the-test")
    world.citizen.save()
    client.post(reverse("login"), {"username": world.citizen.username,
                                   "password": "pw-for-the-test"},
                HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert User.objects.get(pk=world.citizen.pk).language == "zh-hans"


def test_a_chinese_reader_is_told_in_chinese_when_an_english_worker_writes(
        world, file_complaint, django_capture_on_commit_callbacks):
    world.citizen.language = "zh-hans"
    world.citizen.email = "citizen@example.org"
    world.citizen.save()
    complaint = file_complaint()
    Notification.objects.all().delete()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        complaint_acknowledge(complaint_id=complaint.id)
    told = Notification.objects.get(recipient=world.citizen)
    assert told.subject == "我们已收到您的投诉"
    # ... and the English-reading regulator stays in English whatever the actor's language.
    with translation.override("zh-hans"):
        notify(recipient=world.inspector, subject=lambda: translation.gettext(
            "We received your complaint"), body="x")
    assert Notification.objects.get(recipient=world.inspector).subject == (
        "We received your complaint")


def test_the_other_side_of_a_message_reads_the_notice_in_its_own_language(world,
                                                                         file_complaint):
    from complaints.models import CaseMessage, Channel, Party

    world.citizen.language = "zh-hans"
    world.citizen.save()
    complaint = file_complaint()
    message = CaseMessage.objects.create(complaint=complaint, channel=Channel.COMPLAINANT,
                                         party=Party.REGULATOR, author=world.inspector,
                                         body="Please send the date.")
    Notification.objects.all().delete()
    mail.outbox.clear()
    with translation.override("en"):
        assert message_notify(message_id=message.id) == 1
    assert Notification.objects.get(recipient=world.citizen).subject == (
        f"案件 {complaint.id} 有新消息")
