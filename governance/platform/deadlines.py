"""Every deadline the platform keeps, computed in one place.

Working days follow the `holidays` package's calendar for the configured country (for China
that includes the adjusted weekend working days). Times are timezone-aware; a deadline that
counts days ends at the end of that day in the platform's time zone.
"""

import datetime as dt
from enum import StrEnum
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


class DeadlineKind(StrEnum):
    FILING = "filing"  # CAC Measures Art. 15: 30 working days
    RIGHTS_REQUEST = "rights_request"  # 15 days by default (configurable)
    RIGHTS_REQUEST_EXTENSION = "rights_request_extension"  # one extension
    BREACH_NOTICE = "breach_notice"  # GDPR Art. 33: 72 hours
    COMPLAINT_TRIAGE = "complaint_triage"  # "must immediately investigate": 24 hours
    INFORMATION_REQUEST = "information_request"  # a regulator's RFI: 10 working days
    HEARING = "hearing"  # answering preliminary findings: a setting, in days


def _rules() -> dict[DeadlineKind, tuple[str, int]]:
    """(unit, amount) per kind; units: working_days, days, hours."""
    return {
        DeadlineKind.FILING: ("working_days", 30),
        DeadlineKind.RIGHTS_REQUEST: ("days", settings.FACEGOV_REQUEST_DEADLINE_DAYS),
        DeadlineKind.RIGHTS_REQUEST_EXTENSION: (
            "days", settings.FACEGOV_REQUEST_EXTENSION_DAYS),
        DeadlineKind.BREACH_NOTICE: ("hours", 72),
        DeadlineKind.COMPLAINT_TRIAGE: ("hours", 24),
        DeadlineKind.INFORMATION_REQUEST: ("working_days", 10),
        DeadlineKind.HEARING: ("days", settings.FACEGOV_HEARING_PERIOD_DAYS),
    }


@lru_cache(maxsize=8)
def _calendar(country: str) -> holidays.HolidayBase:
    # Years are filled in lazily by the holidays package as dates are looked up.
    return holidays.country_holidays(country)


def is_working_day(day: dt.date, *, country: str | None = None) -> bool:
    return _calendar(country or settings.FACEGOV_HOLIDAY_COUNTRY).is_working_day(day)


def add_working_days(day: dt.date, n: int, *, country: str | None = None) -> dt.date:
    """The n-th working day after `day` (the start day itself never counts)."""
    if n <= 0:
        raise ValueError("n must be positive")
    return _calendar(country or settings.FACEGOV_HOLIDAY_COUNTRY).get_nth_working_day(day, n)


def end_of_day(day: dt.date) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def due_at(kind: DeadlineKind, start: dt.datetime) -> dt.datetime:
    """When something of `kind` that started at `start` (aware) is due."""
    if timezone.is_naive(start):
        raise ValueError("start must be timezone-aware")
    unit, amount = _rules()[kind]
    if unit == "hours":
        return start + dt.timedelta(hours=amount)
    local_day = timezone.localtime(start).date()
    if unit == "days":
        return end_of_day(local_day + dt.timedelta(days=amount))
    return end_of_day(add_working_days(local_day, amount))


def is_overdue(due: dt.datetime, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) > due


def time_left(due: dt.datetime, *, now: dt.datetime | None = None) -> dt.timedelta:
    """Negative when overdue; pages show it as a countdown."""
    return due - (now or timezone.now())
