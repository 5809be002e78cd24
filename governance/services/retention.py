"""The retention engine: destroy what is due, certify it, honour legal holds.

Every destroyed batch is one transaction: lock the deployment, select its due items that no
hold covers, let the registered source destroy them, append a deletion certificate to the
deployment's chain. A crash rolls the whole batch back; a rerun finds only what is still
there, so nothing is destroyed or certified twice.

Two sweeps never process the same item: a batch runs only while its transaction holds the
deployment's row lock, and selects its items after taking it. On PostgreSQL the sweep takes
that lock with SKIP LOCKED, so a second sweep moves on to other deployments instead of
waiting, and comes back to the ones it skipped at the end (with a waiting lock) in case their
holder was not a sweep. SQLite has no row locks; there one writer at a time holds the whole
database, and sources destroy with DELETE … RETURNING, so a row is certified by the one
transaction that actually removed it.
"""

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import DomainError
from governance.models import (
    DataCategory,
    DeletionCertificate,
    DeletionCertificateSubject,
    DeletionTrigger,
    Deployment,
    LedgerCheckpoint,
    LegalHold,
    RetentionDeferral,
    RetentionSweep,
)
from governance.platform.crypto import KeyPurpose, keyed_hasher
from governance.platform.ledger import chain_append
from governance.retention.registry import (
    Destroyed,
    DueItem,
    RetentionSource,
    overdue_counters,
    retention_sources,
)
from governance.retention.rules import (
    ERASURE_EVENTS,
    candidate_rules,
    describe_rule,
    effective_retention,
    erasure_reference,
)

logger = logging.getLogger(__name__)

DELETION_CERTIFICATE_LEDGER = "deletion certificate"
DELETION_REQUEST_REFERENCE = "PIPL Art. 47(1); GDPR Art. 17"


def batch_size() -> int:
    """Items destroyed (and certified) per transaction: FACEGOV_RETENTION_BATCH_SIZE."""
    return settings.FACEGOV_RETENTION_BATCH_SIZE


# --- holds -----------------------------------------------------------------------------------


def active_holds(*, now: dt.datetime, deployment_id: int | None = None) -> list[LegalHold]:
    holds = LegalHold.objects.filter(released_at__isnull=True, expires_at__gt=now)
    if deployment_id is not None:
        holds = holds.filter(deployment_id=deployment_id)
    return list(holds)


# Why an item is due because of what its person asked: withdrawal (or expiry) of consent, or an
# erasure request granted.
PERSONAL_TRIGGERS = (DeletionTrigger.CONSENT_WITHDRAWAL, DeletionTrigger.DELETION_REQUEST)


def _hold_q(source: RetentionSource, hold: LegalHold) -> Q:
    """What `hold` keeps of `source`. A hold naming a subject keeps that subject's items; a
    broad one (a deployment, a category) keeps the deployment's items except, for biometric
    sources, those due because their person withdrew or asked for erasure."""
    q = Q(**{source.deployment_field: hold.deployment_id})
    if hold.subject_ref:
        return q & Q(**{source.subject_field: hold.subject_ref})
    if source.erasure_beats_broad_holds and source.trigger_field:
        q &= ~Q(**{f"{source.trigger_field}__in": PERSONAL_TRIGGERS})
    return q


def _held_q(source: RetentionSource, holds: Iterable[LegalHold]) -> Q:
    q = Q(pk__in=[])
    for hold in holds:
        if hold.category in ("", source.category):
            q |= _hold_q(source, hold)
    return q


def due_unheld(source: RetentionSource, *, now: dt.datetime,
               holds: list[LegalHold] | None = None) -> QuerySet:
    """The source's due items that no active hold covers."""
    holds = active_holds(now=now) if holds is None else holds
    return source.due(now=now).exclude(_held_q(source, holds))


# --- certificates ----------------------------------------------------------------------------


def _term(deployment: Deployment, category: str, trigger: str) -> tuple[str, str]:
    """The rule text and legal reference a certificate gives for items due by `trigger`."""
    if trigger == DeletionTrigger.DELETION_REQUEST:
        return "erase on the person's request", DELETION_REQUEST_REFERENCE
    if trigger in ERASURE_EVENTS.get(category, ()):
        return "erase at once", erasure_reference(deployment=deployment)
    terms = [r for r in candidate_rules(deployment=deployment, category=category)
             if r.trigger == trigger]
    rule = (min(terms, key=lambda r: r.period) if terms
            else effective_retention(deployment=deployment, category=category))
    return describe_rule(rule), rule.reference


def subject_hash(*, deployment_id: int, subject_ref: str, hasher: Any = None) -> str:
    """How certificates name a person: a keyed hash of the deployment and their pseudonym."""
    hasher = hasher or keyed_hasher(KeyPurpose.DELETION_CERTIFICATE)
    return hasher(f"subject|{deployment_id}|{subject_ref}")


def deletion_certificate_issue(*, deployment: Deployment, source: RetentionSource,
                               trigger: str, destroyed: Destroyed,
                               now: dt.datetime) -> DeletionCertificate:
    """Append the certificate of one destroyed batch; the caller holds the deployment lock."""
    hasher = keyed_hasher(KeyPurpose.DELETION_CERTIFICATE)
    rule, reference = _term(deployment, source.category, trigger)
    subjects = sorted({subject_hash(deployment_id=deployment.id, subject_ref=ref, hasher=hasher)
                       for ref in destroyed.subject_refs if ref})
    certificate = chain_append(DeletionCertificate(
        deployment=deployment, category=source.category, count=destroyed.count,
        trigger=trigger, rule=rule[:200], legal_reference=reference[:200],
        description=source.description[:300],
        identifier_hashes=[hasher(f"{source.category}|{i}") for i in destroyed.identifiers],
        subject_hashes=subjects, keys_shredded=sorted(destroyed.keys_shredded),
        ledger_checkpoint=destroyed.ledger_checkpoint, recorded_at=now))
    _index_subjects(certificate, subjects)
    if destroyed.ledger_checkpoint:
        checkpoint = destroyed.ledger_checkpoint
        LedgerCheckpoint.objects.update_or_create(
            ledger=checkpoint["ledger"], chain_key=checkpoint["chain_key"],
            defaults={"sequence": checkpoint["sequence"], "entry_hash": checkpoint["entry_hash"],
                      "certificate": certificate, "pruned_at": now})
    return certificate


def _index_subjects(certificate: DeletionCertificate, hashes: list[str]) -> None:
    if not hashes:
        return
    if connection.vendor == "postgresql":  # from the stored certificate: nothing re-sent
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {DeletionCertificateSubject._meta.db_table} "  # noqa: S608
                "(certificate_id, subject_hash) SELECT id, jsonb_array_elements_text("
                f"subject_hashes) FROM {DeletionCertificate._meta.db_table} WHERE id = %s",
                [certificate.id])
        return
    DeletionCertificateSubject.objects.bulk_create(
        DeletionCertificateSubject(certificate=certificate, subject_hash=h) for h in hashes)


# --- destroying ------------------------------------------------------------------------------


@dataclass
class DestroyReport:
    destroyed: int = 0
    certificates: int = 0
    selected: int = 0
    skipped_locked: bool = False
    by_category: dict[str, int] = field(default_factory=dict)

    def add(self, other: "DestroyReport") -> None:
        self.destroyed += other.destroyed
        self.certificates += other.certificates
        for category, count in other.by_category.items():
            self.by_category[category] = self.by_category.get(category, 0) + count


def _lock_deployment(deployment_id: int, *, skip_locked: bool) -> Deployment | None:
    rows = Deployment.objects.select_for_update(skip_locked=skip_locked).filter(id=deployment_id)
    return rows.prefetch_related("retention_rules").first()


def _batch(source: RetentionSource, deployment: Deployment, *, now: dt.datetime,
           subject_ref: str | None, size: int) -> list[DueItem]:
    due = due_unheld(source, now=now, holds=active_holds(now=now, deployment_id=deployment.id))
    due = due.filter(**{source.deployment_field: deployment.id})
    if subject_ref is not None:
        due = due.filter(**{source.subject_field: subject_ref})
    fields = ["pk", source.subject_field] + ([source.trigger_field] if source.trigger_field
                                             else [])
    default_trigger = effective_retention(deployment=deployment,
                                          category=source.category).trigger
    rows = due.order_by(source.due_order, "pk").values_list(*fields)[:size]
    return [DueItem(pk=row[0], subject_ref=row[1] or "",
                    trigger=(row[2] if len(row) > 2 and row[2] else default_trigger))
            for row in rows]


def retention_batch_destroy(*, source: RetentionSource, deployment_id: int, now: dt.datetime,
                            subject_ref: str | None = None, size: int | None = None,
                            skip_locked: bool = False) -> DestroyReport:
    """Destroy and certify at most one batch of one category of one deployment (one
    transaction). `skipped_locked` says another transaction held the deployment."""
    with transaction.atomic():
        deployment = _lock_deployment(deployment_id, skip_locked=skip_locked)
        if deployment is None:
            return DestroyReport(skipped_locked=True)
        items = _batch(source, deployment, now=now, subject_ref=subject_ref,
                       size=size or batch_size())
        report = DestroyReport(selected=len(items))
        by_trigger: dict[str, list[DueItem]] = defaultdict(list)
        for item in items:
            by_trigger[item.trigger].append(item)
        for trigger, group in sorted(by_trigger.items()):
            destroyed = source.destroy(deployment=deployment, items=group, now=now)
            if destroyed.count:
                deletion_certificate_issue(deployment=deployment, source=source,
                                           trigger=trigger, destroyed=destroyed, now=now)
                report.destroyed += destroyed.count
                report.certificates += 1
                report.by_category[source.category] = (
                    report.by_category.get(source.category, 0) + destroyed.count)
        return report


def retention_destroy_due(*, deployment_id: int, subject_ref: str | None = None,
                          now: dt.datetime | None = None, skip_locked: bool = False,
                          categories: Iterable[str] | None = None) -> DestroyReport:
    """Every due, unheld item of one deployment (optionally one subject), batch by batch."""
    now = now or timezone.now()
    total = DestroyReport()
    wanted = set(categories) if categories is not None else None
    for source in retention_sources():
        if wanted is not None and source.category not in wanted:
            continue
        while True:
            report = retention_batch_destroy(source=source, deployment_id=deployment_id,
                                             now=now, subject_ref=subject_ref,
                                             skip_locked=skip_locked)
            if report.skipped_locked:
                total.skipped_locked = True
                return total
            total.add(report)
            if report.selected == 0 or report.destroyed == 0:
                break  # nothing due, or what was selected had gone already
    return total


def _deployments_with_due(*, now: dt.datetime) -> list[int]:
    holds = active_holds(now=now)
    ids: set[int] = set()
    for source in retention_sources():
        ids.update(due_unheld(source, now=now, holds=holds)
                   .values_list(source.deployment_field, flat=True).distinct())
    return sorted(ids)


@dataclass
class SweepReport:
    destroyed: int
    certificates: int
    deferred: int
    overdue_after: int
    duration_seconds: float
    sweep_id: int


def retention_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """Destroy everything overdue and unheld, in every deployment, however long the platform
    was down (it loops until nothing is due), and record the run for the dashboards."""
    started, clock = timezone.now(), time.monotonic()
    now = now or started
    total, waiting = DestroyReport(), []
    for deployment_id in _deployments_with_due(now=now):
        report = retention_destroy_due(deployment_id=deployment_id, now=now, skip_locked=True)
        total.add(report)
        if report.skipped_locked:
            waiting.append(deployment_id)
    for deployment_id in waiting:  # held by someone else a moment ago: wait our turn now
        total.add(retention_destroy_due(deployment_id=deployment_id, now=now))
    deferred = retention_deferrals_record(now=now)
    overdue = overdue_count(now=now)
    duration = time.monotonic() - clock
    sweep = RetentionSweep.objects.create(
        started_at=started, finished_at=timezone.now(), duration_seconds=duration,
        destroyed=total.destroyed, certificates=total.certificates, deferred=deferred,
        overdue_after=overdue)
    logger.info("Retention sweep %s: %s destroyed in %s certificates, %s deferred, %s overdue, "
                "%.2fs", sweep.id, total.destroyed, total.certificates, deferred, overdue,
                duration)
    return SweepReport(total.destroyed, total.certificates, deferred, overdue, duration, sweep.id)


def retention_deferrals_record(*, now: dt.datetime) -> int:
    """For every active hold, how many due items it kept, per category (one row each)."""
    total = 0
    for hold in active_holds(now=now):
        for source in retention_sources():
            if hold.category not in ("", source.category):
                continue
            held = source.due(now=now).filter(_hold_q(source, hold)).count()
            if held:
                _deferral_upsert(hold=hold, category=source.category, items=held, now=now)
                total += held
    return total


@transaction.atomic
def _deferral_upsert(*, hold: LegalHold, category: str, items: int, now: dt.datetime) -> None:
    row = (RetentionDeferral.objects.select_for_update()
           .filter(hold=hold, category=category).first())
    if row is None:
        RetentionDeferral.objects.create(hold=hold, category=category, items=items,
                                         first_deferred_at=now, last_deferred_at=now)
        return
    row.items, row.last_deferred_at, row.sweeps = items, now, row.sweeps + 1
    row.save(update_fields=["items", "last_deferred_at", "sweeps"])


def overdue_by_category(*, now: dt.datetime | None = None,
                        deployment_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Items past delete_after that no hold covers, per category: all 0 after a sweep."""
    now = now or timezone.now()
    holds = active_holds(now=now)
    counts = {}
    for source in retention_sources():
        due = due_unheld(source, now=now, holds=holds)
        if deployment_ids is not None:
            due = due.filter(**{f"{source.deployment_field}__in": list(deployment_ids)})
        counts[source.category] = due.count()
    for category, counter in overdue_counters().items():
        counts[category] = counter(now=now, deployment_ids=deployment_ids)
    return counts


def overdue_count(*, now: dt.datetime | None = None,
                  deployment_ids: Iterable[int] | None = None) -> int:
    return sum(overdue_by_category(now=now, deployment_ids=deployment_ids).values())


# --- what changes delete_after ---------------------------------------------------------------


def _reschedule(*, deployment_id: int, subject_ref: str | None = None,
                erase: tuple[str, dt.datetime] | None = None) -> int:
    return sum(source.reschedule(deployment_id=deployment_id, subject_ref=subject_ref,
                                 erase=erase)
               for source in retention_sources() if source.reschedule is not None)


def retention_subject_erase_schedule(*, deployment: Deployment, subject_ref: str, trigger: str,
                                     at: dt.datetime | None = None) -> int:
    """An erasure event for one person (withdrawal, expiry, deletion request): their items are
    due now. Runs in the caller's transaction, so even if the immediate task is lost the next
    sweep destroys them."""
    return _reschedule(deployment_id=deployment.id, subject_ref=subject_ref,
                       erase=(trigger, at or timezone.now()))


def retention_deployment_end(*, deployment: Deployment, at: dt.datetime) -> int:
    """The deployment ended: its biometric data is due now; the destroy task runs after
    commit. Logs, assessments, the consent ledger and certificates keep their own rules."""
    from governance.tasks import retention_deployment_task

    rescheduled = _reschedule(deployment_id=deployment.id,
                              erase=(DeletionTrigger.DEPLOYMENT_END, at))
    if rescheduled:
        transaction.on_commit(partial(retention_deployment_task.delay, deployment.id))
    return rescheduled


def retention_rules_changed(*, deployment: Deployment) -> int:
    """A declared rule changed: recompute every item's delete_after, then destroy what the new
    rule makes due (after commit)."""
    from governance.tasks import retention_deployment_task

    rescheduled = _reschedule(deployment_id=deployment.id)
    if rescheduled:
        transaction.on_commit(partial(retention_deployment_task.delay, deployment.id))
    return rescheduled


# --- legal holds -----------------------------------------------------------------------------


def _check_hold_scope(*, subject_ref: str, category: str, reason: str,
                      expires_at: dt.datetime, now: dt.datetime) -> None:
    if category and category not in DataCategory.values:
        raise DomainError(f"Unknown data category {category!r}.", code="invalid_category")
    if not reason.strip():
        raise DomainError(_("A legal hold states its reason."), code="reason_required")
    if expires_at <= now:
        raise DomainError(_("A legal hold must end in the future."), code="invalid_expiry")


@transaction.atomic
def legal_hold_place(*, actor: Any, deployment: Deployment, reason: str,
                     expires_at: dt.datetime, subject_ref: str = "",
                     category: str = "") -> LegalHold:
    """A regulator keeps data past its delete_after (an investigation, a court case)."""
    from governance.permissions import REGULATOR_DECIDERS, organisations_of, regulator_covers
    from governance.permissions import require as require_permission

    require_permission(actor, "legal_hold.place", deployment)
    now = timezone.now()
    _check_hold_scope(subject_ref=subject_ref, category=category, reason=reason,
                      expires_at=expires_at, now=now)
    regulator = next(r for r in organisations_of(actor, roles=REGULATOR_DECIDERS)
                     if regulator_covers(r, deployment.organisation))
    return LegalHold.objects.create(
        deployment=deployment, subject_ref=subject_ref.strip(), category=category,
        reason=reason.strip(), expires_at=expires_at, placed_by=actor, regulator=regulator,
        placed_at=now)


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, actor: Any) -> LegalHold:
    """End a hold early; the next sweep destroys whatever it was keeping that is overdue."""
    from governance.permissions import require as require_permission
    from governance.tasks import retention_deployment_task

    hold = LegalHold.objects.select_for_update().select_related(
        "deployment__organisation").get(pk=hold.pk)
    require_permission(actor, "legal_hold.place", hold.deployment)
    if hold.released_at is not None:
        raise DomainError(_("This hold was already released."), code="hold_released")
    hold.released_at, hold.released_by = timezone.now(), actor
    hold.save(update_fields=["released_at", "released_by"])
    transaction.on_commit(partial(retention_deployment_task.delay, hold.deployment_id))
    return hold
