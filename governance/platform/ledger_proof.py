"""Proof that a ledger recorded an entry: what receipts carry, and how one is checked.

A proof holds the entry's fields (everything its hash covers), its hash, and the first
published signed head at or after it. Anyone can recompute the hash and check the head's
signature with the published public key; the platform also checks that the chain from the
entry to the head is still in its database, unaltered. A citizen who keeps a receipt can
therefore show later what was recorded — and a receipt whose entry the database no longer
holds as recorded is evidence that the ledger was tampered with.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.platform import signing
from governance.platform.ledger import (
    ChainedEntry,
    ChainStart,
    Ledger,
    canonical_value,
    chain_start,
    chain_walk,
    compute_hash,
    ledger_named,
    ledger_of,
)
from governance.platform.ledger_heads import SignedHead, head_covering

PROOF_FORMAT = "facegov-ledger-proof/v1"
# A genuine head far after the entry makes the check walk the chain between them: bounded, so
# that a public endpoint cannot be made to walk millions of entries.
MAX_PROOF_SPAN = 5000


def entry_proof(entry: ChainedEntry) -> dict[str, Any]:
    """The proof a receipt carries for `entry` (its head is null only for entries appended
    before heads were signed, until a later append's head covers them)."""
    ledger = ledger_of(type(entry))
    if ledger is None:
        raise ValueError(f"{type(entry).__name__} is not a registered ledger")
    chain_key = str(getattr(entry, type(entry).chain_field))
    head = head_covering(ledger=ledger.name, chain_key=chain_key, sequence=entry.sequence)
    fields = json.loads(json.dumps(entry.chain_fields(), default=canonical_value))
    return {
        "format": PROOF_FORMAT,
        "ledger": ledger.name,
        "chain_key": chain_key,
        "entry": {"fields": fields, "entry_hash": entry.entry_hash},
        "head": head.as_dict() if head else None,
        "algorithm": signing.ALGORITHM,
        "public_key": signing.public_key_b64(),
        "verify_at": reverse("api-register-verify-receipt"),
    }


@dataclass(frozen=True)
class ProofVerdict:
    valid: bool
    code: str
    detail: str
    sequence: int | None = None
    recorded_at: str | None = None
    head_sequence: int | None = None
    head_signed_at: str | None = None


class _Invalid(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class _Claim:
    ledger: Ledger
    chain_key: str
    fields: dict[str, Any]
    entry_hash: str
    sequence: int
    head: SignedHead


def _claim(proof: dict[str, Any]) -> _Claim:
    """The proof's parts, each checked for shape and against its own hashes and signature."""
    ledger = ledger_named(str(proof.get("ledger", "")))
    if ledger is None:
        raise _Invalid("unknown_ledger", _("This platform keeps no ledger of that name."))
    entry = proof.get("entry") if isinstance(proof.get("entry"), dict) else {}
    fields, entry_hash = entry.get("fields"), entry.get("entry_hash")
    sequence = fields.get("sequence") if isinstance(fields, dict) else None
    if not isinstance(entry_hash, str) or not isinstance(sequence, int) or isinstance(
            sequence, bool) or sequence < 1 or not isinstance(fields.get("previous_hash"), str):
        raise _Invalid("malformed_proof", _("The receipt's proof is incomplete."))
    if compute_hash(fields, fields["previous_hash"]) != entry_hash:
        raise _Invalid("entry_altered", _("The receipt's entry does not match its hash: the "
                                          "receipt was altered."))
    chain_key = str(proof.get("chain_key", ""))
    if str(fields.get(ledger.model.chain_field)) != chain_key:
        raise _Invalid("wrong_chain", _("The entry does not belong to the chain the receipt "
                                        "names."))
    if proof.get("head") is None:
        raise _Invalid("not_yet_signed", _("No signed head covered this entry when the receipt "
                                           "was issued (it predates signed heads); fetch the "
                                           "receipt again."))
    try:
        head = SignedHead.from_dict(proof["head"])
    except ValueError as exc:
        raise _Invalid("malformed_proof", _("The receipt's signed head is incomplete.")) from exc
    return _Claim(ledger, chain_key, fields, entry_hash, sequence, head)


def _check_head(claim: _Claim) -> None:
    head = claim.head
    if not head.signature_valid():
        raise _Invalid("head_signature_invalid", _("The signed head's signature does not "
                                                   "verify with this platform's key."))
    if (head.ledger, head.chain_key) != (claim.ledger.name, claim.chain_key) or (
            head.sequence < claim.sequence) or (head.sequence == claim.sequence
                                                and head.entry_hash != claim.entry_hash):
        raise _Invalid("head_does_not_cover", _("The signed head does not cover this entry."))
    if head.sequence - claim.sequence >= MAX_PROOF_SPAN:
        raise _Invalid("head_too_far", _("Use the first signed head after the entry, the one "
                                         "the receipt was issued with."))


def _check_database(claim: _Claim) -> None:
    """The chain from the entry to the head is in the database, exactly as signed."""
    start = chain_start(claim.ledger.name, claim.chain_key)
    if isinstance(start, ChainStart) and start.sequence >= claim.sequence:
        raise _Invalid("entry_pruned", _("The entry was removed under the ledger's retention "
                                         "rule; a deletion certificate records that."))
    entries = list(claim.ledger.model.objects
                   .filter(**{claim.ledger.model.chain_field: claim.chain_key},
                           sequence__gte=claim.sequence, sequence__lte=claim.head.sequence)
                   .order_by("sequence"))
    first = entries[0] if entries else None
    if first is None or first.sequence != claim.sequence or first.entry_hash != claim.entry_hash:
        raise _Invalid("ledger_differs", _("The ledger no longer holds this entry as the receipt "
                                           "records it: it was altered or removed after the "
                                           "receipt was issued."))
    walk = chain_walk(entries, ChainStart(claim.sequence - 1, claim.fields["previous_hash"]))
    if walk.broken or (walk.last_sequence, walk.last_hash) != (claim.head.sequence,
                                                               claim.head.entry_hash):
        raise _Invalid("ledger_differs", _("The ledger between this entry and its signed head "
                                           "was altered."))


def proof_verify(receipt: dict[str, Any]) -> ProofVerdict:
    """Check a receipt (or the proof alone): its entry against its hash, its head against the
    platform's signature, and the database's chain from the entry to the head."""
    proof = receipt.get("ledger_proof", receipt)
    if not isinstance(proof, dict):
        proof = {}
    claim = None
    try:
        claim = _claim(proof)
        _check_head(claim)
        _check_database(claim)
    except _Invalid as invalid:
        return _verdict(claim, False, invalid.code, invalid.detail)
    return _verdict(claim, True, "valid", _("The ledger recorded this entry, and a head signed "
                                            "by this platform covers it."))


def _verdict(claim: _Claim | None, valid: bool, code: str, detail: str) -> ProofVerdict:
    if claim is None:
        return ProofVerdict(valid, code, detail)
    return ProofVerdict(valid, code, detail, sequence=claim.sequence,
                        recorded_at=claim.fields.get("recorded_at"),
                        head_sequence=claim.head.sequence, head_signed_at=claim.head.signed_at)
