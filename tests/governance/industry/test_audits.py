"""Membership and pledges; audits from plan to done; results, probes and samples; findings
and corrective actions; bad input refused with nothing stored."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.errors import Conflict, DomainError, InvalidTransition, NotPermitted
from governance.models import (
    ActionStatus,
    Audit,
    AuditCampaign,
    AuditStatus,
    CorrectiveAction,
    Evidence,
    ExtendedResult,
    Finding,
    FindingStatus,
    IndustryMembership,
    MembershipStatus,
    OrganisationKind,
    Pledge,
    RequirementResult,
    Result,
    Role,
)
from governance.services.industry import (
    audit_create,
    audit_run_probes,
    audit_sample,
    audit_transition,
    campaign_create,
    corrective_action_done,
    corrective_action_verify,
    corrective_actions_flag_overdue,
    industry_membership_accept,
    industry_membership_apply,
    industry_membership_leave,
    member_answer,
    pledge_sign,
    requirement_result_set,
)
from tests.effects import snapshot
from tests.factories import MembershipFactory, OrganisationFactory

AUDIT_TABLES = [Audit, AuditCampaign, RequirementResult, Evidence, Finding, CorrectiveAction]


def answer_all(audit, actor, result=Result.COMPLIANT):
    for row in audit.results.filter(result=Result.NOT_ASSESSED).select_related("node"):
        requirement_result_set(audit=audit, ref_id=row.node.ref_id, actor=actor, result=result)


def test_membership_applied_accepted_pledged_and_left(world, convention):
    industry_membership_leave(membership=IndustryMembership.objects.get(enterprise=world.acme),
                              actor=world.acme_admin, reason="test")
    membership = industry_membership_apply(industry_body=world.association,
                                           enterprise=world.acme, actor=world.acme_admin)
    assert membership.status == MembershipStatus.APPLIED and membership.applied_at
    with pytest.raises(DomainError) as caught:
        pledge_sign(membership=membership, convention=convention, actor=world.acme_admin)
    assert caught.value.code == "not_a_member"
    industry_membership_accept(membership=membership, actor=world.auditor)
    pledge = pledge_sign(membership=membership, convention=convention, actor=world.acme_admin)
    assert pledge.signed_at and "version 1" in pledge.statement
    assert Pledge.objects.count() == 1
    industry_membership_leave(membership=membership, actor=world.acme_admin, reason="merger")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT and membership.left_reason == "merger"
    assert world.acme.credit_grades.first().grade == "M"


def test_an_audit_from_plan_to_done_with_probes_and_a_finding(world, convention,
                                                              compliant_gate, privacy_officer):
    campaign = campaign_create(actor=world.auditor, convention=convention, name="2026",
                               organisations=[world.acme], implementation_groups=["core"],
                               due_date=dt.date(2026, 12, 31))
    audit = campaign.audits.get()
    assert audit.status == AuditStatus.PLANNED
    assert not audit.results.filter(node__implementation_groups=["public"]).exists()
    audit_transition(audit=audit, action="start", actor=world.auditor)
    evidence = audit_run_probes(audit=audit, actor=world.auditor)
    assert {e.probe for e in evidence} >= {"consent_ledger_verifies", "notice_published"}
    filled = audit.results.get(node__ref_id="2.1")
    assert filled.result == Result.COMPLIANT and filled.answered_by_probe
    assert filled.evidence.get().probe == "notice_published"
    member_answer(audit=audit, ref_id="5.4", actor=privacy_officer,
                  answers={"q1": "Yes, Ms Li"})
    requirement_result_set(audit=audit, ref_id="5.4", actor=world.auditor,
                           result=Result.NON_COMPLIANT,
                           extended_result=ExtendedResult.MINOR, notes="not published")
    answer_all(audit, world.auditor)
    audit_transition(audit=audit, action="submit", actor=world.auditor)
    done = audit_transition(audit=audit, action="complete", actor=world.auditor)
    assert done.status == AuditStatus.DONE and done.done_at
    assert 0 < done.score < 100
    assert [s["ref_id"] for s in done.section_scores] == ["1", "2", "3", "4", "5", "6"]
    finding = Finding.objects.get()
    assert finding.severity == ExtendedResult.MINOR
    assert finding.action.due_date == timezone.now().date() + dt.timedelta(days=60)
    assert world.acme.credit_grades.first().grade == "A"  # 100 − 3
    assert world.acme.credit_grades.first().score == 97
    corrective_action_done(action=finding.action, actor=privacy_officer, note="published")
    corrective_action_verify(action=finding.action, actor=world.auditor)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    assert world.acme.credit_grades.first().score == 100


def test_the_auditor_samples_records_with_chain_proofs(world, audit, gate, give,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(4):
            give(gate, subject_ref=f"s-{i}")
    audit_transition(audit=audit, action="start", actor=world.auditor)
    evidence = audit_sample(audit=audit, actor=world.auditor, size=3)
    items = evidence.value["items"]
    assert len(items) == 3 and all(i["kind"] == "consent" for i in items)
    assert all(item["valid"] and item["proof"]["entry"]["entry_hash"] for item in items)
    assert evidence.compliant is True


def test_bad_input_is_refused_with_nothing_stored(world, convention, audit):
    stranger_body = OrganisationFactory(kind=OrganisationKind.INDUSTRY_BODY)
    stranger = MembershipFactory(organisation=stranger_body, role=Role.AUDITOR).user
    audit_transition(audit=audit, action="start", actor=world.auditor)
    before = snapshot(AUDIT_TABLES, row=(audit.results.first(), ("result", "notes")))
    with pytest.raises(DomainError) as caught:  # a non-member
        audit_create(actor=world.auditor, organisation=world.other_enterprise,
                     convention=convention, name="x")
    assert caught.value.code == "not_a_member"
    with pytest.raises(NotPermitted) as caught:  # an auditor of another body
        audit_create(actor=stranger, organisation=world.acme, convention=convention, name="x")
    assert caught.value.code == "not_auditor_of_body"
    with pytest.raises(NotPermitted):
        requirement_result_set(audit=audit, ref_id="1.1", actor=stranger, result="compliant")
    ref = audit.results.first().node.ref_id
    for bad in ({"result": "mostly_fine"}, {"extended_result": "catastrophe"}):
        with pytest.raises(DomainError) as caught:  # outside the scale
            requirement_result_set(audit=audit, ref_id=ref, actor=world.auditor, **bad)
        assert caught.value.code == "result_out_of_scale"
    with pytest.raises(DomainError):
        campaign_create(actor=world.auditor, convention=convention, name="c",
                        organisations=[world.acme, world.other_enterprise],
                        implementation_groups=[], due_date=dt.date(2027, 1, 1))
    with pytest.raises(DomainError) as caught:
        campaign_create(actor=world.auditor, convention=convention, name="c",
                        organisations=[world.acme], implementation_groups=["nope"],
                        due_date=dt.date(2027, 1, 1))
    assert caught.value.code == "unknown_implementation_group"
    with pytest.raises(DomainError):
        audit_sample(audit=audit, actor=world.auditor, size=0)
    with pytest.raises(InvalidTransition):
        audit_transition(audit=audit, action="complete", actor=world.auditor)
    assert snapshot(AUDIT_TABLES, row=(audit.results.first(), ("result", "notes"))) == before


def test_overdue_corrective_actions_are_flagged_once_and_cost_points(world, audit):
    audit_transition(audit=audit, action="start", actor=world.auditor)
    requirement_result_set(audit=audit, ref_id="5.3", actor=world.auditor,
                           result=Result.NON_COMPLIANT)
    answer_all(audit, world.auditor)
    audit_transition(audit=audit, action="submit", actor=world.auditor)
    audit_transition(audit=audit, action="complete", actor=world.auditor)
    action = CorrectiveAction.objects.get()
    assert world.acme.credit_grades.first().score == 90  # major: −10
    later = timezone.now() + dt.timedelta(days=31 + 45)
    assert corrective_actions_flag_overdue(now=later) == 1
    assert corrective_actions_flag_overdue(now=later) == 0
    action.refresh_from_db()
    assert action.overdue_flagged_at and action.status == ActionStatus.OPEN
    grade = world.acme.credit_grades.first()
    assert grade.score == 86 and grade.grade == "B"  # two started months overdue: −4
    assert {d["kind"] for d in grade.deductions} == {"major_nonconformity", "overdue_action"}
    assert world.acme_admin.notifications.filter(subject__icontains="overdue").exists()


def test_a_member_cannot_answer_another_members_audit(world, audit):
    with pytest.raises(NotPermitted):
        member_answer(audit=audit, ref_id="5.4", actor=world.other_admin, answers={"a": "b"})
    assert audit.results.get(node__ref_id="5.4").answers == {}


def test_a_second_application_conflicts(world):
    with pytest.raises(Conflict):
        industry_membership_apply(industry_body=world.association, enterprise=world.acme,
                                  actor=world.acme_admin)


def test_the_overdue_sweep_is_on_the_beat_schedule_and_a_registered_task():
    from config.beat import CELERY_BEAT_SCHEDULE
    from config.celery_app import app

    entry = CELERY_BEAT_SCHEDULE["corrective-actions-overdue-sweep"]
    assert entry["task"] == "governance.corrective_actions_overdue_task"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_the_member_answers_and_uploads_sealed_evidence(world, audit, privacy_officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("officer.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    row = member_answer(audit=audit, ref_id="5.4", actor=privacy_officer,
                        answers={"q1": "Ms Li, dpo@acme.example"}, file=pdf)
    evidence = row.evidence.get()
    assert evidence.kind == "upload" and evidence.file.sha256 and evidence.expires_at
    assert evidence.file.organisation == world.acme
    assert row.answers == {"q1": "Ms Li, dpo@acme.example"}
    before = Evidence.objects.count()
    with pytest.raises(DomainError):  # not a document type
        member_answer(audit=audit, ref_id="5.4", actor=privacy_officer, answers={},
                      file=SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10))
    assert Evidence.objects.count() == before
