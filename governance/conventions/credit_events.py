"""Regulators' sanctions that count against a member's credit grade.

Penalties and orders live in `complaints`, which governance must not import: complaints
registers a provider in AppConfig.ready(). `func(*, organisation_id, since)` returns rows
`{"kind": "penalty" | "suspension", "at": datetime, "source": str, "reference": str}`, one
per fine on the processor and per suspension order, decided since `since`.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

CreditEventProvider = Callable[..., list[dict[str, Any]]]
_PROVIDERS: list[CreditEventProvider] = []


def register_credit_event_provider(func: CreditEventProvider) -> CreditEventProvider:
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def credit_events(*, organisation_id: int, since: dt.datetime) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for provider in _PROVIDERS:
        rows.extend(provider(organisation_id=organisation_id, since=since))
    return sorted(rows, key=lambda row: row["at"])
