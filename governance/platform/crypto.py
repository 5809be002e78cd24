"""Keys derived from FACEGOV_MASTER_KEY, one per purpose, and the two uses governance has.

Every key is derived with HKDF-SHA256 under its own purpose label, so that a key exposed in
one use (say, contact hashes) tells nothing about another (rights exports, the template vault).
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from enum import StrEnum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

NONCE_BYTES = 12  # AES-GCM's standard nonce size


class KeyPurpose(StrEnum):
    CONTACT_HASH = "facegov/governance/contact-hash/v1"
    CONTACT_PROOF_CODE = "facegov/governance/contact-proof-code/v1"
    RIGHTS_EXPORT = "facegov/governance/rights-export/v1"
    DELETION_CERTIFICATE = "facegov/governance/deletion-certificate/v1"
    # The Ed25519 seed that signs ledger heads (governance/platform/signing.py).
    LEDGER_HEAD_SIGNING = "facegov/governance/ledger-head-signing/v1"
    # The key that wraps every deployment key of recognition's template vault.
    TEMPLATE_VAULT = "facegov/recognition/template-vault/v1"
    # Wraps the per-file data key of every sealed upload (governance/platform/uploads.py).
    UPLOAD_KEY_WRAP = "facegov/platform/upload-key-wrap/v1"
    # Seals queued mail until it is sent (governance/platform/notifications.py).
    MAIL_OUTBOX = "facegov/platform/mail-outbox/v1"
    # The Ed25519 seed that signs court evidence packages' manifests (complaints/packages).
    EVIDENCE_PACKAGE_SIGNING = "facegov/platform/evidence-package-signing/v1"
    # The Ed25519 seed that signs industry credit certificates (governance/services/industry.py).
    CREDIT_CERTIFICATE_SIGNING = "facegov/governance/credit-certificate-signing/v1"
    # The Ed25519 seed that signs edge devices' permits and orders (recognition/services/devices).
    EDGE_SIGNING = "facegov/recognition/edge-signing/v1"
    # Per device and version (the label is extended with both): each device's template space.
    EDGE_DEVICE_TRANSFORM = "facegov/recognition/edge-device-transform/v1"


def _master_key() -> bytes:
    """The 32 bytes behind FACEGOV_MASTER_KEY (urlsafe base64); anything else is a
    configuration error, never a weaker key."""
    try:
        key = base64.urlsafe_b64decode(settings.FACEGOV_MASTER_KEY or "")
    except (ValueError, TypeError):
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(_("FACEGOV_MASTER_KEY must be urlsafe base64 of 32 bytes."))
    return key


def derive_key(purpose: str) -> bytes:
    """A 256-bit key for `purpose`; the same master key and label always give the same key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(_master_key())


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 (hex): comparable, but useless to whoever reads the database alone."""
    return hmac.new(derive_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def keyed_hasher(purpose: str) -> Callable[[str], str]:
    """`keyed_hash` for many values: the key is derived once (HKDF per value would dominate)."""
    # The keyed inner and outer states are computed once and copied per value: a fresh
    # hmac.new per value re-hashes the padded key twice (a third of a sweep's hashing time).
    keyed = hmac.new(derive_key(purpose), digestmod=hashlib.sha256)

    def hash_one(value: str) -> str:
        h = keyed.copy()
        h.update(value.encode())
        return h.hexdigest()

    return hash_one


def seal(purpose: str, plaintext: bytes, *, aad: bytes) -> bytes:
    """AES-256-GCM; `aad` binds the ciphertext to its record so it cannot be swapped."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(derive_key(purpose)).encrypt(nonce, plaintext, aad)


def unseal(purpose: str, sealed: bytes, *, aad: bytes) -> bytes:
    """Raises cryptography's InvalidTag when the data or its binding was altered."""
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    return AESGCM(derive_key(purpose)).decrypt(nonce, ciphertext, aad)
