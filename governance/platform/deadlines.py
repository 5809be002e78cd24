"""Every deadline the platform keeps, computed in one place.

Two entry points: `due_at(kind, start)` uses the platform's own terms (complaint triage, and
the defaults below), and `due_for(kind, start, jurisdiction=...)` uses the term of the
deployment's rule pack (governance/compliance/packs/): a rights request in the EU is due one
month later (GDPR Art. 12(3)), in China on the platform's configurable default, and so on.

Working days follow the `holidays` package's calendar for the configured country (for China
that includes the adjusted weekend working days). Times are timezone-aware; a deadline that
counts days ends at the end of that day in the platform's time zone.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


class DeadlineKind(StrEnum):
    # Each pack states its own term for these, with the article (see the packs).
    FILING = "filing"
    RIGHTS_REQUEST = "rights_request"
    RIGHTS_REQUEST_EXTENSION = "rights_request_extension"
    BREACH_NOTICE = "breach_notice"
    # The platform's own promise everywhere: "must immediately investigate" → 24 hours.
    COMPLAINT_TRIAGE = "complaint_triage"
    # A regulator's information request (10 working days) and the hearing on preliminary
    # findings (FACEGOV_HEARING_PERIOD_DAYS): the platform's procedure, the same everywhere.
    INFORMATION_REQUEST = "information_request"
    HEARING = "hearing"


@dataclass(frozen=True)
class Term:
    """How long something may take: an amount of a unit (hours, days, working_days, months);
    working days follow `country`'s calendar (the configured one when empty). A term named
    by a `setting` reads its amount from that setting when used (configurable defaults)."""

    unit: str
    amount: int
    country: str = ""
    setting: str = ""

    @property
    def value(self) -> int:
        return getattr(settings, self.setting) if self.setting else self.amount


# The platform's own terms, where the law of a deployment sets none.
PLATFORM_TERMS: dict[DeadlineKind, Term] = {
    DeadlineKind.FILING: Term("working_days", 30),
    DeadlineKind.RIGHTS_REQUEST: Term("days", 15, setting="FACEGOV_REQUEST_DEADLINE_DAYS"),
    DeadlineKind.RIGHTS_REQUEST_EXTENSION: Term("days", 30,
                                                setting="FACEGOV_REQUEST_EXTENSION_DAYS"),
    DeadlineKind.BREACH_NOTICE: Term("hours", 72),
    DeadlineKind.COMPLAINT_TRIAGE: Term("hours", 24),
    DeadlineKind.INFORMATION_REQUEST: Term("working_days", 10),
    DeadlineKind.HEARING: Term("days", 10, setting="FACEGOV_HEARING_PERIOD_DAYS"),
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
        raise ValueError(_("n must be positive"))
    return _calendar(country or settings.FACEGOV_HOLIDAY_COUNTRY).get_nth_working_day(day, n)


def end_of_day(day: dt.date) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def add_months(day: dt.date, n: int) -> dt.date:
    """The same day n months later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + n
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def platform_term(kind: DeadlineKind) -> Term:
    return PLATFORM_TERMS[kind]


def due_after(term: Term, start: dt.datetime) -> dt.datetime:
    """When something that started at `start` (aware) is due under `term`."""
    if timezone.is_naive(start):
        raise ValueError(_("start must be timezone-aware"))
    amount = term.value
    if term.unit == "hours":
        return start + dt.timedelta(hours=amount)
    local_day = timezone.localtime(start).date()
    if term.unit == "days":
        return end_of_day(local_day + dt.timedelta(days=amount))
    if term.unit == "months":
        return end_of_day(add_months(local_day, amount))
    return end_of_day(add_working_days(local_day, amount, country=term.country or None))


def due_at(kind: DeadlineKind, start: dt.datetime) -> dt.datetime:
    """When something of `kind` that started at `start` (aware) is due on the platform's own
    terms. Deadlines that the law of a deployment sets go through `due_for`."""
    return due_after(platform_term(kind), start)


def due_for(kind: DeadlineKind, start: dt.datetime, *, jurisdiction: str) -> dt.datetime:
    """When something of `kind` is due under the rule pack of `jurisdiction`; the platform's
    term applies where that law sets none."""
    from governance.compliance.packs import pack_for  # the packs import this module

    return pack_for(jurisdiction).due_at(kind, start)


def is_overdue(due: dt.datetime, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) > due


def time_left(due: dt.datetime, *, now: dt.datetime | None = None) -> dt.timedelta:
    """Negative when overdue; pages show it as a countdown."""
    return due - (now or timezone.now())
