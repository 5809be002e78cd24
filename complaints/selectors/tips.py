"""Opening a tip with its receipt: the tipster's only key. Every attempt costs one Argon2id
check (complaints/receipts.py); a wrong one also waits, longer after each recent failure of
the same client, and answers exactly like a receipt that never existed."""

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from complaints.models import CaseKind, Complaint
from complaints.receipts import RECEIPT_DIGITS, receipt_index, receipt_match, receipt_normalise
from governance.errors import NotFound

FAILURE_WINDOW_SECONDS = 3600


def _failure_key(client: str) -> str:
    # The cache holds a digest of the client, not its address.
    return "tip-receipt-failures:" + hashlib.sha256(client.encode()).hexdigest()[:32]


def receipt_failure_delay(*, client: str) -> float:
    """Count the failure and wait: base × 2^(recent failures − 1), capped."""
    key = _failure_key(client)
    cache.add(key, 0, FAILURE_WINDOW_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        failures = 1
    base, cap = settings.FACEGOV_TIP_RECEIPT_FAIL_DELAY, settings.FACEGOV_TIP_RECEIPT_FAIL_DELAY_MAX
    delay = min(base * 2 ** (failures - 1), cap) if base > 0 else 0.0
    if delay:
        time.sleep(delay)
    return delay


def tip_get_by_receipt(*, receipt: Any, client: str) -> Complaint:
    """The tip this receipt opens, or NotFound after the delay — the same answer whether the
    receipt is malformed, unknown or expired."""
    normalised = receipt_normalise(str(receipt or ""))
    candidates: list[Complaint] = []
    if normalised is not None:
        candidates = list(Complaint.objects.filter(kind=CaseKind.TIP,
                                                   receipt_index=receipt_index(normalised))
                          .select_related("deployment__organisation"))
    found = receipt_match(normalised or "0" * RECEIPT_DIGITS, candidates)
    if found is None:
        receipt_failure_delay(client=client)
        raise NotFound(_("No tip matches this receipt."), code="receipt_not_found")
    return found


def client_of(request: Any) -> str:
    """Who is asking, for throttling and delays only (never stored, never logged)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
