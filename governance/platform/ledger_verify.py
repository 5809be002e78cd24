"""Verifying every ledger: each chain against its hashes, its prune checkpoint and its signed
heads; the publication's own lines; and the projections kept beside the ledgers.

`manage.py verify_ledger` runs all of it. The published heads are the authority: a chain that
ends before its newest signed head was cut short, and an entry whose hash differs from the head
signed for it was rewritten (even if every hash after it was recomputed). Entries after the
newest signed head are reported as not yet signed; once their pending mark is older than
FACEGOV_LEDGER_HEAD_MAX_LAG_SECONDS the chain is lagging, which fails verification too.

A projection is a row that states what a ledger says (a consent's `state` is what its latest
consent-ledger entry says); apps register a check that lists every row that disagrees.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from governance.models import SignedLedgerHead
from governance.platform.ledger import (
    BrokenLink,
    ChainStart,
    Ledger,
    chain_start,
    chain_walk,
    registered_ledgers,
)
from governance.platform.ledger_heads import HeadPublisher, SignedHead, heads_publisher

REWRITTEN = "its hash differs from the head signed for it"


@dataclass(frozen=True)
class ChainReport:
    ledger: str
    chain_key: str
    broken: BrokenLink | None
    head: SignedHead | None = None  # the newest validly signed head published
    unpublished: int = 0  # entries after it
    unpublished_since: dt.datetime | None = None  # when the oldest head not published was signed

    def lagging(self, now: dt.datetime | None = None) -> bool:
        """True when a head signed for the chain's newest entries has waited too long to be
        published."""
        if not self.unpublished or self.unpublished_since is None:
            return False
        max_lag = dt.timedelta(seconds=settings.FACEGOV_LEDGER_HEAD_MAX_LAG_SECONDS)
        return (now or timezone.now()) - self.unpublished_since > max_lag


@dataclass(frozen=True)
class HeadProblem:
    """A line of the publication that cannot be trusted."""

    line: int
    head: SignedHead | None
    reason: str


class PublishedHeads:
    """What the publication says, read once: for each chain the hash signed for each sequence
    and the newest head; and every line that is not a validly signed, consistent head."""

    def __init__(self, publisher: HeadPublisher) -> None:
        self.location = publisher.location
        self.hashes: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
        self.newest: dict[tuple[str, str], SignedHead] = {}
        self.problems: list[HeadProblem] = []
        for line in publisher.lines():
            if line.problem or line.head is None:
                self.problems.append(HeadProblem(line.number, line.head, line.problem))
                continue
            self._add(line.number, line.head)

    @classmethod
    def read(cls) -> "PublishedHeads":
        return cls(heads_publisher())

    def _add(self, number: int, head: SignedHead) -> None:
        chain = (head.ledger, head.chain_key)
        known = self.hashes[chain].setdefault(head.sequence, head.entry_hash)
        if known != head.entry_hash:
            self.problems.append(HeadProblem(number, head, f"it contradicts another signed "
                                                           f"head for #{head.sequence}"))
        newest = self.newest.get(chain)
        if newest is None or head.sequence > newest.sequence:
            self.newest[chain] = head

    def chain_keys(self, ledger: str) -> list[str]:
        return sorted(key for name, key in self.hashes if name == ledger)


def _located(broken: BrokenLink, signed: dict[int, str], start: ChainStart) -> BrokenLink:
    """A rewritten entry is found at the first signed head it fails; when heads are sparse the
    rewrite may begin earlier, after the last entry that still matched its head."""
    if broken.entry is None or not broken.reason.startswith(REWRITTEN):
        return broken
    at = broken.entry.sequence
    matched = max((s for s in signed if start.sequence <= s < at), default=start.sequence)
    if matched == at - 1:
        return broken
    return BrokenLink(broken.entry, f"{broken.reason} (the rewrite begins after #{matched}, "
                                    "the last entry that matches its signed head)")


def _start_against_heads(start: ChainStart, signed: dict[int, str]) -> BrokenLink | None:
    """A prune checkpoint must be the entry its signed head names."""
    if signed.get(start.sequence, start.entry_hash) != start.entry_hash:
        return BrokenLink(None, "the checkpoint left by a prune differs from the head signed "
                                f"for #{start.sequence}", sequence=start.sequence)
    return None


def _end_against_heads(last_sequence: int, newest: SignedHead | None) -> BrokenLink | None:
    """A chain must reach its newest signed head."""
    if newest is not None and newest.sequence > last_sequence:
        return BrokenLink(None, f"the chain ends at #{last_sequence} but its head signed at "
                                f"{newest.signed_at} is #{newest.sequence}: entries were "
                                "removed from its end", sequence=last_sequence + 1)
    return None


def _waiting_since(ledger: str, chain_key: str, after: int) -> dt.datetime | None:
    """When the oldest head signed after #`after` was signed (None: no head was signed)."""
    signed_at = (SignedLedgerHead.objects.filter(ledger=ledger, chain_key=chain_key,
                                                 sequence__gt=after)
                 .order_by("sequence").values_list("signed_at", flat=True).first())
    return parse_datetime(signed_at) if signed_at else None


def chain_report(ledger: Ledger, chain_key: str, published: PublishedHeads) -> ChainReport:
    chain = (ledger.name, chain_key)
    signed, newest = published.hashes.get(chain, {}), published.newest.get(chain)
    start = chain_start(ledger.name, chain_key)
    if isinstance(start, BrokenLink):
        return ChainReport(ledger.name, chain_key, start, newest)
    if (broken_start := _start_against_heads(start, signed)) is not None:
        return ChainReport(ledger.name, chain_key, broken_start, newest)
    covered = max(newest.sequence if newest else 0, start.sequence)
    walk = chain_walk(ledger.entries(chain_key), start, signed)
    broken = (_located(walk.broken, signed, start) if walk.broken
              else _end_against_heads(walk.last_sequence, newest))
    unpublished = 0 if broken else max(0, walk.last_sequence - covered)
    return ChainReport(ledger.name, chain_key, broken, newest, unpublished,
                       _waiting_since(ledger.name, chain_key, covered) if unpublished else None)


def ledgers_verify(published: PublishedHeads | None = None) -> Iterator[ChainReport]:
    """One report per chain of every registered ledger: each chain in the database, and each
    chain the publication knows that the database no longer has."""
    published = published or PublishedHeads.read()
    for ledger in registered_ledgers():
        keys = [str(key) for key in ledger.chain_keys()]
        in_database = set(keys)
        keys += [key for key in published.chain_keys(ledger.name) if key not in in_database]
        for key in keys:
            yield chain_report(ledger, key, published)


# --- projections -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectionMismatch:
    ledger: str
    record: str  # how an operator finds the row
    reason: str


ProjectionCheck = Callable[[], Iterable[ProjectionMismatch]]
_PROJECTION_CHECKS: dict[str, ProjectionCheck] = {}


def register_projection_check(name: str, check: ProjectionCheck) -> None:
    """Apps call this in AppConfig.ready(): `check()` yields every row that disagrees with its
    ledger. Registering the same name again replaces the check."""
    _PROJECTION_CHECKS[name] = check


def projections_verify() -> Iterator[ProjectionMismatch]:
    for name in sorted(_PROJECTION_CHECKS):
        yield from _PROJECTION_CHECKS[name]()
