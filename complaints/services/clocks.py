"""The clocks of a case, run by Celery beat (complaints.tasks.complaint_clocks_sweep_task).

- acknowledgement: at once after intake (a task after commit; the sweep repeats lost ones);
- escalation: at 80 % of the triage window, the assigned regulator's supervisors are told;
- overdue: past the window, the case is flagged and the supervisors told again;
- progress: a complainant without news for 90 days is told where the case stands (GDPR
  Art. 78(2) lets them go to court after three months without news).

Each step locks its case, checks it is still due (so a rerun or two sweeps do nothing twice),
writes the case log and notifies after commit, one transaction per case.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    TERMINAL,
    UNTRIAGED,
    CaseKind,
    CaseMessage,
    Channel,
    Complaint,
    LogKind,
    Party,
)
from complaints.services.caselog import case_log_append, complaint_lock
from governance.platform.deadlines import DeadlineKind, due_at

ESCALATION_SHARE = 0.8
PROGRESS_INTERVAL = dt.timedelta(days=90)
ACK_GRACE = dt.timedelta(minutes=10)  # the immediate task had its chance
SWEEP_BATCH_SIZE = 500


def triage_window() -> dt.timedelta:
    start = timezone.now()
    return due_at(DeadlineKind.COMPLAINT_TRIAGE, start) - start


def escalation_at(complaint: Complaint) -> dt.datetime:
    """80 % into the window that ends at `triage_due`."""
    return complaint.triage_due - triage_window() * (1 - ESCALATION_SHARE)


def _notify(callback: Callable[[], None]) -> None:
    transaction.on_commit(callback)


@transaction.atomic
def complaint_acknowledge(*, complaint_id: int) -> bool:
    from complaints.notices import tell_complainant

    complaint = complaint_lock(Complaint(pk=complaint_id))
    if complaint.acknowledged_at is not None:
        return False
    complaint.acknowledged_at = timezone.now()
    complaint.save(update_fields=["acknowledged_at"])
    case_log_append(complaint=complaint, kind=LogKind.ACKNOWLEDGED, party=Party.PLATFORM)
    _notify(partial(tell_complainant, complaint_id=complaint.id,
                    subject=lambda: _("We received your complaint"),
                    body=lambda: _("Your complaint %(id)s was received and will be triaged by "
                           "%(due)s.") % {"id": complaint.id,
                                          "due": _local(complaint.triage_due)}))
    return True


@transaction.atomic
def complaint_escalate(*, complaint_id: int, now: dt.datetime) -> bool:
    from complaints.notices import tell_supervisors

    complaint = complaint_lock(Complaint(pk=complaint_id))
    if (complaint.status not in UNTRIAGED or complaint.escalated_at is not None
            or now < escalation_at(complaint)):
        return False
    complaint.escalated_at = now
    complaint.save(update_fields=["escalated_at"])
    case_log_append(complaint=complaint, kind=LogKind.ESCALATED, party=Party.PLATFORM,
                    detail={"triage_due": complaint.triage_due.isoformat()})
    _notify(partial(tell_supervisors, complaint_id=complaint.id,
                    subject=lambda: _("Complaint %(id)s is due for triage soon") % {
                        "id": complaint.id},
                    body=lambda: _("Complaint %(id)s is not triaged yet; its 24 hours end at "
                           "%(due)s.") % {"id": complaint.id,
                                          "due": _local(complaint.triage_due)}))
    return True


@transaction.atomic
def complaint_flag_overdue(*, complaint_id: int, now: dt.datetime) -> bool:
    from complaints.notices import tell_supervisors

    complaint = complaint_lock(Complaint(pk=complaint_id))
    if (complaint.status not in UNTRIAGED or complaint.overdue_at is not None
            or now <= complaint.triage_due):
        return False
    complaint.overdue_at = now
    complaint.save(update_fields=["overdue_at"])
    case_log_append(complaint=complaint, kind=LogKind.OVERDUE, party=Party.PLATFORM,
                    detail={"triage_due": complaint.triage_due.isoformat()})
    _notify(partial(tell_supervisors, complaint_id=complaint.id,
                    subject=lambda: _("Complaint %(id)s is overdue for triage") % {
                        "id": complaint.id},
                    body=lambda: _("Complaint %(id)s was due for triage at %(due)s and is not "
                           "triaged.") % {"id": complaint.id,
                                          "due": _local(complaint.triage_due)}))
    return True


@transaction.atomic
def complaint_progress_notice(*, complaint_id: int, now: dt.datetime) -> bool:
    from complaints.notices import tell_complainant

    complaint = complaint_lock(Complaint(pk=complaint_id))
    if complaint.status in TERMINAL or complaint.last_news_at > now - PROGRESS_INTERVAL:
        return False

    def progress_text() -> str:
        return _("Your case %(id)s is still open: %(status)s. We will tell you of every "
                 "decision, and at least every 90 days.") % {
            "id": complaint.id, "status": complaint.get_status_display()}

    complaint.last_news_at = now
    complaint.save(update_fields=["last_news_at"])
    if complaint.kind == CaseKind.TIP:  # the tipster reads it on the status page
        CaseMessage.objects.create(complaint=complaint, channel=Channel.COMPLAINANT,
                                   party=Party.PLATFORM, body=progress_text())
    case_log_append(complaint=complaint, kind=LogKind.PROGRESS_NOTICE, party=Party.PLATFORM)
    if complaint.kind == CaseKind.COMPLAINT:
        _notify(partial(tell_complainant, complaint_id=complaint.id,
                        subject=lambda: _("News on your complaint %(id)s") % {
                            "id": complaint.id},
                        body=progress_text))
    return True


def _local(moment: dt.datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclass
class ClockReport:
    counts: dict[str, int] = field(default_factory=dict)


def complaint_clocks_run(*, now: dt.datetime | None = None) -> ClockReport:
    """Every clock step that is due, case by case."""
    now = now or timezone.now()
    report = ClockReport()
    untriaged = Complaint.objects.filter(status__in=UNTRIAGED)
    steps: list[tuple[str, Q, Callable[..., bool]]] = [
        ("escalated", Q(escalated_at__isnull=True,
                        triage_due__lte=now + triage_window() * (1 - ESCALATION_SHARE)),
         partial(complaint_escalate, now=now)),
        ("overdue", Q(overdue_at__isnull=True, triage_due__lt=now),
         partial(complaint_flag_overdue, now=now)),
    ]
    for name, q, step in steps:
        ids = untriaged.filter(q).values_list("id", flat=True)[:SWEEP_BATCH_SIZE]
        report.counts[name] = sum(step(complaint_id=i) for i in ids)
    stale = (Complaint.objects.exclude(status__in=TERMINAL)
             .filter(last_news_at__lte=now - PROGRESS_INTERVAL)
             .values_list("id", flat=True)[:SWEEP_BATCH_SIZE])
    report.counts["progress"] = sum(complaint_progress_notice(complaint_id=i, now=now)
                                    for i in stale)
    unacknowledged = (Complaint.objects.filter(acknowledged_at__isnull=True,
                                               received_at__lte=now - ACK_GRACE)
                      .values_list("id", flat=True)[:SWEEP_BATCH_SIZE])
    report.counts["acknowledged"] = sum(complaint_acknowledge(complaint_id=i)
                                        for i in unacknowledged)
    return report
