"""What is held about a person, gathered from every app (for "my records" and exports).

Governance knows consents, refusals and requests. Recognition events and deletion
certificates live in apps governance must not import, so those apps register a provider in
AppConfig.ready(): `register_records_provider("recognition_events", func)` where
`func(*, deployment_id: int, subject_ref: str) -> list[dict]` returns JSON-ready rows.
"""

from collections.abc import Callable
from typing import Any

RecordsProvider = Callable[..., list[dict[str, Any]]]

# Sections every export carries, even before the app that fills them is installed.
DEFAULT_SECTIONS = ("recognition_events", "deletion_certificates")
_PROVIDERS: dict[str, list[RecordsProvider]] = {}


def register_records_provider(section: str, func: RecordsProvider) -> RecordsProvider:
    providers = _PROVIDERS.setdefault(section, [])
    if func not in providers:
        providers.append(func)
    return func


def unregister_records_provider(section: str, func: RecordsProvider) -> None:
    if func in _PROVIDERS.get(section, []):
        _PROVIDERS[section].remove(func)


def provided_records(*, subjects: list[tuple[int, str]]) -> dict[str, list[dict[str, Any]]]:
    """Each registered section's rows for these (deployment_id, subject_ref) pairs."""
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in DEFAULT_SECTIONS}
    for section, providers in _PROVIDERS.items():
        rows = sections.setdefault(section, [])
        for provider in providers:
            for deployment_id, subject_ref in subjects:
                rows.extend(provider(deployment_id=deployment_id, subject_ref=subject_ref))
    return sections


# --- how many face templates an app holds for one person (pages show what is gone) ----------

HoldingsProvider = Callable[..., int]
_HOLDINGS: list[HoldingsProvider] = []


def register_holdings_provider(func: HoldingsProvider) -> HoldingsProvider:
    """`func(*, deployment_id: int, subject_ref: str) -> int`: the face templates held."""
    if func not in _HOLDINGS:
        _HOLDINGS.append(func)
    return func


def templates_held(*, deployment_id: int, subject_ref: str) -> int:
    return sum(p(deployment_id=deployment_id, subject_ref=subject_ref) for p in _HOLDINGS)
