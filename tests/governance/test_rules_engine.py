"""Every rule of every jurisdiction pack, once kept and once broken.

Each case starts from a deployment of that jurisdiction that passes every blocking rule of its
pack and changes just what the rule is about, so a failure can only come from that rule.
"""

import datetime as dt

import pytest
from django.utils import timezone

from governance.compliance.packs import PACKS, all_rules
from governance.compliance.rules import evaluate, rule_get, violations
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
        RetentionRule.objects.update_or_create(
            deployment=d, category=category,
            defaults={"period_days": days, "trigger": trigger})
    return apply


def nothing(d):
    return None


PUBLIC_SECURITY = steps(with_purposes("public_security"),
                        fields(interest="public", is_public_place=True, has_signage=True,
                               place_type="transport_hub", legal_basis="public_security_law"))
IDENTIFICATION = fields(mode="identification_post", two_person_confirmation=True)
FILED = lambda d: Filing.objects.create(  # noqa: E731 — a table entry
    deployment=d, kind=FilingKind.INITIAL, status="submitted", trigger="t",
    triggered_at=timezone.now(), due_at=timezone.now())
ASSESSED_YESTERDAY = fields(material_change_at=lambda: timezone.now() - dt.timedelta(days=1))
CHANGED_AFTER_ASSESSMENT = fields(
    material_change_at=lambda: timezone.now() + dt.timedelta(minutes=1))

def evaluated(**kwargs):
    return lambda d: finished_evaluation(d, **kwargs)


def threshold_changed_in_operation(d):
    """Running since yesterday; the threshold moved from 0.6 to 0.55 since."""
    fields(status="active", activated_at=lambda: timezone.now() - dt.timedelta(days=1),
           threshold=0.55)(d)
    ThresholdChange.objects.create(deployment=d, previous=0.6, threshold=0.55, reason="Audit.")


def accuracy_cases(public_security):
    """The accuracy rules are the platform's, in every pack (packs/accuracy.py); each pack's
    case starts from a public-security deployment that its other rules accept."""
    pending = steps(public_security, fields(
        mode="identification_post", two_person_confirmation=True, status="pending_approval"),
        retention(DataCategory.RECOGNITION_EVENT, 183))
    return {
        "threshold_change_evaluated": (
            steps(threshold_changed_in_operation, evaluated(threshold=0.55)),
            threshold_changed_in_operation),
        "public_identification_evaluated": (steps(pending, evaluated()), pending),
        "worst_group_meets_target": (
            steps(public_security, evaluated(worst_fmr=0.0005)),
            steps(public_security, evaluated(worst_fmr=0.004))),
        "worst_group_meets_target_advisory": (evaluated(worst_fmr=0.0005),
                                              evaluated(worst_fmr=0.004)),
    }

CASES = {
    # jurisdiction: {rule: (what keeps it, what breaks it)}
    "CN": {
        "prohibited_place": (fields(place_type="campus"), fields(place_type="hotel_room")),
        "public_place_public_security_only": (
            PUBLIC_SECURITY, steps(PUBLIC_SECURITY, with_purposes("access_control"))),
        "public_place_signage": (PUBLIC_SECURITY,
                                 steps(PUBLIC_SECURITY, fields(has_signage=False))),
        "public_security_needs_public_interest": (
            PUBLIC_SECURITY, steps(PUBLIC_SECURITY, fields(interest="private"))),
        "non_face_alternative": (fields(non_face_alternative="Ask the guard to open."),
                                 fields(non_face_alternative="  ")),
        "impact_assessment_current": (ASSESSED_YESTERDAY, CHANGED_AFTER_ASSESSMENT),
        "central_storage_separate_consent": (
            fields(storage="central", central_storage_separate_consent=True),
            fields(storage="central", central_storage_separate_consent=False)),
        "no_customer_analytics_in_public": (
            with_purposes("customer_analytics"),
            steps(PUBLIC_SECURITY, with_purposes("public_security", "customer_analytics"))),
        "notice_published": (nothing, lambda d: d.notices.all().delete()),
        "images_kept_only_when_justified": (
            fields(keeps_images=True, keeps_images_justification="Disputes are reviewed."),
            fields(keeps_images=True)),
        "filing_due": (steps(fields(expected_subjects=150_000), FILED),
                       fields(expected_subjects=150_000)),
        **accuracy_cases(PUBLIC_SECURITY),
    },
    "EU": {
        "realtime_identification_for_law_enforcement": (
            steps(PUBLIC_SECURITY, IDENTIFICATION,
                  retention(DataCategory.RECOGNITION_EVENT, 183)),
            steps(PUBLIC_SECURITY, fields(mode="identification_realtime",
                                          two_person_confirmation=True),
                  retention(DataCategory.RECOGNITION_EVENT, 183))),
        "biometric_data_legal_basis": (fields(legal_basis="consent"),
                                       fields(legal_basis="contract")),
        "public_security_needs_public_interest": (
            PUBLIC_SECURITY, steps(PUBLIC_SECURITY, fields(interest="private"))),
        "consent_alternative": (fields(non_face_alternative="Ask the guard to open."),
                                fields(non_face_alternative=" ")),
        "impact_assessment_current": (ASSESSED_YESTERDAY, CHANGED_AFTER_ASSESSMENT),
        "notice_published": (nothing, lambda d: d.notices.all().delete()),
        "images_kept_only_when_justified": (
            fields(keeps_images=True, keeps_images_justification="Disputes are reviewed."),
            fields(keeps_images=True)),
        "identification_two_person_confirmation": (
            steps(IDENTIFICATION, retention(DataCategory.RECOGNITION_EVENT, 183)),
            steps(fields(mode="identification_post"),
                  retention(DataCategory.RECOGNITION_EVENT, 183))),
        "identification_logs_kept_six_months": (
            steps(IDENTIFICATION, retention(DataCategory.RECOGNITION_EVENT, 183)),
            steps(IDENTIFICATION, retention(DataCategory.RECOGNITION_EVENT, 90))),
        **accuracy_cases(PUBLIC_SECURITY),
    },
    "US-IL": {
        "written_release": (fields(legal_basis="consent"), fields(legal_basis="contract")),
        "retention_schedule_published": (
            nothing, lambda d: d.retention_rules.filter(category="face_template").delete()),
        "notice_published": (nothing, lambda d: d.notices.all().delete()),
        "retention_within_statutory_caps": (
            retention(DataCategory.FACE_TEMPLATE, 365, "last_interaction"),
            retention(DataCategory.FACE_TEMPLATE, 5 * 365, "last_interaction")),
        "public_security_needs_public_interest": (
            steps(PUBLIC_SECURITY, fields(legal_basis="consent")),
            steps(PUBLIC_SECURITY, fields(legal_basis="consent", interest="private"))),
        "non_face_alternative": (fields(non_face_alternative="Ask the guard to open."),
                                 fields(non_face_alternative="  ")),
        **accuracy_cases(steps(PUBLIC_SECURITY, fields(legal_basis="consent"))),
    },
}
ALL_CASES = sorted((j, r) for j, rules in CASES.items() for r in rules)


def ready(jurisdiction: str, **kwargs):
    """A deployment of that jurisdiction that breaks no rule of its pack."""
    deployment = ready_deployment(jurisdiction=jurisdiction,
                                  organisation__jurisdiction=jurisdiction, **kwargs)
    if jurisdiction == "US-IL":  # BIPA: the retention schedule is declared before collection
        retention(DataCategory.FACE_TEMPLATE, 365, "last_interaction")(deployment)
    return deployment


def finding(deployment, rule_id):
    return next(f for f in evaluate(deployment) if f.rule == rule_id)


@pytest.mark.parametrize("jurisdiction", sorted(PACKS))
def test_every_rule_of_every_pack_has_a_case_and_every_case_a_rule(jurisdiction):
    assert set(CASES[jurisdiction]) == {rule.id for rule in PACKS[jurisdiction].rules}


def test_every_rule_cites_an_article_a_quote_and_its_source():
    for rule in all_rules():
        assert rule.title and rule.reference and rule.citations, rule.id
        for citation in rule.citations:
            assert citation.article and citation.quote, (rule.id, citation)
            assert citation.instrument.title and citation.instrument.date, rule.id


@pytest.mark.parametrize(("jurisdiction", "rule_id"), ALL_CASES)
def test_rule_passes_when_the_deployment_keeps_it(db, jurisdiction, rule_id):
    deployment = ready(jurisdiction)
    CASES[jurisdiction][rule_id][0](deployment)
    result = finding(deployment, rule_id)
    assert result.passed, result.message
    assert result.message == ""


@pytest.mark.parametrize(("jurisdiction", "rule_id"), ALL_CASES)
def test_rule_fails_with_its_reference_when_the_deployment_breaks_it(db, jurisdiction,
                                                                     rule_id):
    deployment = ready(jurisdiction)
    CASES[jurisdiction][rule_id][1](deployment)
    result = finding(deployment, rule_id)
    rule = rule_get(jurisdiction, rule_id)
    assert not result.passed
    assert (result.reference, result.severity, result.jurisdiction) == (
        rule.reference, rule.severity, jurisdiction)
    assert result.message.endswith(f"({rule.reference}).")
    # Breaking this one rule breaks no other blocking rule.
    assert {f.rule for f in violations(deployment)} - {rule_id} == set()


@pytest.mark.parametrize("jurisdiction", sorted(PACKS))
def test_a_ready_deployment_breaks_no_rule_of_its_pack(db, jurisdiction):
    assert [f.rule for f in evaluate(ready(jurisdiction)) if not f.passed] == []


@pytest.mark.parametrize("place", ["hotel_room", "public_bath", "changing_room", "toilet"])
def test_every_private_space_is_refused_in_china_by_cac_article_13(db, place):
    found = violations(ready("CN", place_type=place))
    assert [(f.rule, f.reference) for f in found] == [
        ("prohibited_place", "CAC Measures 2025 Art. 13(2)")]


def test_a_deployment_without_any_assessment_breaks_the_assessment_rule(db):
    deployment = ready("CN")
    deployment.assessments.all().delete()
    assert finding(deployment, "impact_assessment_current").message.startswith(
        "A complete impact assessment is required")
