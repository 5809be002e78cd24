"""The retention registry: what each app stores, where, and how one batch of it is destroyed.

Governance never imports recognition. Each app that stores expirable data registers one
`RetentionSource` per data category in its AppConfig.ready(); the engine
(governance/services/retention.py) finds what is due through `due`, skips what a legal hold
covers, locks, calls `destroy` for one batch and writes the deletion certificate.

Contract of a source:
- `due(now=...)` → a QuerySet of the source's model: the items whose delete_after has passed.
  `deployment_field`, `subject_field` and `trigger_field` name the values the engine reads
  from it (trigger_field None: the category's effective rule names the trigger).
- `destroy(deployment=..., items=..., now=...)` runs inside the engine's transaction, with the
  deployment locked; it destroys exactly those items that still exist and reports what it
  destroyed (rows already gone are not reported, so a rerun certifies nothing twice).
- `reschedule(deployment_id=..., subject_ref=..., erase=...)` recomputes delete_after: for one
  subject or the whole deployment; `erase=(trigger, at)` means an erasure event happened
  (withdrawal, deletion request, the deployment's end) and the items are due at `at`.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class DueItem:
    pk: int
    subject_ref: str
    trigger: str


@dataclass(frozen=True)
class Destroyed:
    """What one batch destroyed: stable non-biometric identifiers (the engine stores only
    their keyed hashes), whose they were, the key ids shredded, and a ledger checkpoint when
    the batch pruned a hash chain."""

    identifiers: list[str]
    subject_refs: list[str] = field(default_factory=list)
    keys_shredded: list[str] = field(default_factory=list)
    ledger_checkpoint: dict[str, Any] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.identifiers)


Erase = tuple[str, dt.datetime]


@dataclass(frozen=True)
class RetentionSource:
    category: str
    description: str
    due: Callable[..., QuerySet]
    destroy: Callable[..., Destroyed]
    reschedule: Callable[..., int] | None
    deployment_field: str
    subject_field: str
    trigger_field: str | None = "delete_trigger"
    due_order: str = "delete_after"
    # A person's biometric data (templates, face images): when the person withdraws consent
    # or has erasure granted, a hold that does not name them (one over the whole deployment or
    # category) does not keep it — withdrawal means deletion (DESIGN invariant 4). Only a hold
    # naming the subject keeps it, unusable (the policy gate refuses the withdrawn subject).
    erasure_beats_broad_holds: bool = False


_SOURCES: dict[str, RetentionSource] = {}


def register_retention_source(source: RetentionSource) -> None:
    """Apps call this in AppConfig.ready(); one source per category, registering it again is
    harmless."""
    existing = _SOURCES.get(source.category)
    if existing and existing.due is not source.due:
        raise ValueError(f"Retention category {source.category!r} is already registered")
    _SOURCES[source.category] = source


def retention_sources() -> list[RetentionSource]:
    return [_SOURCES[c] for c in sorted(_SOURCES)]


# Items held outside the platform that are overdue even though no source here can destroy them
# (e.g. deletions ordered to an edge device and not acknowledged by their deadline): apps
# register func(*, now, deployment_ids) -> int under a category name; the overdue gauge adds
# them to its counts.
_OVERDUE_COUNTERS: dict[str, Callable[..., int]] = {}


def register_overdue_counter(category: str, func: Callable[..., int]) -> None:
    _OVERDUE_COUNTERS[category] = func


def overdue_counters() -> dict[str, Callable[..., int]]:
    return dict(_OVERDUE_COUNTERS)
