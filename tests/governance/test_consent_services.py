"""Giving, withdrawing, renewing and expiring consent; refusals; what each writes."""

import datetime as dt
import hashlib

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.errors import DomainError, InvalidTransition, NotPermitted, PolicyRefusal
from governance.models import (
    Consent,
    ConsentLedgerEntry,
    ConsentState,
    Deployment,
    DeploymentStatus,
    Refusal,
    SealedFile,
    SubjectLink,
    SubjectPurge,
)
from governance.platform.uploads import UploadTypeNotAllowed, upload_read
from governance.services.consent import (
    consent_give,
    consent_withdraw,
    consents_expire_due,
    refusal_record,
)
from governance.services.notices import deployment_notice_publish
from tests.factories import CLICK, ActiveDeploymentFactory


def test_a_citizen_consents_through_the_portal_and_gets_a_pseudonym(world, gate):
    consent = consent_give(deployment=gate, actor=world.citizen, purposes=["access_control"],
                           method="written_signature", evidence=dict(CLICK))
    link = SubjectLink.objects.get(citizen=world.citizen, deployment=gate)
    assert consent.subject_ref == link.subject_ref
    assert link.subject_ref.startswith("c-")
    assert (consent.method, consent.citizen, consent.recorded_by) == (
        "in_app_explicit", world.citizen, None)
    entry = ConsentLedgerEntry.objects.get(consent=consent)
    assert entry.kind == "given"
    assert entry.payload["purposes"] == ["access_control"]
    assert entry.payload["evidence"] == CLICK
    assert entry.actor == f"user:{world.citizen.pk}:{world.citizen.username}"


def test_a_second_portal_consent_reuses_the_citizens_pseudonym(world, gate, citizen_consent):
    again = consent_give(deployment=gate, actor=world.citizen, purposes=["attendance"],
                         method="in_app_explicit", evidence=dict(CLICK))
    assert again.subject_ref == citizen_consent.subject_ref
    assert SubjectLink.objects.filter(citizen=world.citizen).count() == 1


def test_a_written_consent_keeps_the_signed_form_sealed_and_its_hash_in_the_ledger(
        world, gate, give):
    signed = b"%PDF-1.7\nsigned by Zhang Min\n%%EOF"
    form = SimpleUploadedFile("form.pdf", signed, content_type="application/pdf")
    consent = give(gate, method="written_signature", evidence={}, evidence_file=form)
    digest = hashlib.sha256(signed).hexdigest()
    assert consent.evidence_sha256 == digest
    assert consent.ledger_entries.get().payload["evidence_sha256"] == digest
    sealed = consent.evidence_upload
    assert (sealed.sha256, sealed.content_type, sealed.purpose) == (
        digest, "application/pdf", "consent_evidence")
    assert (sealed.uploaded_by, sealed.organisation) == (world.acme_admin, world.acme)
    assert b"Zhang Min" not in storages["uploads"].open(sealed.storage_name).read()
    assert upload_read(sealed=sealed) == signed


def test_a_refused_evidence_upload_stores_no_consent_no_file_no_ledger_entry(world, gate, give):
    page = SimpleUploadedFile("form.pdf", b"<html><body>not a form</body></html>",
                              content_type="application/pdf")
    with pytest.raises(UploadTypeNotAllowed):
        give(gate, method="written_signature", evidence={}, evidence_file=page)
    assert not Consent.objects.exists() and not SealedFile.objects.exists()
    assert not ConsentLedgerEntry.objects.exists()


def test_a_guardian_consents_for_a_person_under_14(gate, give):
    consent = give(gate, subject_under_14=True, guardian_name="Li Wei",
                   guardian_relationship="mother")
    assert consent.ledger_entries.get().payload["guardian"] == {
        "name": "Li Wei", "relationship": "mother"}


REFUSED_GIVES = [
    ({"purposes": ["customer_analytics"]}, PolicyRefusal, "purpose_not_allowed"),
    ({"purposes": []}, DomainError, "purposes_required"),
    ({"subject_ref": " "}, DomainError, "subject_ref_required"),
    ({"notice_version": 7}, DomainError, "notice_outdated"),
    ({"method": "written_signature", "evidence": {}}, DomainError, "evidence_required"),
    ({"evidence": {"time": "now"}}, DomainError, "evidence_required"),
    ({"subject_under_14": True}, DomainError, "guardian_required"),
    ({"expires_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)}, DomainError, "invalid_expiry"),
    ({"contact": "not a contact"}, DomainError, "invalid_contact"),
    ({"actor": "other_admin"}, NotPermitted, "permission_denied"),
    ({"actor": "inspector"}, NotPermitted, "permission_denied"),
]


@pytest.mark.parametrize(("overrides", "error", "code"), REFUSED_GIVES)
def test_a_refused_consent_stores_nothing(world, gate, overrides, error, code):
    fields = {"subject_ref": "s-1", "purposes": ["access_control"],
              "method": "in_app_explicit", "evidence": dict(CLICK), **overrides}
    actor = getattr(world, fields.pop("actor", "acme_admin"))
    with pytest.raises(error) as caught:
        consent_give(deployment=gate, actor=actor, **fields)
    assert caught.value.code == code
    assert (Consent.objects.count(), ConsentLedgerEntry.objects.count(),
            SubjectLink.objects.count()) == (0, 0, 0)


def test_a_deployment_without_a_published_notice_takes_no_consent(world, give):
    bare = ActiveDeploymentFactory(organisation=world.acme)
    with pytest.raises(DomainError) as caught:
        give(bare)
    assert caught.value.code == "no_published_notice"
    assert Consent.objects.count() == 0


@pytest.mark.parametrize("status", [DeploymentStatus.SUSPENDED, DeploymentStatus.DRAFT])
def test_citizens_consent_only_to_active_deployments_and_nothing_is_stored(world, gate,
                                                                           status):
    Deployment.objects.filter(pk=gate.pk).update(status=status)
    with pytest.raises(NotPermitted):
        consent_give(deployment=gate, actor=world.citizen, purposes=["access_control"],
                     method="in_app_explicit", evidence=dict(CLICK))
    assert (Consent.objects.count(), SubjectLink.objects.count()) == (0, 0)


def test_enterprises_may_collect_consent_before_launch_but_not_after_decommissioning(gate,
                                                                                    give):
    Deployment.objects.filter(pk=gate.pk).update(status=DeploymentStatus.PENDING_APPROVAL)
    give(gate)
    Deployment.objects.filter(pk=gate.pk).update(status=DeploymentStatus.DECOMMISSIONED)
    with pytest.raises(PolicyRefusal):
        give(gate)
    assert Consent.objects.count() == 1


def test_withdrawal_appends_an_entry_and_schedules_the_purge_after_commit(
        world, gate, citizen_consent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        consent_withdraw(consent=citizen_consent, actor=world.citizen, reason="moving out")
    citizen_consent.refresh_from_db()
    assert citizen_consent.state == ConsentState.WITHDRAWN
    assert citizen_consent.withdrawn_at is not None
    entry = citizen_consent.ledger_entries.order_by("sequence").last()
    assert (entry.kind, entry.payload["reason"]) == ("withdrawn", "moving out")
    purge = SubjectPurge.objects.get()
    assert (purge.subject_ref, purge.reason, purge.completed_at) == (
        citizen_consent.subject_ref, "consent_withdrawn", None)
    # Only once the transaction commits: the purge task is enqueued, the new head published,
    # the gate's cached consents of the person retired again.
    enqueued = [c.args for c in callbacks if getattr(c, "func", None) is not None
                and c.func.__self__.name == "governance.subject_purge_task"]
    assert enqueued == [(purge.id,)]
    named = [c.__name__ for c in callbacks if not hasattr(c, "func")]
    assert [name for name in named if name != "stamp_bump_after_commit"] == [
        "publish_head_after_commit"]
    assert "stamp_bump_after_commit" in named


def test_a_consent_cannot_be_withdrawn_twice(world, citizen_consent):
    consent_withdraw(consent=citizen_consent, actor=world.citizen)
    with pytest.raises(InvalidTransition):
        consent_withdraw(consent=citizen_consent, actor=world.citizen)
    assert citizen_consent.ledger_entries.count() == 2
    assert SubjectPurge.objects.count() == 1


def test_another_citizen_or_enterprise_cannot_withdraw_a_consent(world, citizen_consent):
    for outsider in (world.other_citizen, world.other_admin, world.inspector):
        with pytest.raises(NotPermitted):
            consent_withdraw(consent=citizen_consent, actor=outsider)
    assert Consent.objects.get().state == ConsentState.ACTIVE
    assert SubjectPurge.objects.count() == 0


def test_the_expiry_sweep_expires_due_consents_once_and_purges(gate, give, now):
    due = give(gate, subject_ref="s-1", expires_at=now + dt.timedelta(hours=1))
    give(gate, subject_ref="s-2", expires_at=now + dt.timedelta(days=30))
    assert consents_expire_due(now=now) == 0
    later = now + dt.timedelta(days=1)
    assert consents_expire_due(now=later) == 1
    assert consents_expire_due(now=later) == 0
    due.refresh_from_db()
    assert due.state == ConsentState.EXPIRED
    assert due.ledger_entries.order_by("sequence").last().kind == "expired"
    assert SubjectPurge.objects.get().reason == "consent_expired"


def test_a_material_notice_flags_older_consents_for_renewal(world, gate, give):
    old = give(gate, subject_ref="s-1")
    withdrawn = give(gate, subject_ref="s-2")
    consent_withdraw(consent=withdrawn, actor=world.acme_admin)
    notice = deployment_notice_publish(deployment=gate, actor=world.acme_admin, text="v2")
    assert notice.version == 2
    assert list(Consent.objects.filter(needs_renewal=True)) == [old]
    assert give(gate, subject_ref="s-3", notice_version=2).needs_renewal is False


def test_an_operator_cannot_publish_a_notice(world, gate):
    with pytest.raises(NotPermitted):
        deployment_notice_publish(deployment=gate, actor=world.acme_operator, text="v2")
    assert gate.notices.count() == 1


def test_a_refusal_is_recorded_with_the_alternative_and_never_touches_consents(world, gate,
                                                                             citizen_consent):
    refusal = refusal_record(deployment=gate, actor=world.citizen, note="no thanks")
    assert refusal.subject_ref == citizen_consent.subject_ref
    assert refusal.alternative_offered == gate.non_face_alternative
    assert refusal.ledger_entries.get().kind == "refused"
    citizen_consent.refresh_from_db()
    assert citizen_consent.state == ConsentState.ACTIVE


def test_a_refusal_by_an_outsider_stores_nothing(world, gate):
    with pytest.raises(NotPermitted):
        refusal_record(deployment=gate, actor=world.other_admin, subject_ref="s-1")
    assert (Refusal.objects.count(), ConsentLedgerEntry.objects.count()) == (0, 0)
