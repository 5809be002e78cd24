"""The public view of the signed ledger heads: the newest head of each chain, as published
outside the database, and what a verifier needs to check them."""

from typing import Any

from governance.platform import signing
from governance.platform.ledger_heads import HEAD_FORMAT, SIGNED_FIELDS, heads_publisher

HOW_TO_VERIFY = (
    "Each head's signature is Ed25519 over the UTF-8 bytes of the JSON object holding the "
    f"fields {', '.join(SIGNED_FIELDS)} and \"format\": \"{HEAD_FORMAT}\", with sorted keys and "
    "no whitespace; the public key is raw 32 bytes, base64.")


def ledger_heads_public(*, ledger: str = "", chain_key: str = "") -> dict[str, Any]:
    """The newest published head of every chain (optionally of one ledger or chain)."""
    heads = [head.as_dict() for (name, key), head in sorted(heads_publisher().latest().items())
             if (not ledger or name == ledger) and (not chain_key or key == chain_key)]
    return {"algorithm": signing.ALGORITHM, "key_id": signing.key_id(),
            "public_key": signing.public_key_b64(), "public_key_pem": signing.public_key_pem(),
            "format": HEAD_FORMAT, "how_to_verify": HOW_TO_VERIFY, "heads": heads}
