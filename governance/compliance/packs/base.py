"""What a rule pack is: the rules of one jurisdiction and the terms its law sets.

A pack holds the checks that judge a deployment (each rule citing the article and sentence it
rests on, and whether it blocks or only advises) and the law's numbers the rest of the
platform reads: statutory retention caps, the minimum life of identification logs, the age
below which a guardian consents, deadlines, the filing threshold, who must confirm a match,
and the wording of notices and receipts.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from governance.compliance.checks import Check, Subject
from governance.compliance.law import Citation
from governance.models import Deployment, RetentionTrigger
from governance.platform.deadlines import DeadlineKind, Term, due_after, platform_term


class Severity(StrEnum):
    BLOCKING = "blocking"  # blocks: a submission or change is refused
    WARNING = "warning"  # advises: shown, never blocks


@dataclass(frozen=True)
class Rule:
    id: str
    jurisdiction: str
    severity: Severity
    title: str
    check: Check
    citations: tuple[Citation, ...]

    @property
    def reference(self) -> str:
        return "; ".join(c.reference for c in self.citations)

    @property
    def effect(self) -> str:
        return "blocks" if self.severity == Severity.BLOCKING else "advises"


@dataclass(frozen=True)
class StatutoryCap:
    """The longest the law lets a category be kept, counted from a trigger."""

    category: str
    period: dt.timedelta
    trigger: str
    citation: Citation

    @property
    def reference(self) -> str:
        return self.citation.reference

    @property
    def trigger_label(self) -> str:
        return str(RetentionTrigger(self.trigger).label)


@dataclass(frozen=True)
class LogMinimum:
    """Identification logs must be kept at least this long."""

    period: dt.timedelta
    citation: Citation


@dataclass(frozen=True)
class Deadline:
    """A pack's term for a deadline kind; `citation` None marks the platform's own term where
    the law sets none (the note says what the law says instead)."""

    term: Term
    citation: Citation | None
    note: str = ""


@dataclass(frozen=True)
class Pack:
    jurisdiction: str
    name: str
    instruments: tuple[str, ...]
    rules: tuple[Rule, ...]
    # The age below which a guardian consents; a callable when a setting chooses it.
    guardian_age_rule: Callable[[], int]
    guardian_citation: Citation
    deadlines: Mapping[DeadlineKind, Deadline]
    retention_caps: tuple[StatutoryCap, ...] = ()
    retention_default_reference: str = ""
    erasure_reference: str = ""
    log_minimum: LogMinimum | None = None
    filing_threshold: int | None = None
    # Whether the law makes two people confirm a match before anyone acts on it.
    two_person_confirmation: Callable[[Deployment], bool] = field(
        default=lambda deployment: False)
    two_person_citation: Citation | None = None
    receipt_laws: tuple[str, ...] = ()
    notice_footer: str = ""

    def deadline(self, kind: DeadlineKind) -> Deadline:
        return self.deadlines.get(kind) or Deadline(platform_term(kind), None)

    def due_at(self, kind: DeadlineKind, start: dt.datetime) -> dt.datetime:
        return due_after(self.deadline(kind).term, start)

    @property
    def guardian_age(self) -> int:
        return self.guardian_age_rule()

    def needs_guardian(self, age: int) -> bool:
        return age < self.guardian_age

    def subject(self, deployment: Deployment) -> Subject:
        codes = frozenset(p.code for p in deployment.purposes.all())
        return Subject(deployment, codes, self)


def rule(rule_id: str, jurisdiction: str, severity: Severity, title: str, check: Check,
         *citations: Citation) -> Rule:
    return Rule(rule_id, jurisdiction, severity, title, check, citations)
