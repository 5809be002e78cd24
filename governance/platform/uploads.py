"""The one way files enter the platform: checked from their content, sealed, and served only
through views that checked access first.

- `upload_store` reads at most `policy.max_bytes + 1` bytes, detects the type from the bytes
  themselves (never the client's header or file name), encrypts them with a fresh per-file
  AES-256-GCM data key, wraps that key under a key derived from the master key
  (KeyPurpose.UPLOAD_KEY_WRAP), writes the ciphertext through Django's storage API (the
  `uploads` storage: a folder under var/ on one machine, object storage at scale) and records
  the plaintext's SHA-256. A refused upload raises an `UploadRefused` and stores nothing.
- `upload_read` decrypts and checks the SHA-256; `upload_destroy` wipes the wrapped key at
  once (the bytes become unreadable) and removes the ciphertext after commit.
- `sealed_file_response` answers a download; callers check permissions before calling it.
  There is no public media URL for these files.

If the caller's transaction rolls back after `upload_store`, the ciphertext stays behind
without its row; since its key lived only in that row, it can never be decrypted.
"""

import datetime as dt
import hashlib
import os
import unicodedata
import uuid
from dataclasses import dataclass
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance.errors import DomainError
from governance.models.organisations import Organisation, User
from governance.models.uploads import SealedFile
from governance.platform.crypto import NONCE_BYTES, KeyPurpose, seal, unseal
from governance.platform.sniff import sniff_content_type

STORAGE_ALIAS = "uploads"
READ_CHUNK_BYTES = 64 * 1024
NAME_MAX_CHARS = 200
DESTROY_BATCH_SIZE = 500

PDF, PNG, JPEG, WEBP, TEXT = ("application/pdf", "image/png", "image/jpeg", "image/webp",
                              "text/plain")
ZIP = "application/zip"


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload may be: a name (recorded with the file), a size limit and the
    MIME types allowed, as detected from the content."""

    name: str
    max_bytes: int
    allowed_types: frozenset[str]


DOCUMENT_POLICY = UploadPolicy("document", settings.FACEGOV_UPLOAD_DOCUMENT_MAX_BYTES,
                               frozenset({PDF, PNG, JPEG, WEBP, TEXT}))
IMAGE_POLICY = UploadPolicy("image", settings.FACEGOV_UPLOAD_IMAGE_MAX_BYTES,
                            frozenset({PNG, JPEG, WEBP}))
ARCHIVE_POLICY = UploadPolicy("archive", settings.FACEGOV_UPLOAD_ARCHIVE_MAX_BYTES,
                              frozenset({ZIP}))


class UploadRefused(DomainError):
    """An upload that breaks its policy; nothing was stored."""


class UploadTooLarge(UploadRefused):
    status_code = 413
    default_code = "upload_too_large"


class UploadTypeNotAllowed(UploadRefused):
    status_code = 415
    default_code = "upload_type_not_allowed"


class UploadEmpty(UploadRefused):
    status_code = 400
    default_code = "upload_empty"


class UploadUnavailable(DomainError):
    """The file was destroyed, or its bytes no longer match what was stored."""

    status_code = 410
    default_code = "upload_unavailable"


UploadSource = IO[bytes] | bytes


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _aad(file_id: uuid.UUID) -> bytes:
    """Binds ciphertext and wrapped key to their row: swapping files between rows fails."""
    return f"facegov/sealed-file/{file_id}".encode()


def _read_limited(file: UploadSource, max_bytes: int) -> bytes:
    """At most max_bytes + 1 bytes: enough to know the upload is too large, never more."""
    if isinstance(file, bytes):
        data = file[: max_bytes + 1]
    else:
        declared = getattr(file, "size", None)
        if isinstance(declared, int) and declared > max_bytes:
            data = b"\0" * (max_bytes + 1)  # refused below without reading a byte
        else:
            if hasattr(file, "seek"):
                file.seek(0)
            buffer = bytearray()
            while len(buffer) <= max_bytes:
                chunk = file.read(min(READ_CHUNK_BYTES, max_bytes + 1 - len(buffer)))
                if not chunk:
                    break
                buffer += chunk
            data = bytes(buffer)
    if len(data) > max_bytes:
        raise UploadTooLarge(_("The file is larger than %(limit)s.")
                             % {"limit": _megabytes(max_bytes)}, max_bytes=max_bytes)
    if not data:
        raise UploadEmpty(_("The file is empty."))
    return data


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.3g} MB" if size >= 1_000_000 else f"{size:,} bytes"


def _clean_name(name: str) -> str:
    """The client's file name as a label only: no path, no control characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name.strip()[:NAME_MAX_CHARS]


def seal_file_bytes(file_id: uuid.UUID, plaintext: bytes) -> tuple[bytes, bytes]:
    """(wrapped data key, ciphertext) of one file under a fresh data key. Pure: also used by
    the migration that sealed the consent evidence stored before this service existed."""
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = nonce + AESGCM(data_key).encrypt(nonce, plaintext, _aad(file_id))
    return seal(KeyPurpose.UPLOAD_KEY_WRAP, data_key, aad=_aad(file_id)), ciphertext


def unseal_file_bytes(file_id: uuid.UUID, wrapped_key: bytes, ciphertext: bytes) -> bytes:
    data_key = unseal(KeyPurpose.UPLOAD_KEY_WRAP, wrapped_key, aad=_aad(file_id))
    nonce, body = ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:]
    return AESGCM(data_key).decrypt(nonce, body, _aad(file_id))


def storage_name_for(file_id: uuid.UUID, purpose: str) -> str:
    now = timezone.now()
    return f"{slugify(purpose) or 'file'}/{now:%Y/%m}/{file_id}.sealed"


def upload_store(*, file: UploadSource, policy: UploadPolicy, purpose: str,
                 uploaded_by: User | None = None, organisation: Organisation | None = None,
                 name: str = "") -> SealedFile:
    """Check, seal and store one upload; returns its SealedFile row.

    Raises UploadTooLarge (413), UploadTypeNotAllowed (415) or UploadEmpty (400) before
    anything is written. `name` defaults to the uploaded file's own name.
    """
    data = _read_limited(file, policy.max_bytes)
    content_type = sniff_content_type(data)
    if content_type not in policy.allowed_types:
        raise UploadTypeNotAllowed(
            _("This kind of file is not accepted here."), detected_type=content_type,
            allowed_types=sorted(policy.allowed_types))
    file_id = uuid.uuid4()
    wrapped_key, ciphertext = seal_file_bytes(file_id, data)
    stored_name = _storage().save(storage_name_for(file_id, purpose), ContentFile(ciphertext))
    return SealedFile.objects.create(
        id=file_id, purpose=purpose, policy=policy.name,
        name=_clean_name(name or getattr(file, "name", "") or ""),
        content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        storage_name=stored_name, wrapped_key=wrapped_key,
        uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
        organisation=organisation)


def upload_read(*, sealed: SealedFile) -> bytes:
    """The plaintext, after checking it decrypts under this row and matches its SHA-256."""
    if sealed.is_destroyed or not sealed.wrapped_key:
        raise UploadUnavailable(_("This file has been destroyed."))
    with _storage().open(sealed.storage_name, "rb") as handle:
        ciphertext = handle.read()
    try:
        plaintext = unseal_file_bytes(sealed.id, bytes(sealed.wrapped_key), ciphertext)
    except InvalidTag:
        plaintext = None
    if plaintext is None or hashlib.sha256(plaintext).hexdigest() != sealed.sha256:
        raise UploadUnavailable(_("This file's stored bytes were altered."),
                                code="upload_corrupt")
    return plaintext


@transaction.atomic
def upload_destroy(*, sealed: SealedFile) -> SealedFile:
    """Shred the file's key now and remove its bytes after commit (idempotent)."""
    sealed = SealedFile.objects.select_for_update().get(pk=sealed.pk)
    if sealed.is_destroyed:
        return sealed
    stored_name = sealed.storage_name
    sealed.wrapped_key, sealed.storage_name, sealed.destroyed_at = b"", "", timezone.now()
    sealed.save(update_fields=["wrapped_key", "storage_name", "destroyed_at"])
    transaction.on_commit(lambda: _storage().delete(stored_name))
    return sealed


def sealed_files_destroy_due(*, now: dt.datetime | None = None) -> int:
    """The sweep: destroy files whose owner set a delete_after that has passed."""
    now = now or timezone.now()
    due = list(SealedFile.objects.filter(destroyed_at__isnull=True, delete_after__lte=now)
               .order_by("delete_after")[:DESTROY_BATCH_SIZE])
    for sealed in due:
        upload_destroy(sealed=sealed)
    return len(due)


def sealed_file_response(sealed: SealedFile) -> HttpResponse:
    """A download of the file, for a view that has already checked the caller may have it.

    Always an attachment of the detected type, never sniffed or rendered by the browser.
    """
    response = HttpResponse(upload_read(sealed=sealed), content_type=sealed.content_type)
    filename = sealed.name or f"{sealed.id}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
