"""Every rule of the rules engine, once kept and once broken.

Each case starts from a deployment that passes every blocking rule and changes just what the
rule is about, so a failure can only come from that rule.
"""

import datetime as dt

import pytest
from django.utils import timezone

from governance.compliance.rules import RULES, RULES_BY_ID, evaluate, violations
from governance.models import (
    DataCategory,
    Filing,
    FilingKind,
    Purpose,
    RetentionRule,
    ThresholdChange,
)
from tests.factories import ready_deployment
from tests.recognition.evaluations.factories import finished_evaluation


def with_purposes(*codes):
    def apply(d):
        d.purposes.set(Purpose.objects.filter(code__in=codes))
    return apply


def fields(**values):
    def apply(d):
        for name, value in values.items():
            # A callable is evaluated when the step runs, not when the table is built:
            # times relative to "now" must not drift while a long suite runs.
            setattr(d, name, value() if callable(value) else value)
        d.save()
    return apply


def steps(*funcs):
    def apply(d):
        for func in funcs:
            func(d)
    return apply


def retention(category, days, trigger="collection"):
    def apply(d):
        RetentionRule.objects.create(deployment=d, category=category, period_days=days,
                                     trigger=trigger)
    return apply


PUBLIC_SECURITY = steps(with_purposes("public_security"),
                        fields(interest="public", is_public_place=True, has_signage=True,
                               place_type="transport_hub"))
PUBLIC_IDENTIFICATION_PENDING = steps(PUBLIC_SECURITY, fields(
    mode="identification_realtime", two_person_confirmation=True, status="pending_approval"))


def evaluated(**kwargs):
    return lambda d: finished_evaluation(d, **kwargs)


def threshold_changed_in_operation(d):
    """Running since yesterday; the threshold moved from 0.6 to 0.55 since."""
    fields(status="active", activated_at=lambda: timezone.now() - dt.timedelta(days=1),
           threshold=0.55)(d)
    ThresholdChange.objects.create(deployment=d, previous=0.6, threshold=0.55, reason="Audit.")

CASES = {
    # rule: (what keeps it, what breaks it)
    "prohibited_place": (fields(place_type="campus"),
                         fields(place_type="hotel_room")),
    "public_place_public_security_only": (
        PUBLIC_SECURITY,
        steps(PUBLIC_SECURITY, with_purposes("access_control"))),
    "public_place_signage": (PUBLIC_SECURITY, steps(PUBLIC_SECURITY, fields(has_signage=False))),
    "public_security_needs_public_interest": (
        PUBLIC_SECURITY, steps(PUBLIC_SECURITY, fields(interest="private"))),
    "non_face_alternative": (fields(non_face_alternative="Ask the guard to open the gate."),
                             fields(non_face_alternative="  ")),
    "impact_assessment_current": (
        fields(material_change_at=lambda: timezone.now() - dt.timedelta(days=1)),
        fields(material_change_at=lambda: timezone.now() + dt.timedelta(minutes=1))),
    "central_storage_separate_consent": (
        fields(storage="central", central_storage_separate_consent=True),
        fields(storage="central", central_storage_separate_consent=False)),
    "no_customer_analytics_in_public": (
        with_purposes("customer_analytics"),
        steps(PUBLIC_SECURITY, with_purposes("public_security", "customer_analytics"))),
    "public_identification_two_person_confirmation": (
        steps(PUBLIC_SECURITY, fields(mode="identification_realtime",
                                      two_person_confirmation=True)),
        steps(PUBLIC_SECURITY, fields(mode="identification_realtime"))),
    "notice_published": (lambda d: None, lambda d: d.notices.all().delete()),
    "images_kept_only_when_justified": (
        fields(keeps_images=True, keeps_images_justification="Disputed entries are reviewed."),
        fields(keeps_images=True)),
    "identification_logs_kept_six_months": (
        steps(fields(mode="identification_post"),
              retention(DataCategory.RECOGNITION_EVENT, 183)),
        steps(fields(mode="identification_post"),
              retention(DataCategory.RECOGNITION_EVENT, 90))),
    "retention_within_statutory_caps": (
        retention(DataCategory.FACE_TEMPLATE, 365, "last_interaction"),
        retention(DataCategory.FACE_TEMPLATE, 5 * 365, "last_interaction")),
    "filing_due": (
        steps(fields(expected_subjects=150_000),
              lambda d: Filing.objects.create(
                  deployment=d, kind=FilingKind.INITIAL, status="submitted", trigger="t",
                  triggered_at=timezone.now(), due_at=timezone.now())),
        fields(expected_subjects=150_000)),
    "threshold_change_evaluated": (
        steps(threshold_changed_in_operation, evaluated(threshold=0.55)),
        threshold_changed_in_operation),
    "public_identification_evaluated": (
        steps(PUBLIC_IDENTIFICATION_PENDING, evaluated()), PUBLIC_IDENTIFICATION_PENDING),
    "worst_group_meets_target": (
        steps(PUBLIC_SECURITY, evaluated(worst_fmr=0.0005)),
        steps(PUBLIC_SECURITY, evaluated(worst_fmr=0.004))),
    "worst_group_meets_target_advisory": (evaluated(worst_fmr=0.0005),
                                          evaluated(worst_fmr=0.004)),
}


def test_every_rule_has_a_case_and_every_case_a_rule():
    assert set(CASES) == {rule.id for rule in RULES}


def test_every_rule_names_its_legal_reference():
    assert all(rule.reference and rule.title for rule in RULES)


def finding(deployment, rule_id):
    return next(f for f in evaluate(deployment) if f.rule == rule_id)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_when_the_deployment_keeps_it(db, rule_id):
    deployment = ready_deployment()
    CASES[rule_id][0](deployment)
    result = finding(deployment, rule_id)
    assert result.passed, result.message
    assert result.message == ""


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fails_with_its_reference_when_the_deployment_breaks_it(db, rule_id):
    deployment = ready_deployment()
    CASES[rule_id][1](deployment)
    result = finding(deployment, rule_id)
    assert not result.passed
    assert result.reference == RULES_BY_ID[rule_id].reference
    assert result.severity == RULES_BY_ID[rule_id].severity
    assert result.message
    # Breaking this one rule breaks no other blocking rule.
    assert {f.rule for f in violations(deployment)} - {rule_id} == set()


def test_a_ready_deployment_breaks_no_rule_at_all(db):
    assert [f.rule for f in evaluate(ready_deployment()) if not f.passed] == []


@pytest.mark.parametrize("place", ["hotel_room", "public_bath", "changing_room", "toilet"])
def test_every_prohibited_place_is_refused(db, place):
    deployment = ready_deployment(place_type=place)
    assert [f.rule for f in violations(deployment)] == ["prohibited_place"]


def test_a_deployment_without_any_assessment_breaks_the_assessment_rule(db):
    deployment = ready_deployment()
    deployment.assessments.all().delete()
    assert finding(deployment, "impact_assessment_current").message.startswith(
        "A complete impact assessment is required")
