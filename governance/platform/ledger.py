"""Hash chains: tamper-evident, append-only ledgers, and a registry of every ledger.

Each entry's hash is SHA-256 over the canonical JSON of its fields plus the previous entry's
hash, so changing, removing or reordering an entry breaks the chain from that point. A ledger
is a model subclassing `ChainedEntry` (one chain per value of its `chain_field`, e.g. per
deployment) registered with `register_ledger`; `manage.py verify_ledger` checks them all.
Consent entries live in governance; recognition events and deletion certificates register
themselves the same way from their own apps.

A chain alone cannot prove that its newest entries were not cut off, nor that it was not
re-hashed from an edited entry onwards (SHA-256 is public). So every append also publishes the
chain's new head, signed, outside the database (ledger_heads.py), and verification
(ledger_verify.py) holds each chain to its published heads.

Retention prunes a chain only from its oldest end, through `chain_prune`: the caller records a
`LedgerCheckpoint` (the last removed entry's sequence and hash) beside a chained record that
carries the same values, in the same transaction: a deletion certificate, or (for data of no
deployment) an entry of another registered ledger with a `ledger_checkpoint` field. Verification
then starts from the checkpoint, and a checkpoint that no chained record vouches for is itself
a broken link.
"""

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

GENESIS_HASH = "0" * 64


class LedgerImmutable(Exception):
    """Raised when code tries to update or delete a ledger entry."""


def canonical_value(value: Any) -> Any:
    """A JSON value that reads back the same from every database backend."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date | uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def compute_hash(fields: dict[str, Any], previous_hash: str) -> str:
    body = json.dumps({"fields": fields, "previous_hash": previous_hash}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False, default=canonical_value)
    return hashlib.sha256(body.encode()).hexdigest()


class ChainedEntry(models.Model):
    """Base of every ledger entry. Subclasses set `chain_field` and a unique constraint on
    (chain_field, sequence), so two racing writers cannot fork a chain."""

    sequence = models.PositiveBigIntegerField(editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)
    recorded_at = models.DateTimeField(editable=False)

    chain_field: ClassVar[str]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not logic: a ledger entry is written once, by chain_append.
        if not self._state.adding or not self.entry_hash:
            raise LedgerImmutable(
                _("Ledger entries are appended with chain_append, never updated."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise LedgerImmutable(_("Ledger entries are never deleted."))

    def chain_fields(self) -> dict[str, Any]:
        """Every stored column except the primary key and the hash itself."""
        return {
            field.attname: canonical_value(getattr(self, field.attname))
            for field in self._meta.concrete_fields
            if not field.primary_key and field.attname != "entry_hash"
        }


def chain_append(entry: ChainedEntry) -> ChainedEntry:
    """Seal `entry` onto the end of its chain and insert it.

    The caller holds a row lock on the chain's owner (e.g. the deployment, select_for_update)
    inside its transaction; the unique (chain, sequence) constraint is the backstop.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(_("chain_append must run inside the transaction that locks the chain"))
    model = type(entry)
    chain_key = getattr(entry, model.chain_field)
    last = (model.objects.filter(**{model.chain_field: chain_key})
            .order_by("-sequence").only("sequence", "entry_hash").first())
    entry.sequence = last.sequence + 1 if last else 1
    entry.previous_hash = last.entry_hash if last else GENESIS_HASH
    entry.recorded_at = entry.recorded_at or timezone.now()
    entry.entry_hash = compute_hash(entry.chain_fields(), entry.previous_hash)
    ledger = ledger_of(model)
    if ledger is None:
        entry.save(force_insert=True)
        return entry
    from governance.platform.ledger_heads import head_record

    # The head is signed now and published after commit; the entry and the head's copy are
    # inserted together (one round trip on PostgreSQL).
    head_record(ledger=ledger.name, entry=entry, insert_entry=True)
    return entry


@dataclass(frozen=True)
class BrokenLink:
    """Where a chain breaks and why. `entry` is None when the entry is missing (a chain cut
    short of its signed head); `sequence` then says which one."""

    entry: ChainedEntry | None
    reason: str
    sequence: int | None = None

    def where(self) -> str:
        if self.entry is None:
            return f"entry #{self.sequence} (missing)"
        return f"entry #{self.entry.sequence} (id {self.entry.pk})"


@dataclass(frozen=True)
class ChainStart:
    """Where verification begins: the genesis, or the checkpoint left by a sanctioned prune."""

    sequence: int = 0
    entry_hash: str = GENESIS_HASH


@dataclass
class ChainWalk:
    """What walking a chain found: where it broke (if it did), and where it ends."""

    broken: BrokenLink | None = None
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH


def _entry_problem(entry: ChainedEntry, previous_hash: str, expected_sequence: int,
                   signed: Mapping[int, str]) -> str:
    if entry.sequence != expected_sequence:
        return f"expected sequence {expected_sequence}: an entry is missing or was renumbered"
    if entry.previous_hash != previous_hash:
        return "its link to the previous entry does not match"
    if compute_hash(entry.chain_fields(), entry.previous_hash) != entry.entry_hash:
        return "its contents do not match its hash"
    if entry.sequence in signed and signed[entry.sequence] != entry.entry_hash:
        return ("its hash differs from the head signed for it: the chain was rewritten and "
                "re-hashed")
    return ""


def chain_walk(entries: Iterable[ChainedEntry], start: ChainStart = ChainStart(),  # noqa: B008
               signed: Mapping[int, str] | None = None) -> ChainWalk:
    """Walk `entries` in sequence order from `start`, stopping at the first broken link.
    `signed` maps sequences to the hashes their signed heads carry: an entry that differs from
    its signed head breaks the chain even when every hash was recomputed."""
    signed = signed or {}
    walk = ChainWalk(last_sequence=start.sequence, last_hash=start.entry_hash)
    for entry in entries:
        problem = _entry_problem(entry, walk.last_hash, walk.last_sequence + 1, signed)
        if problem:
            walk.broken = BrokenLink(entry, problem)
            return walk
        walk.last_sequence, walk.last_hash = entry.sequence, entry.entry_hash
    return walk


def chain_verify(entries: Iterable[ChainedEntry],
                 start: ChainStart = ChainStart()) -> BrokenLink | None:  # noqa: B008
    """The first entry (in sequence order) that breaks the chain, with why; None if intact."""
    return chain_walk(entries, start).broken


# --- the registry of ledgers -----------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    name: str
    model: type[ChainedEntry]

    def chain_keys(self) -> list[Any]:
        field = self.model.chain_field
        return list(self.model.objects.order_by(field).values_list(field, flat=True).distinct())

    def entries(self, chain_key: Any, *, after: int = 0) -> Iterator[ChainedEntry]:
        qs = self.model.objects.filter(**{self.model.chain_field: chain_key})
        if after:
            qs = qs.filter(sequence__gt=after)
        return qs.order_by("sequence").iterator(chunk_size=2000)

    def last_entry(self, chain_key: Any) -> ChainedEntry | None:
        return (self.model.objects.filter(**{self.model.chain_field: chain_key})
                .order_by("-sequence").first())


def chain_prune(*, model: type[ChainedEntry], chain_key: Any, through_sequence: int
                ) -> ChainStart:
    """Remove a chain's entries 1..through_sequence (its oldest end) and return the new start.

    The one sanctioned way to delete ledger entries: the caller holds the chain owner's lock
    and records the returned start as a LedgerCheckpoint with its deletion certificate, in the
    same transaction. Entries after `through_sequence` are untouched, so they still verify.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(_("chain_prune must run inside the transaction that locks the chain"))
    chain = model.objects.filter(**{model.chain_field: chain_key})
    last = chain.filter(sequence=through_sequence).only("sequence", "entry_hash").get()
    # QuerySet.delete bypasses ChainedEntry.delete (which refuses): this is the exception.
    chain.filter(sequence__lte=through_sequence).delete()
    return ChainStart(sequence=last.sequence, entry_hash=last.entry_hash)


_LEDGERS: dict[str, Ledger] = {}


def register_ledger(name: str, model: type[ChainedEntry]) -> None:
    """Apps call this in AppConfig.ready(); registering the same model again is harmless."""
    existing = _LEDGERS.get(name)
    if existing and existing.model is not model:
        raise ValueError(f"Ledger {name!r} is already registered for {existing.model.__name__}")
    _LEDGERS[name] = Ledger(name, model)


def registered_ledgers() -> list[Ledger]:
    return sorted(_LEDGERS.values(), key=lambda ledger: ledger.name)


def ledger_named(name: str) -> Ledger | None:
    return _LEDGERS.get(name)


def ledger_of(model: type[ChainedEntry]) -> Ledger | None:
    """The ledger a model is registered as (None: not a registered ledger, nothing to sign)."""
    return next((ledger for ledger in _LEDGERS.values() if ledger.model is model), None)


def chain_start(ledger: str, chain_key: Any) -> ChainStart | BrokenLink:
    """The checkpoint a prune left for this chain (genesis if none), or a BrokenLink when the
    checkpoint is not the one its chained voucher (a deletion certificate, or an entry of
    another registered ledger) recorded, or the voucher is gone."""
    from governance.models import LedgerCheckpoint

    checkpoint = (LedgerCheckpoint.objects.select_related("certificate")
                  .filter(ledger=ledger, chain_key=str(chain_key)).first())
    if checkpoint is None:
        return ChainStart()
    voucher = checkpoint.certificate or _voucher_entry(checkpoint)
    if voucher is None:
        return BrokenLink(None, "the chain's checkpoint names a record of the prune that does "
                                "not exist", sequence=checkpoint.sequence)
    vouched = getattr(voucher, "ledger_checkpoint", None)
    if vouched != {"ledger": ledger, "chain_key": str(chain_key),
                   "sequence": checkpoint.sequence, "entry_hash": checkpoint.entry_hash}:
        return BrokenLink(voucher, "the chain's checkpoint does not match the chained record "
                                   "(deletion certificate) that vouches for the prune")
    return ChainStart(sequence=checkpoint.sequence, entry_hash=checkpoint.entry_hash)


def _voucher_entry(checkpoint: Any) -> ChainedEntry | None:
    """The chained entry a checkpoint names by address; it is itself a registered ledger's
    entry, so its own chain and signed heads prove it was not forged afterwards."""
    voucher_ledger = ledger_named(checkpoint.voucher_ledger)
    if voucher_ledger is None or checkpoint.voucher_sequence is None:
        return None
    model = voucher_ledger.model
    return model.objects.filter(**{model.chain_field: checkpoint.voucher_chain_key},
                                sequence=checkpoint.voucher_sequence).first()
