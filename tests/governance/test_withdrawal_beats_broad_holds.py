"""Invariant 4 (withdrawal means deletion, at once) against invariant 5 (a legal hold defers
deletion). An investigation places a hold over its whole deployment to keep the records it
needs — the consent ledger, events, certificates. That blanket hold must not keep the face
templates of a person who withdraws: they are destroyed at once, with a certificate, while
the hold keeps the rest. Only a hold that names the person keeps their templates (the
existing test_a_withdrawal_under_a_hold_is_deferred_until_the_hold_ends), and even then the
gate refuses them for recognition."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from complaints.services.investigations import investigation_open
from governance.models import ConsentLedgerEntry, DeletionCertificate, LegalHold
from governance.services.consent import consent_withdraw
from governance.services.policy import policy_check
from governance.services.retention import legal_hold_place, retention_sweep
from recognition.models import FaceImage, RecognitionEvent, Template
from recognition.services.events import event_record
from recognition.services.vault import template_store

DAY = dt.timedelta(days=1)


def enrol(deployment, subject_ref):
    vector = np.random.default_rng(len(subject_ref)).standard_normal(128).astype(np.float32)
    return template_store(deployment=deployment, subject_ref=subject_ref, vector=vector,
                          image=b"image", image_content_type="image/png")


@pytest.fixture
def investigated(world, gate):
    """An investigation of the gate: a deployment-wide hold, as the demo's on Block A."""
    investigation_open(actor=world.inspector, deployment=gate, title="Gate consent")
    hold = LegalHold.objects.get(deployment=gate)
    assert (hold.subject_ref, hold.category) == ("", "")
    return hold


def test_a_withdrawal_destroys_the_templates_at_once_under_a_deployment_wide_hold(
        world, gate, give, investigated, django_capture_on_commit_callbacks, eager):
    consent = give(gate, subject_ref="s-1")
    enrol(gate, "s-1")
    enrol(gate, "s-2")
    event_record(deployment=gate, operation="verify", outcome="match", purpose="access_control",
                 subject_ref="s-1")
    ledger_before = ConsentLedgerEntry.objects.filter(deployment=gate).count()

    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=consent, actor=world.acme_admin)

    # the withdrawn person's biometric data is gone now, certified
    assert not Template.objects.filter(subject__subject_ref="s-1").exists()
    assert not FaceImage.objects.filter(subject__subject_ref="s-1").exists()
    assert {c.category for c in DeletionCertificate.objects.filter(deployment=gate)} == {
        "face_template", "face_image"}
    assert RecognitionEvent.objects.filter(subject_ref="s-1", operation="delete").exists()
    # what the investigation needs stays: the ledger (with the withdrawal) and the events
    assert ConsentLedgerEntry.objects.filter(deployment=gate).count() == ledger_before + 1
    assert RecognitionEvent.objects.filter(subject_ref="s-1", operation="verify").exists()
    # and the other person's templates are untouched
    assert Template.objects.filter(subject__subject_ref="s-2").count() == 1


def test_the_sweep_also_destroys_them_when_the_immediate_purge_was_lost(
        world, gate, give, investigated):
    consent = give(gate, subject_ref="s-1")
    enrol(gate, "s-1")
    enrol(gate, "s-2")
    consent_withdraw(consent=consent, actor=world.acme_admin)  # the purge task never runs
    assert Template.objects.filter(subject__subject_ref="s-1").exists()
    # s-2's templates expire by the ordinary rule: that is what the hold is for
    Template.objects.filter(subject__subject_ref="s-2").update(
        delete_after=timezone.now() - DAY)

    report = retention_sweep()
    assert not Template.objects.filter(subject__subject_ref="s-1").exists()
    assert Template.objects.filter(subject__subject_ref="s-2").count() == 1
    assert report.deferred >= 1


def test_a_hold_naming_the_person_keeps_the_templates_but_the_gate_refuses_them(
        world, gate, give, django_capture_on_commit_callbacks, eager):
    consent = give(gate, subject_ref="s-1")
    enrol(gate, "s-1")
    legal_hold_place(actor=world.inspector, deployment=gate, subject_ref="s-1",
                     reason="Evidence for the court case about s-1.",
                     expires_at=timezone.now() + 30 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=consent, actor=world.acme_admin)
    assert Template.objects.filter(subject__subject_ref="s-1").count() == 1
    for operation in ("verify", "identify"):
        decision = policy_check(deployment=gate, subject_ref="s-1", purpose="access_control",
                                operation=operation)
        assert (decision.allowed, decision.code) == (False, "consent_withdrawn")
