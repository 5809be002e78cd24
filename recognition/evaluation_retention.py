"""Uploaded evaluation sets under the retention engine: labelled face photos, sealed, due
90 days after upload by default (governance/retention/rules.py) unless the deployment
declares a shorter rule. Destroying one shreds its sealed ZIP; the figures stay."""

import datetime as dt

from django.db.models import QuerySet, Value

from governance.models import DataCategory, Deployment
from governance.retention.registry import Destroyed, DueItem, RetentionSource
from recognition.models import EvaluationSet


def evaluation_sets_due(*, now: dt.datetime) -> QuerySet[EvaluationSet]:
    # A set belongs to no person: holds scoped to a subject never match (subject is "").
    return (EvaluationSet.objects.filter(destroyed_at__isnull=True, delete_after__lte=now)
            .annotate(no_subject=Value("")))


def evaluation_sets_destroy(*, deployment: Deployment, items: list[DueItem],
                            now: dt.datetime) -> Destroyed:
    from recognition.services.evaluations import evaluation_set_destroy

    destroyed = []
    rows = EvaluationSet.objects.select_for_update().filter(
        deployment=deployment, pk__in=[item.pk for item in items])
    for evaluation_set in rows:
        if evaluation_set_destroy(evaluation_set=evaluation_set, now=now):
            destroyed.append(f"evaluation-set:{evaluation_set.pk}")
    return Destroyed(identifiers=destroyed)


SOURCE = RetentionSource(
    category=DataCategory.EVALUATION_SET,
    description="Uploaded evaluation sets (labelled face photos, sealed ZIP archives)",
    due=evaluation_sets_due, destroy=evaluation_sets_destroy, reschedule=None,
    deployment_field="deployment_id", subject_field="no_subject")
