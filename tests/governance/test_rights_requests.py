"""Rights requests: deadlines across month ends, one told extension, answers, the export."""

import datetime as dt
import json

import pytest
from cryptography.exceptions import InvalidTag
from django.core import mail
from django.utils import timezone

from governance.errors import DomainError, InvalidTransition, NotPermitted
from governance.models import (
    Deployment,
    DeploymentStatus,
    MailStatus,
    Notification,
    OutboundMail,
    RequestState,
    RightsExport,
    RightsRequest,
    RightsRequestEvent,
    SubjectPurge,
)
from governance.platform.crypto import KeyPurpose, unseal
from governance.purge import register_purge_handler, unregister_purge_handler
from governance.records import register_records_provider, unregister_records_provider
from governance.services.exports import (
    EXPORT_AVAILABLE_FOR,
    rights_export_open,
    rights_exports_erase_expired,
)
from governance.services.rights import (
    rights_request_extend,
    rights_request_file,
    rights_request_fulfil,
    rights_request_reject,
    rights_request_start,
    rights_requests_mark_overdue,
)

UTC = dt.UTC


@pytest.fixture
def clock(monkeypatch):
    """Set the platform's clock: clock(datetime)."""

    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def access(world, gate, citizen_consent):
    return rights_request_file(citizen=world.citizen, deployment=gate, type="access")


@pytest.mark.parametrize(
    ("filed", "due", "extended_due"),
    [
        (dt.datetime(2026, 1, 20, 12, tzinfo=UTC), dt.date(2026, 2, 4), dt.date(2026, 3, 6)),
        (dt.datetime(2026, 1, 31, 9, tzinfo=UTC), dt.date(2026, 2, 15), dt.date(2026, 3, 17)),
        (dt.datetime(2026, 12, 20, 9, tzinfo=UTC), dt.date(2027, 1, 4), dt.date(2027, 2, 3)),
    ],
)
def test_the_deadline_and_its_one_extension_cross_month_ends(world, gate, clock, filed, due,
                                                             extended_due):
    clock(filed)
    request = rights_request_file(citizen=world.citizen, deployment=gate, type="access")
    assert request.due_at == dt.datetime.combine(due, dt.time(23, 59, 59), tzinfo=UTC)
    clock(filed + dt.timedelta(days=3))
    request = rights_request_extend(request=request, actor=world.acme_admin,
                                    reason="The gate logs are archived off-site.")
    assert request.state == RequestState.EXTENDED
    assert request.due_at == dt.datetime.combine(extended_due, dt.time(23, 59, 59), tzinfo=UTC)


def test_the_deadline_follows_the_configured_number_of_days(world, gate, clock, settings):
    settings.FACEGOV_REQUEST_DEADLINE_DAYS = 30
    clock(dt.datetime(2026, 2, 10, 8, tzinfo=UTC))
    request = rights_request_file(citizen=world.citizen, deployment=gate, type="deletion")
    assert request.due_at.date() == dt.date(2026, 3, 12)


def test_the_citizen_is_told_the_reason_for_the_extension(world, access):
    world.citizen.email = "citizen@example.org"
    world.citizen.save()
    with pytest.raises(DomainError):
        rights_request_extend(request=access, actor=world.acme_admin, reason="  ")
    rights_request_extend(request=access, actor=world.acme_admin, reason="Archive is off-site")
    # on-commit callbacks do not run inside the test transaction; the event is the record
    event = access.events.order_by("at", "id").last()
    assert event.state == "extended"
    assert "Archive is off-site" in event.note


def test_the_extension_email_goes_out_after_commit_through_the_mail_task(
        world, access, eager, django_capture_on_commit_callbacks):
    world.citizen.email = "citizen@example.org"
    world.citizen.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rights_request_extend(request=access, actor=world.acme_admin, reason="Archive")
        assert mail.outbox == []  # nothing is sent inside the transaction
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["citizen@example.org"]
    assert "Archive" in mail.outbox[0].body
    assert f"/citizen/requests/{access.id}/" in mail.outbox[0].body
    notification = Notification.objects.get()
    assert (notification.recipient, notification.read_at) == (world.citizen, None)
    assert notification.link == f"/citizen/requests/{access.id}/"
    assert notification.mail.status == MailStatus.SENT


def test_a_citizen_without_an_email_is_told_in_app_only(world, access):
    world.citizen.email = ""
    world.citizen.save()
    rights_request_extend(request=access, actor=world.acme_admin, reason="Archive")
    notification = Notification.objects.get(recipient=world.citizen)
    assert "Archive" in notification.body
    assert notification.mail is None and not OutboundMail.objects.exists()


def test_a_request_is_extended_only_once(world, access):
    rights_request_extend(request=access, actor=world.acme_admin, reason="first")
    with pytest.raises(InvalidTransition) as caught:
        rights_request_extend(request=access, actor=world.acme_admin, reason="second")
    assert caught.value.code == "already_extended"
    assert RightsRequest.objects.get().extension_reason == "first"


def test_the_sweep_marks_late_requests_overdue_and_they_can_still_be_answered(world, access):
    late = access.due_at + dt.timedelta(seconds=1)
    assert rights_requests_mark_overdue(now=access.due_at) == 0
    assert rights_requests_mark_overdue(now=late) == 1
    assert rights_requests_mark_overdue(now=late) == 0
    access.refresh_from_db()
    assert access.state == RequestState.OVERDUE
    with pytest.raises(InvalidTransition):
        rights_request_extend(request=access, actor=world.acme_admin, reason="too late")
    rights_request_reject(request=access, actor=world.acme_admin, reason="Not our data",
                          court_route="The people's court of Demo Province")
    assert RightsRequest.objects.get().state == RequestState.REJECTED


@pytest.mark.parametrize(("reason", "court_route"), [("", "court"), ("reasons", " ")])
def test_a_rejection_without_reasons_or_court_route_changes_nothing(world, access, reason,
                                                                    court_route):
    events_before = RightsRequestEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        rights_request_reject(request=access, actor=world.acme_admin, reason=reason,
                              court_route=court_route)
    assert caught.value.code == "reasons_required"
    assert RightsRequest.objects.get().state == RequestState.RECEIVED
    assert RightsRequestEvent.objects.count() == events_before


def test_only_admins_and_privacy_officers_of_the_operator_handle_requests(world, access):
    for outsider in (world.acme_operator, world.other_admin, world.inspector, world.citizen):
        with pytest.raises(NotPermitted):
            rights_request_start(request=access, actor=outsider)
    assert RightsRequest.objects.get().state == RequestState.RECEIVED


def test_only_citizens_file_requests_and_only_against_deployments_that_ran(world, gate):
    with pytest.raises(NotPermitted):
        rights_request_file(citizen=world.acme_admin, deployment=gate, type="access")
    Deployment.objects.filter(pk=gate.pk).update(status=DeploymentStatus.DRAFT)
    gate.refresh_from_db()
    with pytest.raises(NotPermitted):
        rights_request_file(citizen=world.citizen, deployment=gate, type="access")
    assert RightsRequest.objects.count() == 0


def test_a_correction_request_needs_details(world, gate):
    with pytest.raises(DomainError):
        rights_request_file(citizen=world.citizen, deployment=gate, type="correction")
    assert RightsRequest.objects.count() == 0


def test_a_deletion_request_runs_the_purge_hook_for_the_citizens_subjects(
        world, gate, citizen_consent, eager, django_capture_on_commit_callbacks):
    purged = []

    def handler(*, deployment_id, subject_ref, reason):
        purged.append((deployment_id, subject_ref, reason))

    register_purge_handler(handler)
    try:
        request = rights_request_file(citizen=world.citizen, deployment=gate, type="deletion")
        with django_capture_on_commit_callbacks(execute=True):
            rights_request_fulfil(request=request, actor=world.acme_admin)
    finally:
        unregister_purge_handler(handler)
    assert purged == [(gate.id, citizen_consent.subject_ref, "deletion_request")]
    assert SubjectPurge.objects.get().completed_at is not None
    assert RightsRequest.objects.get().state == RequestState.FULFILLED


def test_an_access_request_is_answered_with_a_sealed_export_built_by_the_task(
        world, gate, access, citizen_consent, eager, django_capture_on_commit_callbacks):
    def events(*, deployment_id, subject_ref):
        return [{"kind": "verify", "subject_ref": subject_ref, "deployment_id": deployment_id}]

    register_records_provider("recognition_events", events)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rights_request_fulfil(request=access, actor=world.acme_admin)
    finally:
        unregister_records_provider("recognition_events", events)
    access.refresh_from_db()
    export = RightsExport.objects.get(request=access)
    assert access.state == RequestState.FULFILLED
    assert export.expires_at - export.created_at == EXPORT_AVAILABLE_FOR == dt.timedelta(days=7)
    sealed = bytes(export.sealed)
    assert citizen_consent.subject_ref.encode() not in sealed  # encrypted at rest
    document = rights_export_open(export=export)
    assert document["schema"] == "facegov.subject-export/1"
    assert [c["receipt_id"] for c in document["consents"]] == [str(citizen_consent.receipt_id)]
    assert document["deployments"][0]["subject_ref"] == citizen_consent.subject_ref
    assert document["recognition_events"] == [{"kind": "verify", "deployment_id": gate.id,
                                               "subject_ref": citizen_consent.subject_ref}]
    assert document["deletion_certificates"] == []
    # the key is bound to this request: the same ciphertext does not open as another's
    with pytest.raises(InvalidTag):
        unseal(KeyPurpose.RIGHTS_EXPORT, sealed, aad=b"rights-export:999")
    assert json.loads(unseal(KeyPurpose.RIGHTS_EXPORT, sealed,
                             aad=f"rights-export:{access.id}".encode())) == document


def test_an_export_is_gone_after_seven_days(world, access, eager,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rights_request_fulfil(request=access, actor=world.acme_admin)
    export = RightsExport.objects.get()
    after = export.expires_at + dt.timedelta(seconds=1)
    with pytest.raises(DomainError) as caught:
        rights_export_open(export=export, now=after)
    assert caught.value.code == "export_expired"
    assert rights_exports_erase_expired(now=export.expires_at - dt.timedelta(hours=1)) == 0
    assert rights_exports_erase_expired(now=after) == 1
    export.refresh_from_db()
    assert (export.sealed, export.erased_at) == (None, after)
