"""Signed chain heads, published outside the database.

Whenever a registered ledger's chain grows, `chain_append` calls `head_pending` inside the
appending transaction: it marks the chain pending and, right after commit, `head_publish`
signs the new head (ledger, chain key, sequence, entry hash, the entry's time and the signing
time) with the platform's Ed25519 key (signing.py) and appends it to the publication. Whoever
rewrites the database can neither rewrite what was published nor sign a new head, so
`verify_ledger` (ledger_verify.py) catches a chain cut short or re-hashed after an edit.

Why in-process after commit rather than a Celery task: signing and appending one line cost well
under a millisecond (benchmarks/ledger_heads.py) — less than enqueueing a message — and the
head is out before the request answers instead of whenever a worker gets to it. A rolled-back
transaction publishes nothing (on_commit callbacks are dropped with it). Only a process dying
between commit and publication can leave a head unpublished: the pending mark, written in the
transaction, survives that, and `ledger_heads_publish_pending` (beat, every 30 s) publishes it —
after checking that the chain still extends the head last published for it, so a chain
rewritten in the database meanwhile is never signed.

The publication is pluggable (`HeadPublisher`): FACEGOV_LEDGER_HEADS_PUBLISHER names the class,
FACEGOV_LEDGER_HEADS_PATH its location. `FileHeadPublisher` appends JSON lines to a local file
(`make run`: var/ledger-heads.jsonl); at scale an implementation over shared or object storage
(or a transparency log) takes its place with the same three methods.
"""

import datetime as dt
import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from governance.models import PendingLedgerHead, SignedLedgerHead
from governance.platform import signing
from governance.platform.ledger import (
    ChainedEntry,
    ChainStart,
    Ledger,
    canonical_value,
    chain_start,
    chain_walk,
    ledger_named,
)

logger = logging.getLogger(__name__)

HEAD_FORMAT = "facegov-ledger-head/v1"
SIGNED_FIELDS = ("ledger", "chain_key", "sequence", "entry_hash", "recorded_at", "signed_at",
                 "key_id")
# The after-commit publication normally clears a pending mark within milliseconds; the
# catch-up leaves younger marks alone so that it does not race it.
PENDING_GRACE = dt.timedelta(seconds=5)
PENDING_BATCH_SIZE = 500


@dataclass(frozen=True)
class SignedHead:
    """The head of one chain at one moment, and the platform's signature over it."""

    ledger: str
    chain_key: str
    sequence: int
    entry_hash: str
    recorded_at: str  # the entry's time, canonical ISO 8601 (UTC)
    signed_at: str
    key_id: str
    signature: str

    def message(self) -> bytes:
        """The exact bytes signed: canonical JSON of the signed fields and the format name."""
        body = {name: getattr(self, name) for name in SIGNED_FIELDS} | {"format": HEAD_FORMAT}
        return json.dumps(body, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()

    def signature_valid(self) -> bool:
        return signing.verify(self.message(), self.signature)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> "SignedHead":
        """Raises ValueError unless `data` has every field with its JSON type."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        values = {}
        for name in (*SIGNED_FIELDS, "signature"):
            value, expected = data.get(name), int if name == "sequence" else str
            if not isinstance(value, expected) or isinstance(value, bool):
                raise ValueError(f"{name!r} is missing or not a {expected.__name__}")
            values[name] = value
        return cls(**values)


def head_sign(*, ledger: str, chain_key: str, sequence: int, entry_hash: str,
              recorded_at: str) -> SignedHead:
    unsigned = SignedHead(ledger=ledger, chain_key=chain_key, sequence=sequence,
                          entry_hash=entry_hash, recorded_at=recorded_at,
                          signed_at=canonical_value(timezone.now()), key_id=signing.key_id(),
                          signature="")
    return SignedHead(**{**unsigned.as_dict(), "signature": signing.sign(unsigned.message())})


# --- the publication -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedLine:
    """One line of the publication: a head, and why it cannot be trusted ("" when it can)."""

    number: int
    head: SignedHead | None
    problem: str = ""


class HeadPublisher(Protocol):
    location: str

    def append(self, heads: Sequence[SignedHead]) -> None:
        """Add heads at the end; never rewrites what is there. Safe across processes."""

    def lines(self) -> Iterator[PublishedLine]:
        """Everything ever published, in order, each line checked."""

    def latest(self) -> dict[tuple[str, str], SignedHead]:
        """The highest validly signed head of each (ledger, chain key)."""


def _parse(number: int, raw: bytes) -> PublishedLine:
    try:
        head = SignedHead.from_dict(json.loads(raw))
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        return PublishedLine(number, None, f"not a signed head ({exc})")
    if not head.signature_valid():
        return PublishedLine(number, head, "its signature does not verify")
    return PublishedLine(number, head)


def _newest(heads: dict[tuple[str, str], SignedHead], line: PublishedLine) -> None:
    head = line.head
    if head is None or line.problem:
        return
    key = (head.ledger, head.chain_key)
    if key not in heads or head.sequence > heads[key].sequence:
        heads[key] = head


class _Tail:
    """The newest heads of a file, kept up to date by reading only what was appended since."""

    def __init__(self) -> None:
        self.reset(None)

    def reset(self, identity: tuple[int, int] | None) -> None:
        self.identity = identity
        self.offset = self.number = 0
        self.heads: dict[tuple[str, str], SignedHead] = {}

    def refresh(self, path: Path) -> dict[tuple[str, str], SignedHead]:
        try:
            stat = path.stat()
        except FileNotFoundError:
            self.reset(None)
            return self.heads
        if (stat.st_dev, stat.st_ino) != self.identity or stat.st_size < self.offset:
            self.reset((stat.st_dev, stat.st_ino))  # replaced or truncated: read it all again
        if stat.st_size > self.offset:
            with path.open("rb") as handle:
                handle.seek(self.offset)
                for raw in handle:
                    if not raw.endswith(b"\n"):
                        break  # a line still being written: read it next time
                    self.offset += len(raw)
                    self.number += 1
                    if raw.strip():
                        _newest(self.heads, _parse(self.number, raw))
        return self.heads


class FileHeadPublisher:
    """JSON lines appended to one file. Appends from many processes never interleave: each
    takes an exclusive lock (flock) and writes whole lines with O_APPEND, then fsyncs."""

    def __init__(self, location: str) -> None:
        self.location = str(location)
        self.path = Path(location)
        self._tail = _Tail()
        self._tail_lock = threading.Lock()

    def append(self, heads: Sequence[SignedHead]) -> None:
        data = "".join(json.dumps(h.as_dict(), sort_keys=True, separators=(",", ":")) + "\n"
                       for h in heads).encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # a writer died mid-line: never glue a head onto it
            while data:
                data = data[os.write(fd, data):]
            os.fsync(fd)
        finally:
            os.close(fd)  # releases the lock

    def lines(self) -> Iterator[PublishedLine]:
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        with handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.endswith(b"\n"):
                    return
                if raw.strip():
                    yield _parse(number, raw)

    def latest(self) -> dict[tuple[str, str], SignedHead]:
        with self._tail_lock:
            return dict(self._tail.refresh(self.path))


@lru_cache(maxsize=16)
def _publisher(class_path: str, location: str) -> HeadPublisher:
    return import_string(class_path)(location)


def heads_publisher() -> HeadPublisher:
    """The configured publication (one instance per class and location, per process)."""
    return _publisher(settings.FACEGOV_LEDGER_HEADS_PUBLISHER,
                      str(settings.FACEGOV_LEDGER_HEADS_PATH))


# --- publishing ------------------------------------------------------------------------------


def head_pending(*, ledger: str, entry: ChainedEntry) -> None:
    """Inside the appending transaction: mark the chain pending, and publish the new head once
    the transaction commits (nothing is published if it rolls back)."""
    chain_key = str(getattr(entry, type(entry).chain_field))
    PendingLedgerHead.objects.bulk_create(
        [PendingLedgerHead(ledger=ledger, chain_key=chain_key, sequence=entry.sequence,
                           since=timezone.now())],
        update_conflicts=True, unique_fields=["ledger", "chain_key"], update_fields=["sequence"])
    head = {"ledger": ledger, "chain_key": chain_key, "sequence": entry.sequence,
            "entry_hash": entry.entry_hash, "recorded_at": canonical_value(entry.recorded_at)}

    def publish_head_after_commit() -> None:
        head_publish(**head)

    # robust: a failed publication must not fail a request whose data is committed; the
    # pending mark stays, and the catch-up publishes the head.
    transaction.on_commit(publish_head_after_commit, robust=True)


def head_publish(*, ledger: str, chain_key: str, sequence: int, entry_hash: str,
                 recorded_at: str) -> SignedHead:
    """Sign one head, append it to the publication, index it, and clear the pending mark."""
    head = head_sign(ledger=ledger, chain_key=chain_key, sequence=sequence,
                     entry_hash=entry_hash, recorded_at=recorded_at)
    heads_publisher().append([head])
    SignedLedgerHead.objects.bulk_create([SignedLedgerHead(**head.as_dict())],
                                         ignore_conflicts=True)
    PendingLedgerHead.objects.filter(ledger=ledger, chain_key=chain_key,
                                     sequence__lte=sequence).delete()
    return head


def head_covering(*, ledger: str, chain_key: str, sequence: int) -> SignedHead | None:
    """The first published head at or after `sequence`: the one that vouches for that entry."""
    row = (SignedLedgerHead.objects.filter(ledger=ledger, chain_key=chain_key,
                                           sequence__gte=sequence)
           .order_by("sequence").values(*SIGNED_FIELDS, "signature").first())
    return SignedHead(**row) if row else None


def _unsigned_tail_problem(ledger: Ledger, chain_key: str, signed: SignedHead | None) -> str:
    """Why the entries after the last signed head must not be signed ("" when they may)."""
    start = chain_start(ledger.name, chain_key)
    if not isinstance(start, ChainStart):
        return start.reason
    if signed is not None and signed.sequence >= start.sequence:
        start = ChainStart(sequence=signed.sequence, entry_hash=signed.entry_hash)
    broken = chain_walk(ledger.entries(chain_key, after=start.sequence), start).broken
    return f"{broken.where()}: {broken.reason}" if broken else ""


def _publish_pending(pending: PendingLedgerHead) -> bool:
    ledger = ledger_named(pending.ledger)
    last = ledger.last_entry(pending.chain_key) if ledger else None
    signed = heads_publisher().latest().get((pending.ledger, pending.chain_key))
    if ledger is None or last is None or (signed and signed.sequence >= last.sequence):
        # Nothing left to sign; a chain now shorter than its head is verify_ledger's to report.
        PendingLedgerHead.objects.filter(pk=pending.pk).delete()
        return False
    problem = _unsigned_tail_problem(ledger, pending.chain_key, signed)
    if problem:
        logger.error("Not signing the %s chain %s: it does not extend its last signed head "
                     "(%s). Run manage.py verify_ledger.", ledger.name, pending.chain_key,
                     problem)
        return False
    head_publish(ledger=ledger.name, chain_key=pending.chain_key, sequence=last.sequence,
                 entry_hash=last.entry_hash, recorded_at=canonical_value(last.recorded_at))
    return True


def ledger_heads_publish_pending(*, now: dt.datetime | None = None,
                                 grace: dt.timedelta = PENDING_GRACE) -> int:
    """The catch-up: publish the heads whose after-commit publication never happened (the
    process died, the publication was unavailable). Returns how many heads it published."""
    due = (PendingLedgerHead.objects.filter(since__lte=(now or timezone.now()) - grace)
           .order_by("since")[:PENDING_BATCH_SIZE])
    return sum(_publish_pending(pending) for pending in due)
