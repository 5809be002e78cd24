"""Filings (CAC Art. 15), impact assessments (PIPL Art. 55–56) and retention rules."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.models import DeploymentStatus, Filing, FilingKind, FilingStatus, RetentionRule
from governance.platform.deadlines import DeadlineKind, due_at
from governance.retention.rules import Source, delete_after, effective_retention
from governance.services.assessments import impact_assessment_save
from governance.services.filings import deployment_stored_subjects_record
from governance.services.lifecycle import deployment_decommission, deployment_submit
from tests.factories import COMPLETE_ANSWERS, DeploymentFactory

S = DeploymentStatus
MATERIALS = {"handler_information": "Acme Property Management, Demo Province, reg. 42.",
             "purpose_and_method": "1:1 verification at the gate, on the device.",
             "security_measures": "Encrypted templates; access by named roles, logged."}


def test_activating_a_deployment_declared_for_100000_people_opens_the_initial_filing(
        world, deployment_in):
    deployment = deployment_in(S.DRAFT, expected_subjects=120_000)
    deployment_submit(deployment=deployment, actor=world.acme_admin)
    filing = Filing.objects.get()
    assert (filing.kind, filing.status) == (FilingKind.INITIAL, FilingStatus.OPEN)
    assert filing.due_at == due_at(DeadlineKind.FILING, filing.triggered_at)


def test_reaching_100000_stored_people_opens_the_filing_once(world, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    assert deployment_stored_subjects_record(deployment=deployment,
                                             stored_subjects=99_999) is None
    first = deployment_stored_subjects_record(deployment=deployment, stored_subjects=100_000)
    again = deployment_stored_subjects_record(deployment=deployment, stored_subjects=100_500)
    assert first.trigger == "Stored 100,000 people"
    assert again is None
    assert Filing.objects.count() == 1


def test_an_operator_files_the_five_materials_and_the_regulator_acknowledges(
        world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE, stored_subjects=100_000)
    filing = Filing.objects.create(deployment=deployment, kind=FilingKind.INITIAL,
                                   trigger="t", triggered_at=timezone.now(),
                                   due_at=timezone.now() + dt.timedelta(days=40))
    early = api_as(world.inspector).post(f"/api/v1/filings/{filing.id}/acknowledge/")
    assert early.status_code == 409
    submitted = api_as(world.acme_admin).post(f"/api/v1/filings/{filing.id}/submit/",
                                              MATERIALS, format="json")
    assert submitted.status_code == 200
    body = submitted.json()
    assert (body["status"], body["stored_subjects"]) == ("submitted", 100_000)
    assert body["impact_assessment"] == deployment.assessments.get().id
    assert api_as(world.acme_admin).post(
        f"/api/v1/filings/{filing.id}/acknowledge/").status_code == 403
    acknowledged = api_as(world.inspector).post(f"/api/v1/filings/{filing.id}/acknowledge/")
    assert acknowledged.json()["status"] == "acknowledged"
    filing.refresh_from_db()
    assert filing.acknowledged_by == world.inspector


def test_a_filing_with_missing_materials_is_refused(world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    filing = Filing.objects.create(deployment=deployment, kind=FilingKind.INITIAL,
                                   trigger="t", triggered_at=timezone.now(),
                                   due_at=timezone.now())
    response = api_as(world.acme_admin).post(
        f"/api/v1/filings/{filing.id}/submit/", {**MATERIALS, "security_measures": " "},
        format="json")
    assert response.status_code == 400
    assert response.json()["missing"] == ["security_measures"]
    filing.refresh_from_db()
    assert (filing.status, filing.submitted_at) == (FilingStatus.OPEN, None)


def test_overdue_filings_are_visible_to_operator_and_regulator(world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    Filing.objects.create(deployment=deployment, kind=FilingKind.INITIAL, trigger="t",
                          triggered_at=timezone.now() - dt.timedelta(days=60),
                          due_at=timezone.now() - dt.timedelta(days=1))
    for user in (world.acme_admin, world.inspector):
        rows = api_as(user).get("/api/v1/filings/").json()
        assert [(r["kind"], r["is_overdue"]) for r in rows] == [("initial", True)]
    assert api_as(world.other_admin).get("/api/v1/filings/").json() == []
    assert api_as(world.distant_inspector).get("/api/v1/filings/").json() == []


def test_decommissioning_a_filed_deployment_opens_a_termination_filing(world, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    Filing.objects.create(deployment=deployment, kind=FilingKind.INITIAL, trigger="t",
                          triggered_at=timezone.now(), due_at=timezone.now())
    deployment_decommission(deployment=deployment, actor=world.acme_admin, reason="Closed.")
    assert Filing.objects.filter(kind=FilingKind.TERMINATION).count() == 1


def test_decommissioning_an_unfiled_deployment_files_nothing(world, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    deployment_decommission(deployment=deployment, actor=world.acme_admin, reason="Closed.")
    assert not Filing.objects.exists()


# --- impact assessments ----------------------------------------------------------------------

def test_a_partial_assessment_is_saved_but_not_complete(world):
    deployment = DeploymentFactory(organisation=world.acme)
    assessment = impact_assessment_save(deployment=deployment, actor=world.acme_admin,
                                        answers={"necessity": "convenience", "bogus": "x"})
    assert assessment.answers == {"necessity": "convenience"}
    assert (assessment.completed_at, assessment.risk_level) == (None, "")


@pytest.mark.parametrize(("changes", "deployment_kwargs", "level"), [
    ({}, {}, "low"),
    ({"necessity": "convenience", "residual_risk": "medium"}, {}, "medium"),
    ({"residual_risk": "high"}, {"is_public_place": True, "mode": "identification_realtime",
                                 "storage": "central"}, "high"),
    ({"residual_risk": "high", "encryption": "none", "access": "unrestricted",
      "vulnerable": "yes"}, {},
     "very_high"),
])
def test_the_risk_level_follows_answers_and_deployment(world, changes, deployment_kwargs, level):
    deployment = DeploymentFactory(organisation=world.acme, **deployment_kwargs)
    assessment = impact_assessment_save(deployment=deployment, actor=world.acme_admin,
                                        answers={**COMPLETE_ANSWERS, **changes})
    assert assessment.risk_level == level


def test_a_locked_assessment_is_never_changed_and_is_kept_three_years(world, deployment_in):
    deployment = deployment_in(S.DRAFT)
    deployment_submit(deployment=deployment, actor=world.acme_admin)
    locked = deployment.assessments.get()
    assert locked.keep_until >= locked.locked_at + dt.timedelta(days=3 * 365)
    again = impact_assessment_save(deployment=deployment, actor=world.acme_admin,
                                   answers={**COMPLETE_ANSWERS, "residual_risk": "medium"})
    assert again.version == 2
    locked.refresh_from_db()
    assert locked.answers["residual_risk"] == "low"


def test_an_operator_cannot_answer_the_assessment(world, api_as, deployment_in):
    deployment = deployment_in(S.DRAFT)
    response = api_as(world.acme_operator).put(
        f"/api/v1/deployments/{deployment.id}/assessment/", {"answers": {}}, format="json")
    assert response.status_code == 403
    assert deployment.assessments.count() == 1


# --- retention -------------------------------------------------------------------------------

def test_the_statutory_cap_wins_over_a_longer_declaration_in_illinois(world):
    deployment = DeploymentFactory(organisation=world.acme, jurisdiction="US-IL")
    RetentionRule.objects.create(deployment=deployment, category="face_template",
                                 period_days=10 * 365, trigger="last_interaction")
    rule = effective_retention(deployment=deployment, category="face_template")
    assert (rule.period_days, rule.trigger, rule.source, rule.reference) == (
        3 * 365, "last_interaction", Source.STATUTORY, "BIPA Sec. 15(a)")


def test_a_shorter_declaration_wins_over_the_cap(world):
    deployment = DeploymentFactory(organisation=world.acme)
    RetentionRule.objects.create(deployment=deployment, category="face_template",
                                 period_days=90, trigger="last_interaction")
    rule = effective_retention(deployment=deployment, category="face_template")
    assert (rule.period_days, rule.source) == (90, Source.DECLARED)


def test_without_declaration_or_cap_the_platform_default_applies(world):
    deployment = DeploymentFactory(organisation=world.acme)
    rule = effective_retention(deployment=deployment, category="recognition_event")
    assert (rule.period_days, rule.trigger, rule.source) == (
        365, "collection", Source.PLATFORM_DEFAULT)


def test_delete_after_is_the_earliest_date_any_applicable_term_gives(world):
    # Illinois: the declared 5 years from collection meet BIPA's 3 years from last interaction.
    deployment = DeploymentFactory(organisation=world.acme, jurisdiction="US-IL")
    RetentionRule.objects.create(deployment=deployment, category="face_template",
                                 period_days=5 * 365, trigger="collection")
    collected = timezone.now() - dt.timedelta(days=1000)
    last_seen = collected + dt.timedelta(days=10)
    moments = {"collection": collected, "last_interaction": last_seen}
    assert delete_after(deployment=deployment, category="face_template",
                        moments=moments) == last_seen + dt.timedelta(days=3 * 365)
    withdrawn = timezone.now()
    assert delete_after(deployment=deployment, category="face_template",
                        moments={**moments, "consent_withdrawal": withdrawn}) == withdrawn
    assert delete_after(deployment=deployment, category="face_template", moments={}) is None
