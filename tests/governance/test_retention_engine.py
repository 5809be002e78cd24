"""The retention engine, travelling in time: every trigger, holds, idempotency, certificates,
the pruned event chain, and what a deployment's end keeps."""

import datetime as dt
import json

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from governance.models import (
    ConsentLedgerEntry,
    DeletionCertificate,
    ImpactAssessment,
    LedgerCheckpoint,
    LegalHold,
    RetentionDeferral,
    RetentionRule,
)
from governance.platform.crypto import KeyPurpose, keyed_hash
from governance.platform.ledger_verify import ledgers_verify
from governance.retention.registry import retention_sources
from governance.services.consent import consent_withdraw
from governance.services.lifecycle import deployment_decommission
from governance.services.retention import (
    overdue_count,
    retention_batch_destroy,
    retention_destroy_due,
    retention_sweep,
)
from recognition.models import FaceImage, RecognitionEvent, Template, VaultSubject
from recognition.retention import subject_retention_refresh
from recognition.services.events import event_record
from recognition.services.recognition import subjects_touch
from recognition.services.vault import template_store
from tests.factories import ImpactAssessmentFactory, bulk_templates

DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


def enrol(deployment, subject_ref="s-1", *, image: bytes | None = None) -> Template:
    vector = np.random.default_rng(7).standard_normal(128).astype(np.float32)
    return template_store(deployment=deployment, subject_ref=subject_ref, vector=vector,
                          image=image, image_content_type="image/png" if image else "")


def declare(deployment, category: str, period_days: int, trigger: str) -> None:
    RetentionRule.objects.update_or_create(deployment=deployment, category=category,
                                           defaults={"period_days": period_days,
                                                     "trigger": trigger})


def certificates(**filters) -> list[DeletionCertificate]:
    return list(DeletionCertificate.objects.filter(**filters).order_by("deployment_id",
                                                                       "sequence"))


def all_chains_intact() -> bool:
    return all(report.broken is None for report in ledgers_verify())


# --- triggers --------------------------------------------------------------------------------


def test_a_template_is_destroyed_its_rule_period_after_collection(gate):
    declare(gate, "face_template", 30, "collection")
    template = enrol(gate)
    assert template.delete_after == template.created_at + 30 * DAY
    assert template.delete_trigger == "collection"
    key_id = str(VaultSubject.objects.get().key_id)

    early = retention_sweep(now=template.delete_after - SECOND)
    assert (early.destroyed, Template.objects.count()) == (0, 1)

    report = retention_sweep(now=template.delete_after + SECOND)
    assert (report.destroyed, report.certificates, report.overdue_after) == (1, 1, 0)
    assert not Template.objects.exists()
    assert not VaultSubject.objects.exists()  # nothing left under the key: shredded
    [certificate] = certificates()
    assert (certificate.category, certificate.count, certificate.trigger) == (
        "face_template", 1, "collection")
    assert (certificate.rule, certificate.legal_reference) == (
        "30 days after collection", "Declared by the operator")
    assert certificate.identifier_hashes == [
        keyed_hash(KeyPurpose.DELETION_CERTIFICATE, f"face_template|{template.nonce_id}")]
    assert certificate.keys_shredded == [key_id]


def test_an_interaction_restarts_the_last_interaction_clock(gate):
    declare(gate, "face_template", 10, "last_interaction")
    template = enrol(gate)
    # Enrolled five days ago, as far as the clock is concerned.
    VaultSubject.objects.update(last_interaction_at=timezone.now() - 5 * DAY)
    subject_retention_refresh(deployment=gate, subjects=VaultSubject.objects.all())
    template.refresh_from_db()
    first_due = template.delete_after
    subjects_touch(gate, VaultSubject.objects.all())
    touched = VaultSubject.objects.get().last_interaction_at
    template.refresh_from_db()
    assert template.delete_after == touched + 10 * DAY > first_due
    assert template.delete_trigger == "last_interaction"

    assert retention_sweep(now=first_due + SECOND).destroyed == 0
    assert retention_sweep(now=touched + 10 * DAY + SECOND).destroyed == 1


def test_without_a_declaration_the_platform_default_of_three_years_applies_in_china(gate):
    template = enrol(gate)
    subject = VaultSubject.objects.get()
    assert template.delete_after == subject.last_interaction_at + 3 * 365 * DAY
    retention_sweep(now=template.delete_after + SECOND)
    [certificate] = certificates()
    assert (certificate.trigger, certificate.legal_reference) == (
        "last_interaction", ("PIPL Art. 19; CAC Measures 2025 Art. 8 "
         "(shortest time necessary; platform default)"))


def test_images_follow_their_own_shorter_rule_and_the_subject_stays_with_its_template(gate):
    declare(gate, "face_image", 30, "collection")
    template = enrol(gate, image=b"\x89PNG not really")
    image = FaceImage.objects.get()
    assert image.delete_after == image.created_at + 30 * DAY
    report = retention_sweep(now=image.delete_after + SECOND)
    assert report.destroyed == 1
    assert not FaceImage.objects.exists()
    assert Template.objects.filter(id=template.id).exists()
    [certificate] = certificates()
    assert (certificate.category, certificate.keys_shredded) == ("face_image", [])


def test_a_withdrawal_makes_the_templates_due_at_once_and_one_sweep_destroys_them(gate, give,
                                                                                  world):
    consent = give(gate, subject_ref="s-1")
    enrol(gate, "s-1")
    enrol(gate, "s-2")
    # The immediate purge task is never run here (no on-commit execution): it was "lost".
    consent_withdraw(consent=consent, actor=world.acme_admin)
    assert Template.objects.get(subject__subject_ref="s-1").delete_trigger == "consent_withdrawal"
    assert overdue_count() == 1

    report = retention_sweep()
    assert (report.destroyed, report.overdue_after) == (1, 0)
    assert list(Template.objects.values_list("subject__subject_ref", flat=True)) == ["s-2"]
    [certificate] = certificates()
    assert (certificate.trigger, certificate.rule, certificate.legal_reference) == (
        "consent_withdrawal", "erase at once", "PIPL Art. 47(1)")


def test_a_granted_deletion_request_is_certified_as_such(gate, world, give,
                                                          django_capture_on_commit_callbacks,
                                                          eager):
    from governance.services.consent import consent_give
    from governance.services.rights import rights_request_file, rights_request_fulfil

    consent = consent_give(deployment=gate, actor=world.citizen, purposes=["access_control"],
                           method="in_app_explicit",
                           evidence={"time": "t", "ip": "127.0.0.1", "user_agent": "pytest"})
    enrol(gate, consent.subject_ref)
    request = rights_request_file(citizen=world.citizen, deployment=gate, type="deletion")
    with django_capture_on_commit_callbacks(execute=True):
        rights_request_fulfil(request=request, actor=world.acme_admin)
    assert not Template.objects.exists()
    [certificate] = certificates()
    assert (certificate.trigger, certificate.legal_reference) == (
        "deletion_request", "PIPL Art. 47(1); GDPR Art. 17")
    assert RecognitionEvent.objects.filter(operation="delete",
                                           subject_ref=consent.subject_ref).count() == 1


def test_a_deployments_end_destroys_its_biometrics_and_keeps_what_law_requires(
        gate, world, give, django_capture_on_commit_callbacks, eager):
    ImpactAssessmentFactory(deployment=gate)
    give(gate, subject_ref="s-1")
    enrol(gate, "s-1", image=b"image bytes")
    enrol(gate, "s-2")
    event_record(deployment=gate, operation="verify", outcome="match", subject_ref="s-1")
    ledger_before = ConsentLedgerEntry.objects.filter(deployment=gate).count()

    with django_capture_on_commit_callbacks(execute=True):
        deployment_decommission(deployment=gate, actor=world.acme_admin, reason="Gate removed")

    assert not Template.objects.exists()
    assert not FaceImage.objects.exists()
    assert not VaultSubject.objects.exists()
    assert sorted((c.category, c.count, c.trigger) for c in certificates()) == [
        ("face_image", 1, "deployment_end"), ("face_template", 2, "deployment_end")]
    # Kept under their own rules: the assessment, the consent ledger, the logs, certificates.
    assert ImpactAssessment.objects.filter(deployment=gate).exists()
    assert ConsentLedgerEntry.objects.filter(deployment=gate).count() == ledger_before
    assert RecognitionEvent.objects.filter(deployment=gate).count() == 1
    assert all_chains_intact()


# --- idempotency and batches -----------------------------------------------------------------


def test_a_second_sweep_destroys_nothing_and_writes_no_certificate(gate):
    bulk_templates(gate, subjects=3, delete_after=timezone.now() - DAY)
    assert retention_sweep().destroyed == 3
    again = retention_sweep()
    assert (again.destroyed, again.certificates) == (0, 0)
    assert DeletionCertificate.objects.count() == 1


def test_a_batch_of_items_already_gone_certifies_nothing(gate):
    bulk_templates(gate, subjects=2, delete_after=timezone.now() - DAY)
    source = next(s for s in retention_sources() if s.category == "face_template")
    items = list(Template.objects.values_list("id", flat=True))
    retention_sweep()
    from governance.retention.registry import DueItem
    destroyed = source.destroy(deployment=gate, now=timezone.now(),
                               items=[DueItem(pk=i, subject_ref="x", trigger="collection")
                                      for i in items])
    assert destroyed.count == 0
    assert DeletionCertificate.objects.count() == 1


def test_the_sweep_works_in_batches_of_the_configured_size(gate, settings):
    settings.FACEGOV_RETENTION_BATCH_SIZE = 3
    bulk_templates(gate, subjects=7, delete_after=timezone.now() - DAY)
    report = retention_sweep()
    assert (report.destroyed, report.certificates) == (7, 3)
    assert [c.count for c in certificates()] == [3, 3, 1]
    assert all_chains_intact()


def test_after_downtime_one_sweep_catches_up_on_everything_overdue(gate, other_gate, settings):
    settings.FACEGOV_RETENTION_BATCH_SIZE = 10
    bulk_templates(gate, subjects=25, delete_after=timezone.now() - 300 * DAY, prefix="a")
    bulk_templates(other_gate, subjects=12, delete_after=timezone.now() - 2 * DAY, prefix="b")
    report = retention_sweep()
    assert (report.destroyed, report.overdue_after) == (37, 0)
    assert not Template.objects.exists()


def test_a_certificate_holds_no_pseudonym_and_no_byte_of_the_face(gate):
    template = enrol(gate, "resident-with-a-name")
    retention_sweep(now=template.delete_after + SECOND)
    [certificate] = certificates()
    stored = json.dumps(certificate.chain_fields(), default=str)
    assert "resident-with-a-name" not in stored
    assert str(template.nonce_id) not in stored
    assert bytes(template.sealed_vector).hex() not in stored


# --- legal holds -----------------------------------------------------------------------------


def hold(deployment, world, *, subject_ref="", category="", days=30) -> LegalHold:
    from governance.services.retention import legal_hold_place

    return legal_hold_place(actor=world.inspector, deployment=deployment, reason="Case 12",
                            expires_at=timezone.now() + days * DAY, subject_ref=subject_ref,
                            category=category)


def test_a_legal_hold_defers_deletion_records_it_and_its_release_deletes(gate, world):
    from governance.services.retention import legal_hold_release

    bulk_templates(gate, subjects=3, delete_after=timezone.now() - DAY)
    placed = hold(gate, world, subject_ref="bulk-1")

    report = retention_sweep()
    assert (report.destroyed, report.deferred, report.overdue_after) == (2, 1, 0)
    assert list(Template.objects.values_list("subject__subject_ref", flat=True)) == ["bulk-1"]
    deferral = RetentionDeferral.objects.get()
    assert (deferral.hold, deferral.category, deferral.items, deferral.sweeps) == (
        placed, "face_template", 1, 1)
    retention_sweep()
    assert RetentionDeferral.objects.get().sweeps == 2

    legal_hold_release(hold=placed, actor=world.inspector)
    assert overdue_count() == 1
    assert retention_sweep().destroyed == 1
    assert not Template.objects.exists()


def test_a_hold_ends_by_itself_at_its_expiry(gate, world):
    bulk_templates(gate, subjects=1, delete_after=timezone.now() - DAY)
    placed = hold(gate, world, days=5)
    assert retention_sweep().destroyed == 0
    assert retention_sweep(now=placed.expires_at + SECOND).destroyed == 1


def test_a_hold_on_one_category_does_not_keep_another(gate, world):
    enrol(gate, image=b"image")
    hold(gate, world, category="face_image", days=5 * 365)
    retention_sweep(now=timezone.now() + 4 * 365 * DAY)
    assert [c.category for c in certificates()] == ["face_template"]
    assert FaceImage.objects.count() == 1


def test_a_withdrawal_under_a_hold_is_deferred_until_the_hold_ends(gate, world, give,
                                                                   django_capture_on_commit_callbacks,
                                                                   eager):
    consent = give(gate, subject_ref="s-1")
    enrol(gate, "s-1")
    placed = hold(gate, world, subject_ref="s-1")
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=consent, actor=world.acme_admin)
    assert Template.objects.count() == 1
    assert retention_sweep().deferred == 1
    from governance.services.retention import legal_hold_release

    with django_capture_on_commit_callbacks(execute=True):
        legal_hold_release(hold=placed, actor=world.inspector)  # enqueues the destroy task
    assert not Template.objects.exists()


# --- the recognition event chain -------------------------------------------------------------


def logged(deployment, subject_ref: str, *, at: dt.datetime) -> RecognitionEvent:
    """An event recorded at `at` (recorded_at is hashed: it is set before sealing)."""
    from django.db import transaction

    from governance.models import Deployment
    from governance.platform.ledger import chain_append

    with transaction.atomic():
        Deployment.objects.select_for_update().get(id=deployment.id)
        return chain_append(RecognitionEvent(deployment=deployment, operation="verify",
                                             outcome="match", subject_ref=subject_ref,
                                             recorded_at=at))


def test_pruning_expired_events_keeps_verify_ledger_green(gate):
    declare(gate, "recognition_event", 183, "collection")
    old = timezone.now() - 200 * DAY
    for n in range(5):
        logged(gate, f"s-{n}", at=old + n * SECOND)
    logged(gate, "s-recent", at=timezone.now() - DAY)

    report = retention_sweep()
    assert report.destroyed == 5
    assert list(RecognitionEvent.objects.values_list("sequence", flat=True)) == [6]
    [certificate] = certificates(category="recognition_event")
    assert (certificate.count, certificate.trigger, certificate.legal_reference) == (
        5, "collection", "Declared by the operator")
    checkpoint = LedgerCheckpoint.objects.get()
    assert (checkpoint.sequence, checkpoint.certificate) == (5, certificate)
    assert certificate.ledger_checkpoint == {
        "ledger": "recognition event", "chain_key": str(gate.id), "sequence": 5,
        "entry_hash": checkpoint.entry_hash}
    assert all_chains_intact()
    from django.core.management import call_command

    call_command("verify_ledger")  # raises CommandError on a broken chain


def test_pruning_a_chain_whose_heads_were_published_keeps_it_verified_against_them(
        gate, django_capture_on_commit_callbacks, ledger_heads_path):
    from io import StringIO

    from django.core.management import call_command

    declare(gate, "recognition_event", 183, "collection")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            logged(gate, f"s-{n}", at=timezone.now() - (300 - n) * DAY)
        logged(gate, "s-recent", at=timezone.now() - DAY)
        assert retention_sweep().destroyed == 4
    heads = [json.loads(line) for line in ledger_heads_path.read_text().splitlines()]
    assert [(h["ledger"], h["sequence"]) for h in heads] == [
        *[("recognition event", n) for n in range(1, 6)], ("deletion certificate", 1)]
    out = StringIO()
    call_command("verify_ledger", stdout=out)  # raises CommandError on anything broken
    assert f"OK      recognition event ledger, chain {gate.id} — signed head #5" in out.getvalue()


    # Forge the checkpoint and its certificate, re-hashing the certificate: each chain agrees
    # with itself, but not with the heads signed before.
    from governance.platform.ledger import compute_hash

    certificate = DeletionCertificate.objects.get()
    certificate.ledger_checkpoint = {**certificate.ledger_checkpoint, "entry_hash": "f" * 64}
    certificate.entry_hash = compute_hash(certificate.chain_fields(), certificate.previous_hash)
    DeletionCertificate.objects.filter(id=certificate.id).update(
        ledger_checkpoint=certificate.ledger_checkpoint, entry_hash=certificate.entry_hash)
    LedgerCheckpoint.objects.update(entry_hash="f" * 64)
    reasons = {r.ledger: r.broken.reason for r in ledgers_verify() if r.broken is not None}
    assert reasons == {
        "recognition event": "the checkpoint left by a prune differs from the head signed for #4",
        "deletion certificate": "its hash differs from the head signed for it: the chain was "
                                "rewritten and re-hashed"}


def test_a_pruned_chain_verifies_from_its_checkpoint_and_a_forged_checkpoint_breaks_it(gate):
    declare(gate, "recognition_event", 183, "collection")
    for n in range(3):
        logged(gate, f"s-{n}", at=timezone.now() - (300 - n) * DAY)
    logged(gate, "s-3", at=timezone.now())
    assert retention_sweep().destroyed == 3
    assert all_chains_intact()

    LedgerCheckpoint.objects.update(entry_hash="f" * 64)
    broken = [r for r in ledgers_verify() if r.broken is not None]
    assert [r.ledger for r in broken] == ["recognition event"]
    assert "checkpoint" in broken[0].broken.reason


def test_an_event_kept_by_a_hold_stops_the_prune_there(gate, world):
    declare(gate, "recognition_event", 183, "collection")
    for n, ref in enumerate(("s-1", "s-held", "s-3")):
        logged(gate, ref, at=timezone.now() - (200 - n) * DAY)
    hold(gate, world, subject_ref="s-held", category="recognition_event")
    assert retention_sweep().destroyed == 1
    assert list(RecognitionEvent.objects.values_list("sequence", flat=True)) == [2, 3]
    assert all_chains_intact()


# --- concurrency (PostgreSQL: row locks) -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_deployment_locked_by_another_sweep_is_skipped_not_waited_for(world, gate):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL; SQLite serialises writers instead")
    import threading

    bulk_templates(gate, subjects=3, delete_after=timezone.now() - DAY)
    locked, release, results = threading.Event(), threading.Event(), {}

    def hold_lock():
        from django.db import connection as thread_connection
        from django.db import transaction

        from governance.models import Deployment

        with transaction.atomic():
            Deployment.objects.select_for_update().get(id=gate.id)
            locked.set()
            # Held until the main thread has tried; a timeout here would free the lock early.
            results["released_in_time"] = release.wait(120)
        thread_connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert locked.wait(120), "the lock holder never took the deployment's lock"
    results["skipped"] = retention_destroy_due(deployment_id=gate.id, skip_locked=True)
    release.set()
    holder.join(timeout=120)
    assert not holder.is_alive() and results["released_in_time"]
    assert results["skipped"].skipped_locked is True
    assert Template.objects.count() == 3
    assert retention_batch_destroy(
        source=next(s for s in retention_sources() if s.category == "face_template"),
        deployment_id=gate.id, now=timezone.now()).destroyed == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_never_process_the_same_item(world, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    import threading

    from tests.factories import ActiveDeploymentFactory

    settings.FACEGOV_RETENTION_BATCH_SIZE = 25
    deployments = [ActiveDeploymentFactory(organisation=world.acme) for _ in range(4)]
    for n, deployment in enumerate(deployments):
        bulk_templates(deployment, subjects=150, delete_after=timezone.now() - DAY,
                       prefix=f"d{n}")
    errors = []

    def sweep():
        from django.db import connection as thread_connection
        try:
            retention_sweep()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert not Template.objects.exists()
    hashes = [h for c in DeletionCertificate.objects.all() for h in c.identifier_hashes]
    assert len(hashes) == len(set(hashes)) == 600
    assert sum(DeletionCertificate.objects.values_list("count", flat=True)) == 600
    assert all_chains_intact()
