"""Investigations: opening with legal holds, the transition table with chained log entries,
RFIs, findings, orders, penalties checked against PIPL Art. 66, and refused input that
changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.models import (
    Decision,
    Finding,
    InformationRequest,
    Investigation,
    InvestigationLogEntry,
    Order,
    Penalty,
)
from complaints.services.investigations import INVESTIGATION_LEDGER
from governance.models import DeploymentStatus, LegalHold
from governance.platform.ledger_verify import ledgers_verify


def post(client, path, **payload):
    return client.post(path, payload, format="json")


@pytest.fixture
def opened(world, file_complaint, api_as):
    """A complaint triaged into an investigation by the inspector."""
    complaint = file_complaint()
    response = post(api_as(world.inspector), f"/api/v1/complaints/{complaint.id}/triage/",
                    decision="investigate", reasons="Consent evidence missing.")
    assert response.status_code == 200, response.json()
    return Investigation.objects.get(id=response.json()["investigation_id"])


def move(api_as, user, investigation, to, **extra):
    return post(api_as(user), f"/api/v1/investigations/{investigation.id}/transition/",
                to=to, **extra)


@pytest.fixture
def decided(world, opened, api_as, settings):
    """Through evidence and findings to a decision, the hearing answered by the enterprise."""
    inspector = api_as(world.inspector)
    assert move(api_as, world.inspector, opened, "gathering_evidence",
                reason="RFI first.").status_code == 200
    post(inspector, f"/api/v1/investigations/{opened.id}/findings/",
         rule_reference="PIPL Art. 29", text="No separate consent for the gate.")
    assert move(api_as, world.inspector, opened, "preliminary_findings",
                reason="Findings ready.").status_code == 200
    hearing = InformationRequest.objects.get(investigation=opened, kind="hearing")
    assert post(api_as(world.acme_admin), f"/api/v1/rfis/{hearing.id}/answer/",
                answer="We will fix it.").status_code == 200
    response = move(api_as, world.inspector, opened, "decided", reason="Consent missing.",
                    legal_basis="PIPL Art. 29, 66")
    assert response.status_code == 200, response.json()
    return opened


def test_triage_opens_an_investigation_with_a_legal_hold_on_its_deployment(world, opened, gate):
    hold = LegalHold.objects.get()
    assert hold.deployment == gate and hold.regulator == world.regulator
    assert list(opened.legal_holds.all()) == [hold]
    assert list(opened.inspectors.all()) == [world.inspector]
    kinds = list(InvestigationLogEntry.objects.filter(investigation_id=opened.id)
                 .values_list("kind", flat=True))
    assert kinds == ["opened", "legal_hold"]


def test_every_move_is_a_chained_log_entry_with_actor_and_reason(world, decided, api_as):
    entries = InvestigationLogEntry.objects.filter(investigation_id=decided.id,
                                                   kind="status_changed")
    assert [(e.detail["to"], e.actor, e.reason) for e in entries] == [
        ("gathering_evidence", world.inspector, "RFI first."),
        ("preliminary_findings", world.inspector, "Findings ready."),
        ("decided", world.inspector, "Consent missing.")]
    reports = [r for r in ledgers_verify() if r.ledger == INVESTIGATION_LEDGER]
    assert [(r.chain_key, r.broken) for r in reports] == [(str(decided.id), None)]
    decision = Decision.objects.get(investigation=decided)
    assert decision.legal_basis == "PIPL Art. 29, 66" and "people's court" in decision.appeal_route


def test_a_move_the_table_does_not_allow_is_refused_and_changes_nothing(world, opened, api_as):
    before = InvestigationLogEntry.objects.count()
    response = move(api_as, world.inspector, opened, "closed", reason="Skip ahead.")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    opened.refresh_from_db()
    assert opened.status == "opened" and InvestigationLogEntry.objects.count() == before


def test_a_decision_without_reasons_is_refused(world, opened, api_as):
    move(api_as, world.inspector, opened, "gathering_evidence", reason="Go.")
    move(api_as, world.inspector, opened, "preliminary_findings", reason="Go.")
    before = InvestigationLogEntry.objects.count()
    response = move(api_as, world.inspector, opened, "decided", reason=" ",
                    legal_basis="PIPL Art. 66")
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert not Decision.objects.exists() and InvestigationLogEntry.objects.count() == before


def test_no_decision_while_the_hearing_period_runs_unanswered(world, opened, api_as):
    move(api_as, world.inspector, opened, "gathering_evidence", reason="Go.")
    move(api_as, world.inspector, opened, "preliminary_findings", reason="Go.")
    response = move(api_as, world.inspector, opened, "decided", reason="Decide.",
                    legal_basis="PIPL Art. 66")
    assert response.json()["code"] == "hearing_period_running"
    assert not Decision.objects.exists()


def test_an_rfi_is_due_in_ten_working_days_by_default(world, opened, api_as):
    response = post(api_as(world.inspector), f"/api/v1/investigations/{opened.id}/rfis/",
                    questions="Show the consent forms.")
    assert response.status_code == 201, response.json()
    rfi = InformationRequest.objects.get(id=response.json()["id"])
    from governance.platform.deadlines import DeadlineKind, due_at

    assert rfi.due_date == due_at(DeadlineKind.INFORMATION_REQUEST, rfi.sent_at)
    assert rfi.due_date - rfi.sent_at >= dt.timedelta(days=12)


def test_the_enterprise_answers_an_rfi_with_a_sealed_file(world, opened, api_as):
    rfi = post(api_as(world.inspector), f"/api/v1/investigations/{opened.id}/rfis/",
               questions="Show the consent forms.").json()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_as(world.acme_admin).post(
        f"/api/v1/rfis/{rfi['id']}/answer/",
        {"answer": "Attached.", "files": [SimpleUploadedFile("forms.txt", b"consent forms")]},
        format="multipart")
    assert response.status_code == 200, response.json()
    stored = InformationRequest.objects.get(id=rfi["id"])
    assert stored.answer == "Attached." and stored.answered_by == world.acme_admin
    assert [f.content_type for f in stored.files.all()] == ["text/plain"]
    assert not stored.answered_late


def test_an_rfi_answer_of_the_wrong_type_stores_nothing(world, opened, api_as):
    rfi = post(api_as(world.inspector), f"/api/v1/investigations/{opened.id}/rfis/",
               questions="Show the consent forms.").json()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from governance.models import SealedFile

    response = api_as(world.acme_admin).post(
        f"/api/v1/rfis/{rfi['id']}/answer/",
        {"answer": "Attached.", "files": [SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03\x00")]},
        format="multipart")
    assert response.status_code == 415
    assert InformationRequest.objects.get(id=rfi["id"]).answered_at is None
    assert not SealedFile.objects.exists()


def test_an_rfi_answer_after_closure_is_refused(world, decided, api_as):
    inspector = api_as(world.inspector)
    rfi = InformationRequest.objects.create(
        investigation=decided, questions="Late question", sent_by=world.inspector,
        sent_at=timezone.now(), due_date=timezone.now() + dt.timedelta(days=5))
    closed = move(api_as, world.inspector, decided, "closed", reason="Warning given.")
    assert closed.status_code == 200
    response = post(api_as(world.acme_admin), f"/api/v1/rfis/{rfi.id}/answer/",
                    answer="Too late")
    assert response.status_code == 409 and response.json()["code"] == "investigation_closed"
    assert InformationRequest.objects.get(id=rfi.id).answered_at is None
    assert inspector  # the closed case stays readable to its regulator


def test_an_order_without_a_due_date_is_refused(world, decided, api_as):
    response = post(api_as(world.inspector), f"/api/v1/investigations/{decided.id}/orders/",
                    kind="rectification", text="Collect separate consent.")
    assert response.status_code == 400 and response.json()["code"] == "due_date_required"
    assert not Order.objects.exists()


@pytest.mark.parametrize(("payload", "code"), [
    ({"amount_cny": "1000000.01", "basis": "ordinary"}, "penalty_above_cap"),
    ({"amount_cny": "50000000.01", "basis": "serious"}, "penalty_above_cap"),
    ({"amount_cny": "60000000", "basis": "serious", "turnover_cny": "1000000000"},
     "penalty_above_cap"),
    ({"amount_cny": "100001", "basis": "ordinary", "responsible_person": "Manager Li"},
     "penalty_above_cap"),
    ({"amount_cny": "5000", "basis": "ordinary", "responsible_person": "Manager Li"},
     "penalty_below_minimum"),
])
def test_a_penalty_outside_its_art_66_tier_is_refused(world, decided, api_as, payload, code):
    response = post(api_as(world.inspector), f"/api/v1/investigations/{decided.id}/penalties/",
                    **payload)
    assert response.status_code == 400 and response.json()["code"] == code
    assert not Penalty.objects.exists()


def test_the_serious_tier_allows_five_percent_of_turnover_and_records_it(world, decided, api_as):
    response = post(api_as(world.inspector), f"/api/v1/investigations/{decided.id}/penalties/",
                    amount_cny="70000000", basis="serious", turnover_cny="2000000000")
    assert response.status_code == 201, response.json()
    penalty = Penalty.objects.get()
    assert penalty.cap_cny == Decimal("100000000") and penalty.turnover_cny == Decimal(
        "2000000000")
    person = post(api_as(world.inspector), f"/api/v1/investigations/{decided.id}/penalties/",
                  amount_cny="200000", basis="serious", responsible_person="Manager Li")
    assert person.status_code == 201
    assert Penalty.objects.get(responsible_person="Manager Li").cap_cny == Decimal("1000000")


def test_rectification_is_reported_done_verified_and_the_case_closes(world, decided, api_as,
                                                                      file_complaint):
    from complaints.services.enforcement import order_report_done, order_verify

    due = (timezone.now() + dt.timedelta(days=30)).isoformat()
    order = post(api_as(world.inspector), f"/api/v1/investigations/{decided.id}/orders/",
                 kind="rectification", text="Collect separate consent.", due_date=due).json()
    assert move(api_as, world.inspector, decided, "remedies_ordered",
                reason="Order issued.").status_code == 200
    refused = move(api_as, world.inspector, decided, "compliance_verified", reason="Check.")
    assert refused.json()["code"] == "orders_unverified"
    stored = Order.objects.get(id=order["id"])
    order_report_done(order=stored, actor=world.acme_admin, note="Forms in place.")
    order_verify(order=stored, actor=world.inspector, reason="Saw the new forms.")
    assert move(api_as, world.inspector, decided, "compliance_verified",
                reason="Verified.").status_code == 200
    assert move(api_as, world.inspector, decided, "closed", reason="Done.").status_code == 200
    decided.refresh_from_db()
    complaint = decided.complaints.get()
    assert decided.status == "closed" and complaint.status == "closed"


def test_a_suspension_order_suspends_through_the_lifecycle_service(world, decided, gate, api_as):
    due = (timezone.now() + dt.timedelta(days=30)).isoformat()
    response = post(api_as(world.inspector), f"/api/v1/investigations/{decided.id}/orders/",
                    kind="suspension", text="Stop until consent is collected.", due_date=due)
    assert response.status_code == 201, response.json()
    gate.refresh_from_db()
    assert gate.status == DeploymentStatus.SUSPENDED
    assert gate.events.filter(action="suspend").exists()


def test_the_enterprise_sees_its_case_without_complainants_and_others_see_nothing(
        world, opened, api_as):
    mine = api_as(world.acme_admin).get(f"/api/v1/investigations/{opened.id}/")
    assert mine.status_code == 200
    assert "complaint_ids" not in mine.json() and "evidence" not in mine.json()
    for user in (world.other_admin, world.distant_inspector, world.citizen):
        assert api_as(user).get(f"/api/v1/investigations/{opened.id}/").status_code == 404
        assert api_as(user).get("/api/v1/investigations/").json() == []
    refused = post(api_as(world.acme_admin), f"/api/v1/investigations/{opened.id}/findings/",
                   rule_reference="x", text="y")
    assert refused.status_code == 403 and not Finding.objects.exists()


def test_overdue_rfis_and_orders_are_flagged_once(world, decided, api_as):
    from complaints.services.enforcement import enforcement_flag_overdue

    rfi = InformationRequest.objects.create(
        investigation=decided, questions="Q", sent_by=world.inspector,
        sent_at=timezone.now() - dt.timedelta(days=20),
        due_date=timezone.now() - dt.timedelta(days=1))
    later = timezone.now() + dt.timedelta(days=60)
    assert enforcement_flag_overdue(now=later) == {"rfis": 1, "orders": 0}
    assert enforcement_flag_overdue(now=later) == {"rfis": 0, "orders": 0}
    assert Finding.objects.filter(rfi=rfi).count() == 1


@pytest.fixture
def ordered(world, decided, api_as):
    """A rectification order issued on the decided case, remedies ordered."""
    due = (timezone.now() + dt.timedelta(days=30)).isoformat()
    response = post(api_as(world.inspector), f"/api/v1/investigations/{decided.id}/orders/",
                    kind="rectification", text="Collect separate consent.", due_date=due)
    assert response.status_code == 201, response.json()
    assert move(api_as, world.inspector, decided, "remedies_ordered",
                reason="Order issued.").status_code == 200
    return Order.objects.get(id=response.json()["id"])


def report_done(client, order, files, note="New consent forms are in place."):
    return client.post(f"/api/v1/orders/{order.id}/done/", {"note": note, "files": files},
                       format="multipart")


def test_the_enterprise_reports_an_order_done_with_sealed_files_through_the_api(
        world, ordered, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = report_done(api_as(world.acme_admin), ordered,
                           [SimpleUploadedFile("forms.txt", b"the new consent form")])
    assert response.status_code == 200, response.json()
    ordered.refresh_from_db()
    assert ordered.status == "done" and ordered.done_note == "New consent forms are in place."
    assert [f.name for f in ordered.done_files.all()] == ["forms.txt"]
    assert response.json()["done_files"][0]["sha256"] == ordered.done_files.get().sha256
    entry = InvestigationLogEntry.objects.filter(investigation_id=ordered.investigation_id,
                                                 kind="order_done").get()
    assert entry.actor == world.acme_admin and entry.detail["order_id"] == ordered.id


def test_the_inspector_verifies_a_reported_order_and_the_case_can_close(world, ordered, api_as):
    report_done(api_as(world.acme_admin), ordered, [])
    response = post(api_as(world.inspector), f"/api/v1/orders/{ordered.id}/verify/",
                    reason="Saw the new forms on site.")
    assert response.status_code == 200, response.json()
    ordered.refresh_from_db()
    assert ordered.status == "verified" and ordered.verified_by == world.inspector
    entry = InvestigationLogEntry.objects.get(investigation_id=ordered.investigation_id,
                                              kind="order_verified")
    assert entry.reason == "Saw the new forms on site."
    investigation = ordered.investigation
    assert move(api_as, world.inspector, investigation, "compliance_verified",
                reason="Verified.").status_code == 200
    assert move(api_as, world.inspector, investigation, "closed",
                reason="Done.").status_code == 200


def test_an_order_cannot_be_verified_before_it_is_reported_done(world, ordered, api_as):
    response = post(api_as(world.inspector), f"/api/v1/orders/{ordered.id}/verify/",
                    reason="Looks fine.")
    assert response.status_code == 409 and response.json()["code"] == "order_not_done"
    ordered.refresh_from_db()
    assert ordered.status == "issued" and ordered.verified_at is None


def test_only_the_respondent_reports_done_and_only_the_regulator_verifies(
        world, ordered, api_as):
    from governance.models import SealedFile

    refused = report_done(api_as(world.inspector), ordered, [])
    assert refused.status_code == 403
    hidden = report_done(api_as(world.other_admin), ordered, [])
    assert hidden.status_code == 404
    ordered.refresh_from_db()
    assert ordered.status == "issued" and not SealedFile.objects.exists()
    report_done(api_as(world.acme_admin), ordered, [])
    self_verify = post(api_as(world.acme_admin), f"/api/v1/orders/{ordered.id}/verify/",
                       reason="We checked ourselves.")
    assert self_verify.status_code == 403
    ordered.refresh_from_db()
    assert ordered.status == "done" and ordered.verified_by is None


def test_a_report_with_a_file_of_the_wrong_type_stores_nothing(world, ordered, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from governance.models import SealedFile

    response = report_done(api_as(world.acme_admin), ordered,
                           [SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03\x00")])
    assert response.status_code == 415
    ordered.refresh_from_db()
    assert ordered.status == "issued" and ordered.done_at is None
    assert not SealedFile.objects.exists()
    assert not InvestigationLogEntry.objects.filter(kind="order_done").exists()


def test_the_pages_report_an_order_done_and_verify_it_through_the_same_services(
        world, ordered, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world.acme_admin)
    page = client.get(reverse("enterprise-investigations")).content.decode()
    assert reverse("enterprise-order-done", args=[ordered.id]) in page
    client.post(reverse("enterprise-order-done", args=[ordered.id]),
                {"note": "Forms in place.", "files": [SimpleUploadedFile("f.txt", b"form")]})
    ordered.refresh_from_db()
    assert ordered.status == "done" and ordered.done_files.count() == 1
    refused = client.post(reverse("investigation-order-verify", args=[ordered.id]),
                          {"reason": "Self-check."})
    assert refused.status_code == 403
    ordered.refresh_from_db()
    assert ordered.status == "done"
    client.force_login(world.inspector)
    case = client.get(reverse("investigation-case", args=[ordered.investigation_id]))
    assert "Forms in place." in case.content.decode()
    client.post(reverse("investigation-order-verify", args=[ordered.id]),
                {"reason": "Saw the forms."})
    ordered.refresh_from_db()
    assert ordered.status == "verified" and ordered.verified_by == world.inspector


def test_an_inspector_of_the_same_regulator_is_assigned_with_a_log_entry(world, opened):
    from complaints.services.investigations import investigation_assign
    from governance.models import Role
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(organisation=world.regulator, role=Role.INSPECTOR).user
    investigation_assign(investigation=opened, actor=world.inspector, inspector=colleague,
                         reason="Second pair of eyes.")
    assert set(opened.inspectors.all()) == {world.inspector, colleague}
    entry = InvestigationLogEntry.objects.filter(investigation_id=opened.id).last()
    assert (entry.kind, entry.detail) == ("inspector_assigned", {"inspector_id": colleague.id})


def test_another_regulators_inspector_cannot_be_assigned_and_nothing_changes(world, opened):
    from complaints.services.investigations import investigation_assign
    from governance.errors import DomainError

    entries = InvestigationLogEntry.objects.filter(investigation_id=opened.id).count()
    with pytest.raises(DomainError) as refused:
        investigation_assign(investigation=opened, actor=world.inspector,
                             inspector=world.distant_inspector)
    assert refused.value.code == "not_an_inspector"
    assert list(opened.inspectors.all()) == [world.inspector]
    assert InvestigationLogEntry.objects.filter(investigation_id=opened.id).count() == entries


def test_a_fine_on_the_case_page_waits_for_a_confirmation_that_spells_it_out(world, decided,
                                                                           client):
    from django.urls import reverse

    client.force_login(world.inspector)
    url = reverse("investigation-case-penalty", args=[decided.id])
    fields = {"basis": "ordinary", "amount_cny": "500000", "responsible_person": ""}
    first = client.post(url, fields)
    page = first.content.decode()
    assert "500000 CNY" in page and "cannot be withdrawn" in page
    assert 'name="confirmed"' in page and not Penalty.objects.exists()  # nothing yet
    client.post(url, {**fields, "confirmed": "yes"})
    penalty = Penalty.objects.get()
    assert penalty.amount_cny == Decimal("500000") and penalty.imposed_by == world.inspector
    # Above the ordinary tier's cap: refused in words, nothing more stored.
    refused = client.post(url, {**fields, "amount_cny": "2000000", "confirmed": "yes"},
                          follow=True)
    assert Penalty.objects.count() == 1
    assert "penalty_above_cap" not in refused.content.decode()
