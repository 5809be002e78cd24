"""The clocks, travelling in time by handing the services a later `now`; the case log as a
verified ledger; the figures on /metrics and the dashboard."""

import datetime as dt

from complaints.models import CaseLogEntry, Complaint, LogKind
from complaints.services.caselog import CASE_LEDGER
from complaints.services.clocks import complaint_clocks_run
from governance.platform.ledger import ledgers_verify

HOUR = dt.timedelta(hours=1)


def kinds(complaint):
    return list(CaseLogEntry.objects.filter(complaint_id=complaint.id).order_by("sequence")
                .values_list("kind", flat=True))


def test_escalation_comes_at_80_percent_of_the_triage_window_and_once(file_complaint):
    complaint = file_complaint()
    at_79 = complaint.received_at + 18.9 * HOUR
    assert complaint_clocks_run(now=at_79).counts["escalated"] == 0
    at_80 = complaint.received_at + 19.3 * HOUR
    assert complaint_clocks_run(now=at_80).counts["escalated"] == 1
    assert complaint_clocks_run(now=at_80 + HOUR).counts["escalated"] == 0
    assert Complaint.objects.get(id=complaint.id).escalated_at == at_80
    assert kinds(complaint).count(LogKind.ESCALATED) == 1


def test_past_24_hours_an_untriaged_case_is_flagged_overdue(file_complaint, world, api_as):
    complaint = file_complaint()
    later = complaint.received_at + 25 * HOUR
    report = complaint_clocks_run(now=later)
    assert report.counts["overdue"] == 1
    assert Complaint.objects.get(id=complaint.id).overdue_at == later
    assert complaint_clocks_run(now=later + HOUR).counts["overdue"] == 0


def test_a_triaged_case_neither_escalates_nor_goes_overdue(file_complaint, world, api_as):
    complaint = file_complaint()
    api_as(world.inspector).post(f"/api/v1/complaints/{complaint.id}/triage/",
                                 {"decision": "investigate", "reasons": "Yes."}, format="json")
    counts = complaint_clocks_run(now=complaint.received_at + 30 * HOUR).counts
    assert counts["escalated"] == 0 and counts["overdue"] == 0


def test_without_news_for_90_days_the_complainant_gets_a_progress_notice(file_complaint,
                                                                          world, api_as):
    complaint = file_complaint()
    api_as(world.inspector).post(f"/api/v1/complaints/{complaint.id}/triage/",
                                 {"decision": "investigate", "reasons": "Yes."}, format="json")
    triaged = Complaint.objects.get(id=complaint.id)
    assert complaint_clocks_run(now=triaged.last_news_at + dt.timedelta(days=89)
                                ).counts["progress"] == 0
    day_90 = triaged.last_news_at + dt.timedelta(days=90, minutes=1)
    assert complaint_clocks_run(now=day_90).counts["progress"] == 1
    assert complaint_clocks_run(now=day_90 + dt.timedelta(days=1)).counts["progress"] == 0
    assert kinds(complaint).count(LogKind.PROGRESS_NOTICE) == 1


def test_a_tipster_reads_the_progress_notice_on_the_status_page(send_tip, api):
    tip, receipt = send_tip()
    complaint_clocks_run(now=tip.received_at + dt.timedelta(days=91))
    body = api.post("/api/v1/tips/status/", {"receipt": receipt}, format="json").json()
    assert [m["party"] for m in body["messages"]] == ["platform"]


def test_a_lost_acknowledgement_is_sent_by_the_sweep(file_complaint):
    complaint = file_complaint()
    assert Complaint.objects.get(id=complaint.id).acknowledged_at is None
    counts = complaint_clocks_run(now=complaint.received_at + HOUR).counts
    assert counts["acknowledged"] == 1
    assert LogKind.ACKNOWLEDGED in kinds(complaint)


def test_the_case_log_is_a_verified_ledger_and_tampering_is_caught(file_complaint):
    complaint = file_complaint()
    reports = [r for r in ledgers_verify() if r.ledger == CASE_LEDGER]
    assert [(r.chain_key, r.broken) for r in reports] == [(complaint.id, None)]
    CaseLogEntry.objects.filter(complaint_id=complaint.id, sequence=1).update(
        detail={"category": "other"})
    broken = next(r for r in ledgers_verify() if r.ledger == CASE_LEDGER).broken
    assert broken is not None and broken.entry.sequence == 1


def test_metrics_show_untriaged_overdue_cases(file_complaint, client):
    complaint = file_complaint()
    Complaint.objects.filter(id=complaint.id).update(
        triage_due=complaint.received_at - HOUR)
    text = client.get("/metrics").content.decode()
    assert "facegov_complaints_untriaged_overdue 1" in text


def test_the_regulator_dashboard_shows_the_share_triaged_within_24_hours(
        file_complaint, world, client, api_as):
    first, second = file_complaint(), file_complaint(citizen=world.other_citizen)
    api_as(world.inspector).post(f"/api/v1/complaints/{first.id}/triage/",
                                 {"decision": "investigate", "reasons": "Yes."}, format="json")
    Complaint.objects.filter(id=second.id).update(triage_due=second.received_at - HOUR)
    client.force_login(world.inspector)
    page = client.get("/regulator/").content.decode()
    assert "Triaged within 24 hours" in page and "50%" in page
