"""What the database holds, as a comparable snapshot: to assert a request's effect, or that a
refused request had none (rows, ledger entries, events, the state of the objects in play)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


def snapshot(tables: Iterable[type[models.Model]] = (), **rows: tuple[models.Model, tuple[str, ...]]
             ) -> dict[str, Any]:
    """Row count of each table, and the named fields of each given row (read afresh).

    ``snapshot([Consent, ConsentLedgerEntry], consent=(consent, ("state", "withdrawn_at")))``
    """
    state: dict[str, Any] = {table.__name__: table.objects.count() for table in tables}
    for name, (row, fields) in rows.items():
        fresh = type(row).objects.filter(pk=row.pk).values(*fields).first()
        state[name] = fresh
    return state


def changes(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """The keys whose value differs between two snapshots."""
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
