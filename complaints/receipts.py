"""Tip receipts: 16 digits shown once, stored as an Argon2id hash, found without a scan.

Why two stored values. Argon2id (argon2-cffi) with its own salt per tip is what keeps a stolen
database from yielding receipts: every guess costs one Argon2id evaluation (0.2–1 s at the
configured cost, see benchmarks/tip_receipts.py). But a salted hash cannot be looked up, and
verifying a presented receipt against every tip would cost (number of tips) × that time. So
each tip also stores `receipt_index`: HMAC-SHA256, under a key derived from the master key for
this use only, of the receipt's first `FACEGOV_TIP_RECEIPT_INDEX_DIGITS` digits (8 by default).

- Lookup: compute the index of the presented receipt, fetch the few tips in that bucket (one
  for up to millions of tips: 10^8 buckets), verify Argon2id against each.
- The database alone: the index is a keyed hash, useless without the server key; the receipt
  is only in the Argon2id hash.
- The database and the key: the index gives away the first 8 digits, and the remaining 10^8
  candidates still cost one Argon2id evaluation each (about a year of one core per tip at
  0.3 s), where an index of the whole receipt would have made the receipt an HMAC away.
- Timing: every check verifies at least one Argon2id hash (a fixed dummy when the bucket is
  empty), so the answer time does not tell whether a prefix exists.
"""

import secrets
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type
from django.conf import settings

from governance.platform.crypto import keyed_hash

RECEIPT_DIGITS = 16
RECEIPT_INDEX_PURPOSE = "facegov/complaints/tip-receipt-index/v1"


class HasReceiptHash(Protocol):
    receipt_hash: str


T = TypeVar("T", bound=HasReceiptHash)


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism,
                          hash_len=32, salt_len=16, type=Type.ID)


def hasher() -> PasswordHasher:
    """Argon2id at the configured cost (settings FACEGOV_TIP_ARGON2_*)."""
    return _hasher(settings.FACEGOV_TIP_ARGON2_TIME_COST,
                   settings.FACEGOV_TIP_ARGON2_MEMORY_KIB,
                   settings.FACEGOV_TIP_ARGON2_PARALLELISM)


def receipt_new() -> str:
    """16 digits from the OS's CSPRNG (about 53 bits)."""
    return f"{secrets.randbelow(10 ** RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def receipt_normalise(text: str) -> str | None:
    """The digits of what a person typed (spaces and dashes allowed), or None if it cannot be
    a receipt at all."""
    digits = "".join(ch for ch in str(text) if ch not in " -")
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def receipt_index(receipt: str) -> str:
    return keyed_hash(RECEIPT_INDEX_PURPOSE,
                      receipt[:settings.FACEGOV_TIP_RECEIPT_INDEX_DIGITS])


def receipt_hash(receipt: str) -> str:
    return hasher().hash(receipt)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash(receipt_new())


def receipt_match(receipt: str, candidates: Iterable[T]) -> T | None:
    """The candidate whose hash the receipt verifies, checking every candidate (at least one
    hash, a dummy if there are none) so the time spent does not depend on which matched."""
    ph = hasher()
    found = None
    checked = 0
    for candidate in candidates:
        checked += 1
        if _verifies(ph, candidate.receipt_hash, receipt) and found is None:
            found = candidate
    if checked == 0:
        _verifies(ph, _dummy_hash(ph.time_cost, ph.memory_cost, ph.parallelism), receipt)
    return found


def _verifies(ph: PasswordHasher, stored: str, receipt: str) -> bool:
    try:
        return ph.verify(stored, receipt)
    except (VerificationError, InvalidHashError):
        return False


def receipt_display(receipt: str) -> str:
    """Grouped in fours for reading aloud and copying: 1234 5678 9012 3456."""
    return " ".join(receipt[i:i + 4] for i in range(0, len(receipt), 4))
