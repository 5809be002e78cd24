"""Pages of each party, the incentives the platform applies (fast review, public D list,
grades for regulators, signed certificates), and adopting a requirement as a rule."""

import json

import pytest
from django.urls import reverse

from governance.compliance.rules import evaluate
from governance.errors import DomainError, NotPermitted
from governance.models import AdoptedRule, CreditGrade, Filing, Role
from governance.services.industry import (
    audit_run_probes,
    audit_transition,
    credit_certificate_issue,
    requirement_result_set,
    rule_adopt,
)
from tests.factories import MembershipFactory


def graded(organisation, grade, score=95):
    from django.utils import timezone

    return CreditGrade.objects.create(organisation=organisation, grade=grade, score=score,
                                      deductions=[], reason="test", computed_at=timezone.now())


def test_the_industry_home_shows_members_libraries_and_plans_a_campaign(world, client,
                                                                      convention):
    client.force_login(world.auditor)
    body = client.get(reverse("industry-home")).content.decode()
    assert "Face Recognition Self-Regulatory Convention" in body and "<li>Acme</li>" in body
    response = client.post(reverse("industry-home"), {
        "campaign": "1", "name": "Spring 2027", "convention": convention.pk,
        "members": [world.acme.pk], "implementation_groups": "core",
        "due_date": "2027-04-30"}, follow=True)
    assert "Spring 2027 — Acme" in response.content.decode()


def test_the_audit_page_and_printable_report(world, client, audit, compliant_gate,
                                             privacy_officer):
    audit_transition(audit=audit, action="start", actor=world.auditor)
    audit_run_probes(audit=audit, actor=world.auditor)
    client.force_login(world.auditor)
    page = client.get(reverse("industry-audit", args=[audit.pk])).content.decode()
    assert 'data-testid="save-1.1"' in page and "answered by a probe" in page
    row = audit.results.get(node__ref_id="1.1")
    client.post(reverse("industry-audit-result", args=[audit.pk, row.pk]),
                {f"r{row.pk}-result": "partially_compliant",
                 f"r{row.pk}-extended_result": "observation", f"r{row.pk}-notes": "ok-ish"})
    row.refresh_from_db()
    assert (row.result, row.extended_result, row.notes) == ("partially_compliant",
                                                            "observation", "ok-ish")
    report = client.get(reverse("industry-audit-report", args=[audit.pk])).content.decode()
    assert "<svg" in report and "Score by section" in report
    assert "Section of the convention" in report and "Score (0–100)" in report
    assert "Weighted score of assessed requirements" in report
    client.force_login(privacy_officer)
    member_view = client.get(reverse("industry-audit", args=[audit.pk])).content.decode()
    assert 'data-testid="save-1.1"' not in member_view and "Your answer" in member_view
    client.force_login(world.other_admin)
    assert client.get(reverse("industry-audit", args=[audit.pk])).status_code == 404


def test_member_page_explains_the_grade(world, client, audit):
    audit_transition(audit=audit, action="start", actor=world.auditor)
    for row in audit.results.select_related("node"):
        requirement_result_set(audit=audit, ref_id=row.node.ref_id, actor=world.auditor,
                               result="compliant")
    requirement_result_set(audit=audit, ref_id="5.4", actor=world.auditor,
                           result="non_compliant", extended_result="minor_nonconformity")
    audit_transition(audit=audit, action="submit", actor=world.auditor)
    audit_transition(audit=audit, action="complete", actor=world.auditor)
    client.force_login(world.acme_admin)
    body = client.get(reverse("member-industry")).content.decode()
    assert "Grade A" in body and "Minor nonconformity" in body and "−3" in body
    assert "5.4 A named protection officer" in body


def test_public_register_shows_badges_and_lists_d_grade_members(world, client, gate):
    graded(world.acme, "D", 30)
    body = client.get(reverse("register")).content.decode()
    assert 'data-testid="credit-badge"' in body and "Industry grade D" in body
    public = client.get(reverse("register-industry")).content.decode()
    assert 'data-testid="d-grade-list"' in public and "<li>Acme</li>" in public


def test_a_fast_review_mark_on_a_grade_members_filings(world, client, gate):
    from django.utils import timezone

    Filing.objects.create(deployment=gate, kind="initial", trigger="100,000 people",
                          triggered_at=timezone.now(), due_at=timezone.now())
    client.force_login(world.inspector)
    before = client.get(reverse("regulator-filings")).content.decode()
    assert 'data-testid="fast-review"' not in before
    graded(world.acme, "A")
    body = client.get(reverse("regulator-filings")).content.decode()
    assert 'data-testid="fast-review"' in body
    assert "Grade A" in client.get(reverse("regulator-credit")).content.decode()
    deployment_page = client.get(reverse("regulator-deployment", args=[gate.pk]))
    assert "Grade A" in deployment_page.content.decode()


def test_a_signed_credit_certificate_verifies_publicly_and_a_forgery_does_not(world, client):
    certificate = credit_certificate_issue(organisation=world.acme, actor=world.acme_admin)
    page = client.get(reverse("credit-certificate", args=[certificate.serial])).content.decode()
    assert "The signature is valid" in page
    document = {"payload": certificate.payload, "signature": certificate.signature}
    ok = client.post(reverse("credit-certificate-check"), {"document": json.dumps(document)})
    assert "Valid: this platform signed" in ok.content.decode()
    document["payload"] = {**certificate.payload, "grade": "A", "score": 100}
    forged = client.post(reverse("credit-certificate-check"), {"document": json.dumps(document)})
    assert "Not valid" in forged.content.decode()
    with pytest.raises(NotPermitted):
        credit_certificate_issue(organisation=world.acme, actor=world.other_admin)


def test_a_regulator_adopts_a_probe_backed_requirement_as_a_rule(world, api, convention,
                                                                 compliant_gate):
    supervisor = MembershipFactory(organisation=world.regulator, role=Role.SUPERVISOR).user
    node = convention.nodes.get(ref_id="4.1")
    manual = convention.nodes.get(ref_id="5.4")
    with pytest.raises(DomainError):
        rule_adopt(node=manual, actor=supervisor, regulator=world.regulator, severity="warning")
    with pytest.raises(NotPermitted):
        rule_adopt(node=node, actor=world.inspector, regulator=world.regulator,
                   severity="warning")
    assert not AdoptedRule.objects.exists()
    adopted = rule_adopt(node=node, actor=supervisor, regulator=world.regulator,
                         severity="blocking")
    findings = {f.rule: f for f in evaluate(compliant_gate)}
    assert findings[adopted.rule_id].passed
    assert findings[adopted.rule_id].reference == f"Convention {node.urn}"
    type(compliant_gate).objects.filter(pk=compliant_gate.pk).update(non_face_alternative="")
    compliant_gate.refresh_from_db()
    failing = {f.rule: f for f in evaluate(compliant_gate)}[adopted.rule_id]
    assert not failing.passed and failing.severity == "blocking"
    rules = api.get("/api/v1/rules/").json()
    assert any(r["id"] == adopted.rule_id and node.urn in r["reference"] for r in rules)
