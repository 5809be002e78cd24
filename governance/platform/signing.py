"""Ed25519 signatures made by the platform, with keys derived from the master key.

The private key is derived when first needed (HKDF under its KeyPurpose, see crypto.py) and
lives only in process memory: it is never written to the database or to disk, so whoever can
only read or write the database cannot sign. Anyone holding the public key can verify.

Signatures and public keys travel as standard base64; a key is named by its key id, the first
16 hex digits of SHA-256 over the raw public key.
"""

import base64
import binascii
import hashlib
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

from governance.platform.crypto import KeyPurpose, derive_key

ALGORITHM = "Ed25519"
DEFAULT_PURPOSE = KeyPurpose.LEDGER_HEAD_SIGNING


@lru_cache(maxsize=8)
def _private_key(master_key: str, purpose: str) -> Ed25519PrivateKey:
    # Cached per master key value, so a changed FACEGOV_MASTER_KEY (tests) gets its own key.
    del master_key  # only the cache key; derive_key reads the same setting
    return Ed25519PrivateKey.from_private_bytes(derive_key(purpose))


def _key(purpose: str) -> Ed25519PrivateKey:
    return _private_key(settings.FACEGOV_MASTER_KEY or "", purpose)


def public_key_bytes(purpose: str = DEFAULT_PURPOSE) -> bytes:
    return _key(purpose).public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)


def public_key_b64(purpose: str = DEFAULT_PURPOSE) -> str:
    """The raw 32-byte public key, base64: what verifiers need."""
    return base64.b64encode(public_key_bytes(purpose)).decode()


def public_key_pem(purpose: str = DEFAULT_PURPOSE) -> str:
    """The same key as SubjectPublicKeyInfo PEM, for `openssl pkeyutl -verify` and friends."""
    return _key(purpose).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(purpose: str = DEFAULT_PURPOSE) -> str:
    return hashlib.sha256(public_key_bytes(purpose)).hexdigest()[:16]


def sign(message: bytes, *, purpose: str = DEFAULT_PURPOSE) -> str:
    """The base64 Ed25519 signature of `message` under the purpose's key."""
    return base64.b64encode(_key(purpose).sign(message)).decode()


def verify(message: bytes, signature: str, *, purpose: str = DEFAULT_PURPOSE,
           public_key: str | None = None) -> bool:
    """True when `signature` (base64) is the signature of `message` by the platform's key for
    `purpose`, or by `public_key` (base64 raw) when given. Malformed input is simply False."""
    try:
        raw_signature = base64.b64decode(signature, validate=True)
        key = (Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
               if public_key else _key(purpose).public_key())
        key.verify(raw_signature, message)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True
