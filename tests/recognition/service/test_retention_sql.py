"""The one-statement retention refresh on PostgreSQL gives exactly what the per-row Python
computation (`due()`) gives, for every kind of term; an interaction moves the clock in one
statement."""

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from governance.models import Deployment, RetentionRule
from recognition.models import FaceImage, Template, VaultSubject
from recognition.retention import (
    _refresh_rows,
    subject_retention_refresh,
    subjects_interaction_record,
)
from recognition.services.vault import template_store

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the one-statement refresh is PostgreSQL's")
DAY = dt.timedelta(days=1)

RULES = {
    "platform defaults": [],
    "templates 30 days after collection": [("face_template", 30, "collection")],
    "templates 10 days after the last interaction, images 5 after collection": [
        ("face_template", 10, "last_interaction"), ("face_image", 5, "collection")],
    "templates 2 days after the deployment ends": [("face_template", 2, "deployment_end")],
}


def python_changes(deployment) -> int:
    """Rows the reference computation would still change (0: the SQL wrote the same)."""
    deployment = Deployment.objects.prefetch_related("retention_rules").get(pk=deployment.pk)
    subjects = VaultSubject.objects.filter(deployment=deployment)
    return (_refresh_rows(Template, "face_template", subjects, deployment)
            + _refresh_rows(FaceImage, "face_image", subjects, deployment))


def stored(deployment) -> list:
    return sorted(
        [*Template.objects.filter(subject__deployment=deployment)
         .values_list("id", "delete_after", "delete_trigger"),
         *FaceImage.objects.filter(subject__deployment=deployment)
         .values_list("id", "delete_after", "delete_trigger")], key=str)


@pytest.mark.parametrize("rules", RULES.values(), ids=RULES.keys())
@pytest.mark.parametrize("decommissioned", [False, True], ids=["active", "ended"])
def test_the_sql_refresh_equals_the_per_row_computation(gate, rules, decommissioned):
    for category, days, trigger in rules:
        RetentionRule.objects.create(deployment=gate, category=category, period_days=days,
                                     trigger=trigger)
    rng = np.random.default_rng(3)
    for n in range(4):
        template_store(deployment=gate, subject_ref=f"s-{n}",
                       vector=rng.standard_normal(128).astype(np.float32),
                       image=b"img" if n % 2 else None, image_content_type="image/png")
    now = timezone.now()
    # Different clocks per row: created long ago, last seen at various times.
    for n, subject in enumerate(VaultSubject.objects.order_by("id")):
        seen = now - n * 7 * DAY
        VaultSubject.objects.filter(id=subject.id).update(last_interaction_at=seen)
        Template.objects.filter(subject=subject).update(
            created_at=now - (n + 1) * 40 * DAY, delete_after=now, delete_trigger="collection")
    if decommissioned:
        Deployment.objects.filter(id=gate.id).update(decommissioned_at=now - DAY)
        gate.refresh_from_db()

    changed = subject_retention_refresh(deployment=gate,
                                        subjects=VaultSubject.objects.filter(deployment=gate))
    assert changed > 0
    assert python_changes(gate) == 0  # the reference finds nothing left to correct
    # And the other way round: scramble, let the reference write, the SQL changes nothing.
    Template.objects.update(delete_after=now, delete_trigger="collection")
    assert python_changes(gate) > 0
    before = stored(gate)
    assert subject_retention_refresh(
        deployment=gate, subjects=VaultSubject.objects.filter(deployment=gate)) == 0
    assert stored(gate) == before


def test_an_interaction_restarts_the_clock_in_one_statement(gate, django_assert_num_queries):
    RetentionRule.objects.create(deployment=gate, category="face_template", period_days=10,
                                 trigger="last_interaction")
    template = template_store(deployment=gate, subject_ref="s-1",
                              vector=np.ones(128, dtype=np.float32))
    at = timezone.now() + DAY
    # One statement for the subject and its rows: the rules come from their stamped cache
    # (read when the template was stored).
    with django_assert_num_queries(1):
        subjects_interaction_record(deployment=gate, at=at,
                                    subjects=VaultSubject.objects.filter(subject_ref="s-1"))
    template.refresh_from_db()
    assert VaultSubject.objects.get().last_interaction_at == at
    assert (template.delete_after, template.delete_trigger) == (at + 10 * DAY,
                                                                "last_interaction")
    assert python_changes(gate) == 0
    # A changed rule is read again on the next interaction (its save bumps the stamp).
    rule = RetentionRule.objects.get(deployment=gate, category="face_template")
    rule.period_days = 3
    rule.save()
    with django_assert_num_queries(2):
        subjects_interaction_record(deployment=gate, at=at,
                                    subjects=VaultSubject.objects.filter(subject_ref="s-1"))
    template.refresh_from_db()
    assert template.delete_after == at + 3 * DAY
    assert python_changes(gate) == 0
