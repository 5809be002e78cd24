"""A deployment's enforcement history on its public register entry (DESIGN promise 12).

Investigations and their decisions live in `complaints`, which governance must not import.
That app registers a provider in AppConfig.ready():
`register_enforcement_provider(func)` where `func(*, deployment_id: int) -> list[dict]` returns
the published decisions about the deployment as rows (`decided_at` a datetime; the
register's serializer renders them), newest first. Only what may
be public goes in a row: never a complainant, never a named person fined.
"""

from collections.abc import Callable
from typing import Any

EnforcementProvider = Callable[..., list[dict[str, Any]]]
_PROVIDERS: list[EnforcementProvider] = []


def register_enforcement_provider(func: EnforcementProvider) -> EnforcementProvider:
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def enforcement_history(*, deployment_id: int) -> list[dict[str, Any]]:
    """Every registered provider's published decisions about this deployment."""
    rows: list[dict[str, Any]] = []
    for provider in _PROVIDERS:
        rows.extend(provider(deployment_id=deployment_id))
    return sorted(rows, key=lambda row: row["decided_at"], reverse=True)
