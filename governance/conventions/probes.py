"""The probe registry: checks that answer a convention requirement from the platform's data.

Like the retention registry, each app registers its probes in AppConfig.ready() — governance
its own (consents, deployments, retention, filings, rights requests), recognition and
complaints theirs — so governance never imports them. A library node names a probe in its
`auto_check` key; uploading a library that names an unregistered probe is refused.

Contract of a probe: `run(organisation_id=..., deployment_ids=[...], now=...)` reads
aggregates (counts, one chain walk per chain) — never one query per row — and returns a
`ProbeAnswer`: compliant True/False (None: nothing to judge), the figures it measured, a
sentence a person can read, and the signed chain heads it checked against (ledger, chain key,
sequence, entry hash), which the stored evidence keeps. `valid_for` is how long the answer
stands as evidence before it expires.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ProbeRun = Callable[..., "ProbeAnswer"]


@dataclass(frozen=True)
class ProbeAnswer:
    compliant: bool | None
    detail: str
    value: dict[str, Any] = field(default_factory=dict)
    chain_heads: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Probe:
    name: str
    title: str
    run: ProbeRun
    valid_for: dt.timedelta = dt.timedelta(days=30)
    # The app that answers it (shown beside the evidence).
    source: str = "governance"


_PROBES: dict[str, Probe] = {}


def register_probe(probe: Probe) -> None:
    existing = _PROBES.get(probe.name)
    if existing and existing.run is not probe.run:
        raise ValueError(f"Probe {probe.name!r} is already registered")
    _PROBES[probe.name] = probe


def probe_names() -> frozenset[str]:
    return frozenset(_PROBES)


def probe_get(name: str) -> Probe | None:
    return _PROBES.get(name)


def registered_probes() -> list[Probe]:
    return [_PROBES[name] for name in sorted(_PROBES)]


def chain_heads_checked(ledger: str, chain_keys: list[str]
                        ) -> tuple[list[str], list[dict], int]:
    """Verify chains of a registered ledger against the published signed heads: the problems
    found (one sentence each), the heads read, and how many chains there were to check (a
    chain with neither an entry nor a published head has nothing to verify)."""
    from governance.platform.ledger import ledger_named
    from governance.platform.ledger_verify import PublishedHeads, chain_report

    registered = ledger_named(ledger)
    if registered is None:
        return [], [], 0
    published = PublishedHeads.read()
    model = registered.model
    # Chains with neither an entry nor a published head have nothing to verify.
    in_database = {str(k) for k in model.objects.filter(
        **{f"{model.chain_field}__in": chain_keys}).values_list(
        model.chain_field, flat=True).distinct()}
    known = in_database | set(published.chain_keys(ledger))
    problems: list[str] = []
    heads: list[dict[str, Any]] = []
    checked = [k for k in chain_keys if k in known]
    for key in checked:
        report = chain_report(registered, key, published)
        if report.head is not None:
            heads.append({"ledger": ledger, "chain_key": key,
                          "sequence": report.head.sequence,
                          "entry_hash": report.head.entry_hash})
        if report.broken is not None:
            problems.append(f"{ledger} {key}: {report.broken.reason}")
    return problems, heads, len(checked)


def chain_probe(ledger: str, *, nothing: str, verified: str) -> ProbeRun:
    """The probe "every chain of `ledger` of the member's deployments verifies against its
    signed head" (one per chained ledger). `nothing` and `verified` are lazily translated
    sentences; a broken chain answers with the problems found, the first one as its sentence."""

    def run(*, organisation_id: int, deployment_ids: list[int], now: dt.datetime
            ) -> ProbeAnswer:
        problems, heads, checked = chain_heads_checked(ledger, [str(i) for i in deployment_ids])
        if not checked:
            return ProbeAnswer(None, str(nothing), {"chains": 0})
        if problems:
            return ProbeAnswer(False, problems[0],
                               {"chains": checked, "broken": len(problems)}, heads)
        return ProbeAnswer(True, str(verified), {"chains": checked, "broken": 0}, heads)

    return run
