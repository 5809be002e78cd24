"""A consent as its ledger records it, and where the `Consent` row disagrees with that.

The `Consent` row is a projection: what the policy gate reads quickly. The consent ledger is
the record. Replaying a consent's entries in sequence order says what the row must hold: its
state (the latest entry's kind), deployment and subject, purposes, the separate consent to
central storage, the notice version and the expiry. A row changed behind the services' back —
`UPDATE governance_consent SET state = 'active'` on a withdrawn consent — disagrees with its
ledger: the gate refuses to rely on it and `verify_ledger` lists it.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.utils.dateparse import parse_datetime

from governance.models import Consent, ConsentLedgerEntry, ConsentState, LedgerEntryKind
from governance.platform.ledger_verify import ProjectionMismatch

CONSENT_LEDGER = "consent"
LEDGER_STATES = {LedgerEntryKind.GIVEN.value: ConsentState.ACTIVE.value,
                 LedgerEntryKind.RENEWED.value: ConsentState.ACTIVE.value,
                 LedgerEntryKind.WITHDRAWN.value: ConsentState.WITHDRAWN.value,
                 LedgerEntryKind.EXPIRED.value: ConsentState.EXPIRED.value}
ENTRY_COLUMNS = ("sequence", "kind", "deployment_id", "subject_ref", "payload")
CHUNK_SIZE = 1000


@dataclass
class ConsentAsRecorded:
    sequence: int = 0  # of the latest entry
    kind: str = ""
    deployment_id: int | None = None
    subject_ref: str = ""
    purposes: frozenset[str] = field(default_factory=frozenset)
    central_storage: bool = False
    notice_version: int | None = None
    expires_at: str | None = None


def consent_as_recorded(rows: Iterable[tuple[Any, ...]]) -> ConsentAsRecorded | None:
    """Replay entries given as ENTRY_COLUMNS tuples in sequence order; None if there are none."""
    recorded = None
    for sequence, kind, deployment_id, subject_ref, payload in rows:
        recorded = recorded or ConsentAsRecorded()
        recorded.sequence, recorded.kind = sequence, kind
        recorded.deployment_id, recorded.subject_ref = deployment_id, subject_ref
        payload = payload if isinstance(payload, dict) else {}
        if "purposes" in payload:
            recorded.purposes = frozenset(payload["purposes"] or ())
        if "central_storage_consent" in payload:
            recorded.central_storage = bool(payload["central_storage_consent"])
        if "notice_version" in payload:
            recorded.notice_version = payload["notice_version"]
        if "expires_at" in payload:
            recorded.expires_at = payload["expires_at"]
    return recorded


def _same_time(value: dt.datetime | None, recorded: str | None) -> bool:
    parsed = parse_datetime(recorded) if isinstance(recorded, str) else None
    return value == parsed if value and parsed else value is None and recorded is None


def consent_disagreements(consent: Consent, recorded: ConsentAsRecorded | None, *,
                          purposes: Iterable[str] | None = None) -> list[str]:
    """How the row differs from its ledger ([] when it agrees). `purposes`: the row's purpose
    codes, when the caller has them."""
    if recorded is None:
        return ["no ledger entry records this consent"]
    where = f"up to entry #{recorded.sequence}, {recorded.kind}"
    compared = [
        ("state", consent.state, LEDGER_STATES.get(recorded.kind)),
        ("deployment", consent.deployment_id, recorded.deployment_id),
        ("subject", consent.subject_ref, recorded.subject_ref),
        ("separate consent to central storage", consent.central_storage,
         recorded.central_storage),
    ]
    if recorded.notice_version is not None:
        compared.append(("notice version", consent.notice_version, recorded.notice_version))
    if purposes is not None:
        compared.append(("purposes", sorted(purposes), sorted(recorded.purposes)))
    problems = [f"{name}: {str(row)!r} in the row, {str(ledger)!r} in the ledger ({where})"
                for name, row, ledger in compared if row != ledger]
    if not _same_time(consent.expires_at, recorded.expires_at):
        problems.append(f"expiry: {consent.expires_at} in the row, {recorded.expires_at} in "
                        f"the ledger ({where})")
    return problems


def consents_with_entries(consents: QuerySet[Consent]) -> list[tuple[Consent, list[tuple]]]:
    """The consents, in the queryset's order, each with its ledger entries (ENTRY_COLUMNS
    tuples in sequence order), in one query: the entries are LEFT JOINed, a row per entry (a
    consent has a handful: given, renewed, withdrawn). For the policy gate, which must not
    rely on a row without its ledger and should not pay a second round trip for it."""
    annotations = {f"ledger_{column}": F(f"ledger_entries__{column}")
                   for column in ENTRY_COLUMNS}
    rows = consents.annotate(**annotations).order_by(*consents.query.order_by,
                                                     "ledger_sequence")
    grouped: list[tuple[Consent, list[tuple]]] = []
    for row in rows:
        if not grouped or grouped[-1][0].pk != row.pk:
            grouped.append((row, []))
        if row.ledger_sequence is not None:
            grouped[-1][1].append(tuple(getattr(row, f"ledger_{column}")
                                        for column in ENTRY_COLUMNS))
    return grouped


def consent_ledger_disagreement(*, consent: Consent, purpose: str,
                                entries: Iterable[tuple[Any, ...]] | None = None) -> str:
    """For the policy gate, about the one consent it is about to rely on for `purpose`: how
    the row disagrees with its ledger ("" when it agrees). `entries`: the consent's ledger
    entries as `consents_with_entries` read them; else one indexed query."""
    rows = entries if entries is not None else (
        ConsentLedgerEntry.objects.filter(consent_id=consent.id).order_by("sequence")
        .values_list(*ENTRY_COLUMNS))
    recorded = consent_as_recorded(rows)
    problems = consent_disagreements(consent, recorded)
    if recorded is not None and purpose not in recorded.purposes:
        problems.append(f"purpose: the ledger never recorded consent to {purpose!r}")
    return "; ".join(problems)


def consent_projection_mismatches() -> Iterator[ProjectionMismatch]:
    """Every consent row that disagrees with its ledger (verify_ledger's projection check)."""
    entries = Prefetch("ledger_entries", queryset=ConsentLedgerEntry.objects
                       .order_by("sequence").only(*ENTRY_COLUMNS, "consent_id"))
    consents = Consent.objects.prefetch_related("purposes", entries).order_by("id")
    for consent in consents.iterator(chunk_size=CHUNK_SIZE):
        rows = [tuple(getattr(e, c) for c in ENTRY_COLUMNS) for e in consent.ledger_entries.all()]
        problems = consent_disagreements(consent, consent_as_recorded(rows),
                                         purposes=[p.code for p in consent.purposes.all()])
        if problems:
            yield ProjectionMismatch(
                CONSENT_LEDGER, f"consent {consent.receipt_id} (deployment "
                                f"{consent.deployment_id}, subject {consent.subject_ref})",
                "; ".join(problems))
