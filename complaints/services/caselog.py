"""Appending to a case's hash-chained log (governance.platform.ledger)."""

from typing import Any

from complaints.models import CaseLogEntry, Complaint, Party
from governance.platform.ledger import chain_append

CASE_LEDGER = "complaint case log"

# Parties whose acting person the log names; a complainant or tipster is never named.
_NAMED_PARTIES = frozenset({Party.REGULATOR, Party.ENTERPRISE})


def case_log_append(*, complaint: Complaint, kind: str, party: str, actor: Any = None,
                    detail: dict[str, Any] | None = None) -> CaseLogEntry:
    """One step of the case. The caller holds the complaint's row lock in its transaction."""
    named = actor if party in _NAMED_PARTIES and getattr(actor, "pk", None) else None
    return chain_append(CaseLogEntry(complaint_id=complaint.id, kind=kind, party=party,
                                     actor=named, detail=detail or {}))


def complaint_lock(complaint: Complaint) -> Complaint:
    """The row, locked for the rest of the transaction: one writer per case at a time, so its
    log's sequence and its clocks are written in order."""
    return (Complaint.objects.select_for_update(of=("self",))
            .select_related("deployment__organisation", "regulator").get(pk=complaint.pk))
