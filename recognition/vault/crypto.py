"""Pure crypto primitives of the template vault (no Django).

Envelope encryption (DESIGN.md invariant 6): a master key wraps each deployment key, which wraps
each subject's data key, which seals that subject's templates. Destroying a subject's wrapped
data key makes their templates unreadable everywhere at once ("crypto-shredding").

All encryption is AES-256-GCM (authenticated). ``aad`` (associated data) binds a ciphertext to
its context - e.g. ``b"facegov/template/v1|deployment=12|subject=ab12"`` - so a ciphertext
copied into another row, subject or deployment fails to open instead of silently decrypting.

Sealed format (bytes): ``version (1) | nonce (12) | ciphertext+tag``. The version byte lets a
later format or algorithm coexist with this one. Nonces are random 96-bit values; NIST limits a
key to 2**32 random-nonce messages, far above what one subject's data key ever seals.

``TemplateTransform`` adds a cancellable-biometrics layer: a secret random rotation of template
space. Rotations preserve Euclidean distances, so matching works unchanged on transformed
vectors, while vectors transformed under different secrets are unrelated - a leaked gallery
cannot be matched against another deployment's, and re-keying "changes the password" of a face.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
FORMAT_V1 = 1
TEMPLATE_DIM = 128
_VECTOR_DTYPE = np.dtype("<f4")  # float32, little-endian, whatever the host


class VaultError(Exception):
    """A vault operation that failed, with a machine ``code`` and a human ``detail``."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


def _check_key(key: bytes, name: str) -> None:
    if not isinstance(key, (bytes, bytearray)) or len(key) != KEY_BYTES:
        raise VaultError("invalid_key", f"{name} must be {KEY_BYTES} bytes")


def generate_key() -> bytes:
    """A fresh random 256-bit key from the OS CSPRNG."""
    return os.urandom(KEY_BYTES)


def seal(*, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt and authenticate ``plaintext`` under ``key``, bound to ``aad``."""
    _check_key(key, "key")
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(bytes(key)).encrypt(nonce, bytes(plaintext), bytes(aad))
    return bytes([FORMAT_V1]) + nonce + body


def open_sealed(*, key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Decrypt what :func:`seal` produced. Wrong key, wrong aad or any altered byte raise
    ``VaultError("decryption_failed")``; an unknown format raises ``unsupported_format``."""
    _check_key(key, "key")
    if len(sealed) < 1 + NONCE_BYTES + TAG_BYTES:
        raise VaultError("decryption_failed", "sealed data is too short")
    if sealed[0] != FORMAT_V1:
        raise VaultError("unsupported_format", f"unknown sealed format version {sealed[0]}")
    nonce = bytes(sealed[1 : 1 + NONCE_BYTES])
    try:
        return AESGCM(bytes(key)).decrypt(nonce, bytes(sealed[1 + NONCE_BYTES :]), bytes(aad))
    except InvalidTag:
        raise VaultError(
            "decryption_failed",
            "the data could not be decrypted: wrong key, wrong context (aad) or tampered bytes",
        ) from None


def wrap_key(*, kek: bytes, key: bytes, aad: bytes) -> bytes:
    """Encrypt data key ``key`` under key-encryption key ``kek`` (AES-GCM, same format)."""
    _check_key(kek, "kek")
    _check_key(key, "key")
    return seal(key=kek, plaintext=key, aad=aad)


def unwrap_key(*, kek: bytes, wrapped: bytes, aad: bytes) -> bytes:
    """Recover a key wrapped by :func:`wrap_key`; raises ``VaultError`` like ``open_sealed``."""
    key = open_sealed(key=kek, sealed=wrapped, aad=aad)
    if len(key) != KEY_BYTES:
        raise VaultError("decryption_failed", "the unwrapped key has the wrong length")
    return key


def vector_to_bytes(vector: np.ndarray) -> bytes:
    """Serialise a (128,) template as 512 bytes of float32 little-endian."""
    v = np.asarray(vector)
    if v.shape != (TEMPLATE_DIM,):
        raise ValueError(f"a template is a ({TEMPLATE_DIM},) vector, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("a template must be finite")
    return v.astype(_VECTOR_DTYPE).tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    """Inverse of :func:`vector_to_bytes`; the length is checked, the result is float32."""
    expected = TEMPLATE_DIM * _VECTOR_DTYPE.itemsize
    if len(data) != expected:
        raise ValueError(f"a serialised template is {expected} bytes, got {len(data)}")
    return np.frombuffer(data, dtype=_VECTOR_DTYPE).astype(np.float32)


class TemplateTransform:
    """A secret orthogonal transform of template space, derived from a 32-byte secret.

    The matrix is Q from the QR decomposition of a Gaussian matrix drawn by a numpy Generator
    seeded with SHA-256(domain | secret), with the signs fixed (Q @ diag(sign(diag(R)))) so Q is
    a uniformly random (Haar) rotation and the derivation is deterministic across platforms
    and numpy versions that keep PCG64 and ``standard_normal`` stable.
    """

    _DOMAIN = b"facegov/template-transform/v1"

    def __init__(self, secret: bytes) -> None:
        _check_key(secret, "secret")
        seed = int.from_bytes(hashlib.sha256(self._DOMAIN + bytes(secret)).digest(), "big")
        rng = np.random.Generator(np.random.PCG64(seed))
        gaussian = rng.standard_normal((TEMPLATE_DIM, TEMPLATE_DIM))
        q, r = np.linalg.qr(gaussian)
        q *= np.sign(np.diag(r))  # column j times sign(r_jj): makes the factorisation unique
        self._matrix = q.astype(np.float32)
        self._matrix.flags.writeable = False

    def apply(self, vector: np.ndarray) -> np.ndarray:
        """Transformed template(s): (128,) -> (128,) or (N, 128) -> (N, 128), float32."""
        v = np.asarray(vector, dtype=np.float32)
        if v.shape[-1] != TEMPLATE_DIM or v.ndim > 2:
            raise ValueError(f"expected (128,) or (N, 128), got {v.shape}")
        return v @ self._matrix.T

    def invert(self, vector: np.ndarray) -> np.ndarray:
        """Undo :meth:`apply` (an orthogonal matrix's inverse is its transpose): used only to
        re-issue stored templates under a new secret."""
        v = np.asarray(vector, dtype=np.float32)
        if v.shape[-1] != TEMPLATE_DIM or v.ndim > 2:
            raise ValueError(f"expected (128,) or (N, 128), got {v.shape}")
        return v @ self._matrix
