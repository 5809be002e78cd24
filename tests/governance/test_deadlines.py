"""Deadlines across weekends, public holidays, adjusted working weekends and month ends."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.platform.deadlines import DeadlineKind, add_working_days, due_at, is_working_day

UTC = dt.UTC


def test_national_day_week_is_skipped_and_the_adjusted_saturday_counts():
    # 2026-09-30 (Wed): Oct 1–7 are holidays, Sat Oct 10 is an adjusted working day.
    assert add_working_days(dt.date(2026, 9, 30), 1, country="CN") == dt.date(2026, 10, 8)
    assert add_working_days(dt.date(2026, 9, 30), 3, country="CN") == dt.date(2026, 10, 10)
    assert is_working_day(dt.date(2026, 10, 10), country="CN")
    assert not is_working_day(dt.date(2026, 10, 3), country="CN")


def test_filing_is_due_thirty_working_days_later_at_the_end_of_that_day():
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday, no holidays until January
    due = due_at(DeadlineKind.FILING, start)
    assert due == dt.datetime(2026, 12, 14, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "expected_day"),
    [
        (dt.datetime(2026, 1, 20, 12, tzinfo=UTC), dt.date(2026, 2, 4)),  # across a month end
        (dt.datetime(2026, 12, 25, 8, tzinfo=UTC), dt.date(2027, 1, 9)),  # across a year end
        (dt.datetime(2028, 2, 20, 8, tzinfo=UTC), dt.date(2028, 3, 6)),  # leap February
    ],
)
def test_rights_requests_are_due_fifteen_calendar_days_later(start, expected_day):
    due = due_at(DeadlineKind.RIGHTS_REQUEST, start)
    assert timezone.localtime(due).date() == expected_day


def test_the_request_deadline_is_configurable(settings):
    settings.FACEGOV_REQUEST_DEADLINE_DAYS = 30
    start = dt.datetime(2026, 1, 31, 10, tzinfo=UTC)
    assert timezone.localtime(due_at(DeadlineKind.RIGHTS_REQUEST, start)).date() == dt.date(
        2026, 3, 2)


def test_breach_notice_is_due_seventy_two_hours_later():
    start = dt.datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    assert due_at(DeadlineKind.BREACH_NOTICE, start) == start + dt.timedelta(hours=72)


def test_naive_start_times_are_refused():
    with pytest.raises(ValueError):
        due_at(DeadlineKind.COMPLAINT_TRIAGE, dt.datetime(2026, 3, 1, 12))
