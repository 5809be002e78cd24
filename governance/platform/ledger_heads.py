"""Signed chain heads, published outside the database.

Whenever a registered ledger's chain grows, `chain_append` calls `head_record` inside the
appending transaction: it signs the chain's new head (ledger, chain key, sequence, entry hash,
the entry's time and the signing time) with the platform's Ed25519 key (signing.py), keeps a
copy beside the entry (SignedLedgerHead) and, once the transaction commits, appends the head to
the publication. Whoever rewrites the database can neither rewrite what was published nor sign
a new head, so `verify_ledger` (ledger_verify.py) catches a chain cut short or re-hashed after
an edit.

Publication happens in-process right after commit, not in a Celery task: appending one line
costs tens of microseconds (benchmarks/ledger_heads.py) — less than enqueueing a message — and
the head is out before the request answers, not whenever a worker gets to it. A rolled-back
transaction publishes nothing: its on_commit callback and its head copy vanish with it. The
signature is made inside the transaction (under the chain's lock, ~50 us) so that the copy
written there is already signed: after commit there is no database write at all, only the
line. If that line is lost (the process dies after commit, the publication is unwritable, an
OS crash loses an unsynced write), the copy is still there and `ledger_heads_publish_missed`
(beat, every 30 s) appends it. The catch-up publishes only heads signed when their entries
were appended: it never signs what the database says now, so a chain rewritten in the
meantime is never vouched for.

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
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from governance.models import SignedLedgerHead
from governance.platform import signing
from governance.platform.inserts import insert_together
from governance.platform.ledger import ChainedEntry, canonical_value

logger = logging.getLogger(__name__)

HEAD_FORMAT = "facegov-ledger-head/v1"
SIGNED_FIELDS = ("ledger", "chain_key", "sequence", "entry_hash", "recorded_at", "signed_at",
                 "key_id")
# The after-commit publication is normally out within milliseconds: the catch-up leaves
# younger heads alone so as not to race it, and looks back as far as its window.
CATCH_UP_GRACE = dt.timedelta(seconds=5)
CATCH_UP_WINDOW = dt.timedelta(minutes=10)


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
            raise ValueError(_("not a JSON object"))
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
    return replace(unsigned, signature=signing.sign(unsigned.message()))


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
    takes an exclusive lock (flock) and writes whole lines with O_APPEND. No fsync per line: a
    line an OS crash loses is published again from the database's copy by the catch-up."""

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


# --- recording and publishing ----------------------------------------------------------------


def head_record(*, ledger: str, entry: ChainedEntry, insert_entry: bool = False) -> SignedHead:
    """Inside the appending transaction: sign the chain's new head, keep its copy, and publish
    it once the transaction commits (nothing is published if it rolls back). `insert_entry`:
    the sealed entry is not stored yet; it and the copy go in one round trip."""
    head = head_sign(ledger=ledger, chain_key=str(getattr(entry, type(entry).chain_field)),
                     sequence=entry.sequence, entry_hash=entry.entry_hash,
                     recorded_at=canonical_value(entry.recorded_at))
    copy = SignedLedgerHead(**head.as_dict())
    if insert_entry:
        insert_together(entry, copy)
    else:
        copy.save(force_insert=True)

    def publish_head_after_commit() -> None:
        heads_publisher().append([head])

    # robust: a failed publication must not fail a request whose data is committed; the
    # catch-up publishes the head from its copy.
    transaction.on_commit(publish_head_after_commit, robust=True)
    return head


def _head(row: SignedLedgerHead) -> SignedHead:
    return SignedHead(**{name: getattr(row, name) for name in (*SIGNED_FIELDS, "signature")})


def head_covering(*, ledger: str, chain_key: str, sequence: int) -> SignedHead | None:
    """The first signed head at or after `sequence`: the one that vouches for that entry."""
    row = (SignedLedgerHead.objects.filter(ledger=ledger, chain_key=chain_key,
                                           sequence__gte=sequence).order_by("sequence").first())
    return _head(row) if row else None


def head_copy_newest(*, ledger: str, chain_key: str) -> SignedHead | None:
    row = (SignedLedgerHead.objects.filter(ledger=ledger, chain_key=chain_key)
           .order_by("-sequence").first())
    return _head(row) if row else None


def ledger_heads_publish_missed(*, now: dt.datetime | None = None,
                                window: dt.timedelta | None = CATCH_UP_WINDOW,
                                grace: dt.timedelta = CATCH_UP_GRACE) -> int:
    """The catch-up: append every head signed in the window (None: ever) that is newer than
    what the publication has for its chain. Returns how many heads it appended."""
    now = now or timezone.now()
    copies = SignedLedgerHead.objects.filter(signed_at__lte=canonical_value(now - grace))
    if window is not None:
        copies = copies.filter(signed_at__gte=canonical_value(now - window))
    published = heads_publisher().latest()
    newest = copies.values_list("ledger", "chain_key").annotate(top=Max("sequence"))
    missed: list[SignedHead] = []
    for ledger, chain_key, top in newest.order_by("ledger", "chain_key"):
        known = getattr(published.get((ledger, chain_key)), "sequence", 0)
        if top > known:
            missed += [_head(row) for row in copies.filter(
                ledger=ledger, chain_key=chain_key, sequence__gt=known).order_by("sequence")]
    if missed:
        logger.warning("Publishing %d signed ledger heads whose publication was missed.",
                       len(missed))
        heads_publisher().append(missed)
    return len(missed)
