"""What recognition stores, registered with governance's retention engine.

Three categories: sealed face templates, sealed face images (both carry `delete_after` and the
trigger that set it) and recognition events (a hash chain: every column is hashed, so their
expiry is computed at sweep time from `recorded_at` and the effective rule, and the chain is
pruned from its oldest end with a checkpoint).

Templates and images are destroyed with DELETE … RETURNING, so a batch reports exactly the
rows it removed; a subject left with nothing is crypto-shredded (its wrapped data key
overwritten, then the row deleted) and its key id goes on the certificate.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import connection
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from governance.models import (
    DataCategory,
    DeletionTrigger,
    Deployment,
    RetentionRule,
    RetentionTrigger,
)
from governance.platform.ledger import chain_prune
from governance.retention.registry import Destroyed, DueItem, RetentionSource
from governance.retention.rules import (
    ERASURE_EVENTS,
    candidate_rules,
    declared_rules_cached,
    due,
    effective_retention,
)
from recognition.models import FaceImage, RecognitionEvent, Template, VaultSubject

# Triggers that come from an event rather than a period: a recomputed rule never moves them.
ERASURE_TRIGGERS = frozenset({DeletionTrigger.CONSENT_WITHDRAWAL, DeletionTrigger.DEPLOYMENT_END,
                              DeletionTrigger.DELETION_REQUEST})
REFRESH_BATCH_SIZE = 2000


# --- computing delete_after ------------------------------------------------------------------


def _moments(row: Template | FaceImage, subject: VaultSubject,
             deployment: Deployment) -> dict[str, dt.datetime]:
    moments = {RetentionTrigger.COLLECTION: row.created_at or timezone.now(),
               RetentionTrigger.LAST_INTERACTION: subject.last_interaction_at}
    if deployment.decommissioned_at:
        moments[RetentionTrigger.DEPLOYMENT_END] = deployment.decommissioned_at
    return moments


def _refresh_rows(model: type[Template] | type[FaceImage], category: str,
                  subjects: QuerySet[VaultSubject], deployment: Deployment) -> int:
    """Recompute delete_after of every row of these subjects from the rule, except rows an
    erasure event made due (those stay due)."""
    changed = []
    rows = (model.objects.filter(subject__in=subjects).select_related("subject")
            .exclude(delete_trigger__in=ERASURE_TRIGGERS))
    for row in rows.iterator(chunk_size=REFRESH_BATCH_SIZE):
        found = due(deployment=deployment, category=category,
                    moments=_moments(row, row.subject, deployment))
        at, trigger = (found.at, found.trigger) if found else (None, "")
        if (row.delete_after, row.delete_trigger) != (at, trigger):
            row.delete_after, row.delete_trigger = at, trigger
            changed.append(row)
    model.objects.bulk_update(changed, ["delete_after", "delete_trigger"],
                              batch_size=REFRESH_BATCH_SIZE)
    return len(changed)


def _terms(deployment: Deployment, category: str,
           rules: list[RetentionRule]) -> list[tuple[str, str, object]]:
    """The terms `due()` compares, in its order, as (trigger, moment column, offset): the
    moment is a row's creation, its subject's last interaction or a constant."""
    terms: list[tuple[str, str, object]] = []
    for rule in candidate_rules(deployment=deployment, category=category, rules=rules):
        if rule.trigger == RetentionTrigger.COLLECTION:
            terms.append((rule.trigger, "r.created_at + %s", rule.period))
        elif rule.trigger == RetentionTrigger.LAST_INTERACTION:
            terms.append((rule.trigger, "s.last_interaction_at + %s", rule.period))
        elif rule.trigger == RetentionTrigger.DEPLOYMENT_END and deployment.decommissioned_at:
            terms.append((rule.trigger, "%s::timestamptz",
                          deployment.decommissioned_at + rule.period))
    if deployment.decommissioned_at and RetentionTrigger.DEPLOYMENT_END in ERASURE_EVENTS.get(
            category, ()):
        terms.append((RetentionTrigger.DEPLOYMENT_END, "%s::timestamptz",
                      deployment.decommissioned_at))
    return terms


def _refresh_update(model: type[Template] | type[FaceImage], category: str,
                    deployment: Deployment, rules: list[RetentionRule],
                    source: str) -> tuple[str, list]:
    """`_refresh_rows` as one UPDATE on PostgreSQL over the subjects in `source` (a relation
    of id and last_interaction_at): delete_after is the earliest term (LEAST skips a term
    whose moment is NULL), the trigger the first term giving it — the same answer as `due()`,
    which takes the first of equal dates. Rows an erasure made due are left as they are."""
    terms = _terms(deployment, category, rules)
    if terms:
        at_sql = "LEAST(" + ", ".join(sql for _, sql, _ in terms) + ")"
        at_params = [value for _, _, value in terms]
        trigger_sql = ("COALESCE(CASE " + " ".join(
            f"WHEN {sql} = {at_sql} THEN %s" for _, sql, _ in terms) + " END, '')")
        trigger_params = [p for trigger, _, value in terms for p in (value, *at_params, trigger)]
    else:
        at_sql, at_params, trigger_sql, trigger_params = "NULL", [], "''", []
    sql = (f"UPDATE {model._meta.db_table} r SET delete_after = {at_sql}, "  # noqa: S608
           f"delete_trigger = {trigger_sql} FROM {source} s "
           "WHERE s.id = r.subject_id AND NOT (r.delete_trigger = ANY(%s)) "
           f"AND (r.delete_after IS DISTINCT FROM {at_sql} "
           f"OR r.delete_trigger IS DISTINCT FROM {trigger_sql}) RETURNING 1")
    return sql, [*at_params, *trigger_params, sorted(ERASURE_TRIGGERS), *at_params,
                 *trigger_params]


def _refresh_statement(deployment: Deployment, head: str, head_params: list) -> int:
    """One statement: `head` (a WITH clause defining `subjects(id, last_interaction_at)`),
    then the templates' and the images' refresh over those subjects; rows changed. The
    declared rules come from their stamped cache, so a verify reads no rule row."""
    rules = declared_rules_cached(deployment_id=deployment.id)
    templates, t_params = _refresh_update(Template, DataCategory.FACE_TEMPLATE, deployment,
                                          rules, "subjects")
    images, i_params = _refresh_update(FaceImage, DataCategory.FACE_IMAGE, deployment, rules,
                                       "subjects")
    with connection.cursor() as cursor:
        cursor.execute(f"{head}, t AS ({templates}), i AS ({images}) "
                       "SELECT (SELECT count(*) FROM t) + (SELECT count(*) FROM i)",
                       [*head_params, *t_params, *i_params])
        return cursor.fetchone()[0]


def subject_retention_refresh(*, deployment: Deployment,
                              subjects: QuerySet[VaultSubject]) -> int:
    """After a new interaction or enrolment: the subjects' templates and images are due
    again from their last interaction. On PostgreSQL one statement (and one query for the
    deployment's rules)."""
    if connection.vendor != "postgresql":
        deployment = Deployment.objects.prefetch_related("retention_rules").get(
            pk=deployment.pk)
        return (_refresh_rows(Template, DataCategory.FACE_TEMPLATE, subjects, deployment)
                + _refresh_rows(FaceImage, DataCategory.FACE_IMAGE, subjects, deployment))
    inner, params = subjects.values("id").query.sql_with_params()
    head = ("WITH subjects AS (SELECT id, last_interaction_at "  # noqa: S608
            f"FROM {VaultSubject._meta.db_table} WHERE id IN ({inner}))")
    return _refresh_statement(deployment, head, list(params))


def subjects_interaction_record(*, deployment: Deployment, subjects: QuerySet[VaultSubject],
                                at: dt.datetime) -> int:
    """An interaction at `at`: the subjects' last-interaction clock restarts and their items'
    delete_after moves with it. On PostgreSQL the subjects' UPDATE and both refreshes are one
    statement (the refresh reads the new clock from the subjects' RETURNING)."""
    if connection.vendor != "postgresql":
        subjects.update(last_interaction_at=at)
        return subject_retention_refresh(deployment=deployment, subjects=subjects)
    inner, params = subjects.values("id").query.sql_with_params()
    table = VaultSubject._meta.db_table
    head = (f"WITH subjects AS (UPDATE {table} SET last_interaction_at = %s "  # noqa: S608
            f"WHERE id IN ({inner}) RETURNING id, last_interaction_at)")
    return _refresh_statement(deployment, head, [at, *params])


def _reschedule(model: type[Template] | type[FaceImage], category: str):  # noqa: ANN202
    def reschedule(*, deployment_id: int, subject_ref: str | None = None,
                   erase: tuple[str, dt.datetime] | None = None) -> int:
        subjects = VaultSubject.objects.filter(deployment_id=deployment_id)
        if subject_ref is not None:
            subjects = subjects.filter(subject_ref=subject_ref)
        if erase is None:
            deployment = Deployment.objects.prefetch_related("retention_rules").get(
                pk=deployment_id)
            return _refresh_rows(model, category, subjects, deployment)
        trigger, at = erase
        # Due at `at` unless already due earlier (then it stays as it is).
        rows = model.objects.filter(subject__in=subjects).filter(
            Q(delete_after__isnull=True) | Q(delete_after__gt=at))
        return rows.update(delete_after=at, delete_trigger=trigger)

    return reschedule


# --- destroying templates and images ---------------------------------------------------------


def _ids_clause(column: str, ids: list[int]) -> tuple[str, list]:
    """`column` is one of `ids`: one array parameter on PostgreSQL (thousands of separate
    placeholders cost more to send than the delete itself), placeholders elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _delete_returning(table: str, ids: list[int]) -> list[tuple[int, str, int]]:
    """DELETE … RETURNING: exactly the rows this transaction removed (id, nonce, subject)."""
    if not ids:
        return []
    clause, params = _ids_clause("id", ids)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the canonical text form, made by the server
            cursor.execute(f"DELETE FROM {table} WHERE {clause} "  # noqa: S608
                           "RETURNING id, nonce_id::text, subject_id", params)
            return cursor.fetchall()
        cursor.execute(f"DELETE FROM {table} WHERE {clause} "  # noqa: S608
                       "RETURNING id, nonce_id, subject_id", params)
        return [(row[0], str(uuid.UUID(str(row[1]))), row[2]) for row in cursor.fetchall()]


def _shred_empty_subjects(subject_ids: Iterable[int]) -> list[str]:
    """Crypto-shred every subject left with no template and no image: overwrite its wrapped
    data key, then delete the row. Returns the shredded key ids."""
    ids = sorted(set(subject_ids))
    if not ids:
        return []
    subjects, templates, images = (VaultSubject._meta.db_table, Template._meta.db_table,
                                   FaceImage._meta.db_table)
    clause, params = _ids_clause(f"{subjects}.id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {subjects} SET wrapped_data_key = %s WHERE {clause} "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {templates} t WHERE t.subject_id = {subjects}.id) "
            f"AND NOT EXISTS (SELECT 1 FROM {images} i WHERE i.subject_id = {subjects}.id) "
            f"RETURNING id, key_id{'::text' if connection.vendor == 'postgresql' else ''}",
            [b"", *params])
        shredded = cursor.fetchall()
        if shredded:
            clause, params = _ids_clause("id", [row[0] for row in shredded])
            cursor.execute(f"DELETE FROM {subjects} WHERE {clause}", params)  # noqa: S608
    if connection.vendor == "postgresql":
        return [key_id for _, key_id in shredded]
    return [str(uuid.UUID(str(key_id))) for _, key_id in shredded]


def _destroy(model: type[Template] | type[FaceImage]):  # noqa: ANN202
    def destroy(*, deployment: Deployment, items: list[DueItem], now: dt.datetime) -> Destroyed:
        from recognition.services.vault import gallery_version_bump, stored_subjects_report

        refs = {item.pk: item.subject_ref for item in items}
        removed = _delete_returning(model._meta.db_table, list(refs))
        if not removed:
            return Destroyed(identifiers=[])
        keys = _shred_empty_subjects(subject_id for _, _, subject_id in removed)
        gallery_version_bump(deployment_id=deployment.id)
        if keys:
            stored_subjects_report(deployment)
            from recognition.services.leaks import canaries_destroy_with_gallery

            canaries_destroy_with_gallery(deployment=deployment)  # leak canaries go too
        return Destroyed(identifiers=[nonce for _, nonce, _ in removed],
                         subject_refs=sorted({refs[pk] for pk, _, _ in removed}),
                         keys_shredded=keys)

    return destroy


def _due_rows(model: type[Template] | type[FaceImage]):  # noqa: ANN202
    def due_rows(*, now: dt.datetime) -> QuerySet:
        return model.objects.filter(delete_after__lte=now)

    return due_rows


# --- recognition events: a hash chain pruned from its oldest end -----------------------------


def events_due(*, now: dt.datetime) -> QuerySet[RecognitionEvent]:
    """Events past their deployment's rule for logs (counted from recording, or from the
    deployment's end when the rule says so)."""
    q = Q(pk__in=[])
    deployment_ids = RecognitionEvent.objects.values_list("deployment_id", flat=True).distinct()
    for deployment in Deployment.objects.filter(id__in=list(deployment_ids)).prefetch_related(
            "retention_rules"):
        rule = effective_retention(deployment=deployment, category=DataCategory.RECOGNITION_EVENT)
        if rule.trigger == RetentionTrigger.DEPLOYMENT_END:
            if deployment.decommissioned_at and deployment.decommissioned_at + rule.period <= now:
                q |= Q(deployment_id=deployment.id)
        else:
            q |= Q(deployment_id=deployment.id, recorded_at__lte=now - rule.period)
    return RecognitionEvent.objects.filter(q)


def events_destroy(*, deployment: Deployment, items: list[DueItem],
                   now: dt.datetime) -> Destroyed:
    """Prune the longest run of due events from the chain's start: an event a hold keeps
    stops the prune there, so what remains is still one contiguous, verifiable chain."""
    from recognition.services.events import RECOGNITION_LEDGER

    chain = RecognitionEvent.objects.filter(deployment=deployment)
    picked = {item.pk for item in items}
    last_due = chain.filter(pk__in=picked).aggregate(last=Max("sequence"))["last"]
    if last_due is None:
        return Destroyed(identifiers=[])
    blocker = chain.filter(sequence__lte=last_due).exclude(pk__in=picked).aggregate(
        m=Min("sequence"))["m"]
    through = blocker - 1 if blocker is not None else last_due
    pruned = list(chain.filter(sequence__lte=through).values_list("sequence", "subject_ref",
                                                                   "matched_refs"))
    if not pruned:
        return Destroyed(identifiers=[])
    start = chain_prune(model=RecognitionEvent, chain_key=deployment.id, through_sequence=through)
    refs = {ref for _, subject, matched in pruned for ref in [subject, *(matched or [])] if ref}
    return Destroyed(
        identifiers=[f"{deployment.id}:{sequence}" for sequence, _, _ in pruned],
        subject_refs=sorted(refs),
        ledger_checkpoint={"ledger": RECOGNITION_LEDGER, "chain_key": str(deployment.id),
                           "sequence": start.sequence, "entry_hash": start.entry_hash})


SOURCES = (
    RetentionSource(
        category=DataCategory.FACE_TEMPLATE,
        description="Sealed face templates (AES-256-GCM under per-subject data keys)",
        due=_due_rows(Template), destroy=_destroy(Template),
        reschedule=_reschedule(Template, DataCategory.FACE_TEMPLATE),
        deployment_field="subject__deployment_id", subject_field="subject__subject_ref",
        erasure_beats_broad_holds=True),
    RetentionSource(
        category=DataCategory.FACE_IMAGE,
        description="Sealed enrolment images (AES-256-GCM under per-subject data keys)",
        due=_due_rows(FaceImage), destroy=_destroy(FaceImage),
        reschedule=_reschedule(FaceImage, DataCategory.FACE_IMAGE),
        deployment_field="subject__deployment_id", subject_field="subject__subject_ref",
        erasure_beats_broad_holds=True),
    RetentionSource(
        category=DataCategory.RECOGNITION_EVENT,
        description="Recognition events (logs), pruned from the start of their hash chain",
        due=events_due, destroy=events_destroy, reschedule=None,
        deployment_field="deployment_id", subject_field="subject_ref", trigger_field=None,
        due_order="sequence"),
)
