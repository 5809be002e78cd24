"""The edge protocol's wire formats, shared by the platform and the agent (no Django).

Every request a device makes is signed with its Ed25519 key over
``facegov-edge/v1 | METHOD | path | timestamp | nonce | sha256(body)`` (newline-separated) and
sent with the headers below; the platform refuses a bad signature, a timestamp outside its
clock window and a nonce it already accepted in that window.

What lasts beyond a request is signed on its own, over canonical JSON (sorted keys, no
spaces, UTF-8) under a domain label: the platform's permits and orders (checked offline by
the agent against the platform key it was given), the device's acknowledgements (kept as the
deletion certificate's proof) and the head of its event log. Each event is hash-chained:
``hash = sha256(canonical({"fields": ..., "previous_hash": ...}))``.

The device's template-space secret travels sealed to the device's X25519 key (ephemeral
X25519, HKDF-SHA256, AES-256-GCM), so only that device can read it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "facegov-edge/v1"
HEADER_DEVICE = "X-Device-Id"
HEADER_TIMESTAMP = "X-Device-Timestamp"
HEADER_NONCE = "X-Device-Nonce"
HEADER_SIGNATURE = "X-Device-Signature"
GENESIS = "0" * 64

DOMAIN_PERMIT = "facegov-edge/permit/v1"
DOMAIN_ORDER = "facegov-edge/order/v1"
DOMAIN_ACK = "facegov-edge/ack/v1"
DOMAIN_LOG_HEAD = "facegov-edge/log-head/v1"
DOMAIN_SECRET = b"facegov-edge/transform-secret/v1"
DOMAIN_CANARIES = b"facegov-edge/canaries/v1"

# The fields of one event of a device's log, in the order a reader expects them.
EVENT_FIELDS = ("sequence", "at", "operation", "outcome", "purpose", "subject_ref",
                "matched_refs", "faces", "distance", "threshold", "refusal_code")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_message(*, method: str, path: str, timestamp: str, nonce: str,
                    body: bytes) -> bytes:
    return "\n".join([VERSION, method.upper(), path, timestamp, nonce,
                      body_hash(body)]).encode()


def signed_message(domain: str, payload: dict[str, Any]) -> bytes:
    return domain.encode() + b"\n" + canonical(payload)


def public_key_b64(private: Ed25519PrivateKey | X25519PrivateKey) -> str:
    return b64(private.public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw))


def key_id(public_key: str) -> str:
    """The first 16 hex digits of SHA-256 over the raw public key (as the platform names its
    own keys, governance/platform/signing.py)."""
    return hashlib.sha256(unb64(public_key)).hexdigest()[:16]


def sign(private: Ed25519PrivateKey, message: bytes) -> str:
    return b64(private.sign(message))


def verify(public_key: str, message: bytes, signature: str) -> bool:
    """True when `signature` is `public_key`'s over `message`; anything malformed is False."""
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public_key)).verify(unb64(signature), message)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


def valid_public_key(text: str) -> bool:
    try:
        return len(unb64(text)) == 32
    except (binascii.Error, ValueError, TypeError):
        return False


def event_hash(fields: dict[str, Any], previous_hash: str) -> str:
    return hashlib.sha256(canonical({"fields": fields, "previous_hash": previous_hash})
                          ).hexdigest()


def log_head_payload(*, device_id: int, sequence: int, head: str) -> dict[str, Any]:
    return {"device_id": device_id, "sequence": sequence, "head": head}


def _secret_key(shared: bytes, device_id: int, version: int,
                domain: bytes = DOMAIN_SECRET) -> bytes:
    info = domain + f"|device={device_id}|version={version}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def seal_secret(*, encryption_key: str, secret: bytes, device_id: int, version: int,
                domain: bytes = DOMAIN_SECRET) -> str:
    """`secret` sealed to the device's X25519 key: ephemeral public key (32) | nonce | box."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(unb64(encryption_key)))
    nonce = os.urandom(12)
    aad = f"device={device_id}|version={version}".encode()
    box = AESGCM(_secret_key(shared, device_id, version, domain)).encrypt(nonce, secret, aad)
    return b64(unb64(public_key_b64(ephemeral)) + nonce + box)


def open_secret(*, private: X25519PrivateKey, sealed: str, device_id: int,
                version: int, domain: bytes = DOMAIN_SECRET) -> bytes:
    raw = unb64(sealed)
    peer, nonce, box = raw[:32], raw[32:44], raw[44:]
    shared = private.exchange(X25519PublicKey.from_public_bytes(peer))
    aad = f"device={device_id}|version={version}".encode()
    try:
        return AESGCM(_secret_key(shared, device_id, version, domain)).decrypt(nonce, box, aad)
    except InvalidTag:
        raise ValueError("the sealed payload is not sealed to this device") from None


def seal_canaries(*, encryption_key: str, device_id: int, version: int,
                  canaries: list[dict[str, str]]) -> str:
    """The device's canary identities (``[{"ref", "vector"}]``, raw float32 little-endian in
    base64), sealed to its X25519 key under their own domain. ``version`` is the platform's
    view of the device's version when sealed (bound, not used by the agent)."""
    return seal_secret(encryption_key=encryption_key, secret=canonical(canaries),
                       device_id=device_id, version=version, domain=DOMAIN_CANARIES)


def open_canaries(*, private: X25519PrivateKey, sealed: str, device_id: int,
                  version: int) -> list[dict[str, str]]:
    return json.loads(open_secret(private=private, sealed=sealed, device_id=device_id,
                                  version=version, domain=DOMAIN_CANARIES))


def canary_set_id(refs: list[str]) -> str:
    """Names a canary set (the agent replaces its canaries when it changes)."""
    return hashlib.sha256("\n".join(sorted(refs)).encode()).hexdigest()[:32]
