"""The upload service: content-checked, sealed at rest, SHA-256 recorded, nothing stored when
it refuses."""

import hashlib
import io

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import SealedFile
from governance.platform.uploads import (
    DOCUMENT_POLICY,
    IMAGE_POLICY,
    UploadEmpty,
    UploadPolicy,
    UploadTooLarge,
    UploadTypeNotAllowed,
    UploadUnavailable,
    sealed_file_response,
    upload_destroy,
    upload_read,
    upload_store,
)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nsigned by Zhang Min\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def stored_files() -> list[str]:
    storage, found = storages["uploads"], []

    def walk(folder: str) -> None:
        if not storage.exists(folder or "."):
            return
        dirs, files = storage.listdir(folder or ".")
        found.extend(f"{folder}/{name}".lstrip("/") for name in files)
        for sub in dirs:
            walk(f"{folder}/{sub}".lstrip("/"))

    walk("")
    return found


@pytest.fixture
def files_before():
    return set(stored_files())


def test_a_stored_pdf_is_ciphertext_on_disk_and_reads_back_with_its_sha256(world):
    upload = SimpleUploadedFile("form.pdf", PDF, content_type="application/octet-stream")
    sealed = upload_store(file=upload, policy=DOCUMENT_POLICY, purpose="consent_evidence",
                          uploaded_by=world.acme_admin, organisation=world.acme)

    row = SealedFile.objects.get()
    assert (row.id, row.content_type, row.size) == (sealed.id, "application/pdf", len(PDF))
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (row.name, row.policy, row.purpose) == ("form.pdf", "document", "consent_evidence")
    assert (row.uploaded_by, row.organisation) == (world.acme_admin, world.acme)
    on_disk = storages["uploads"].open(row.storage_name).read()
    assert b"Zhang Min" not in on_disk and b"%PDF" not in on_disk
    assert len(on_disk) == len(PDF) + 12 + 16  # nonce + GCM tag: the whole file, sealed
    assert upload_read(sealed=row) == PDF


def test_the_type_comes_from_the_content_not_the_header_or_the_name(db, files_before):
    disguised = SimpleUploadedFile("photo.png", HTML, content_type="image/png")
    with pytest.raises(UploadTypeNotAllowed) as refused:
        upload_store(file=disguised, policy=DOCUMENT_POLICY, purpose="test")
    assert refused.value.status_code == 415
    assert refused.value.as_payload()["detected_type"] == "text/html"
    assert not SealedFile.objects.exists()
    assert set(stored_files()) == files_before

    real_png = SimpleUploadedFile("notes.txt", PNG, content_type="text/plain")
    assert upload_store(file=real_png, policy=IMAGE_POLICY, purpose="t").content_type == "image/png"


def test_a_file_over_the_limit_is_refused_reading_no_more_than_limit_plus_one(
        db, files_before):
    class CountingReader(io.BytesIO):
        read_total = 0

        def read(self, size=-1):
            chunk = super().read(size)
            CountingReader.read_total += len(chunk)
            return chunk

    policy = UploadPolicy("small", 1000, frozenset({"text/plain"}))
    reader = CountingReader(b"a" * 50_000)
    with pytest.raises(UploadTooLarge) as refused:
        upload_store(file=reader, policy=policy, purpose="test")
    assert refused.value.status_code == 413 and refused.value.code == "upload_too_large"
    assert CountingReader.read_total == 1001
    assert not SealedFile.objects.exists()
    assert set(stored_files()) == files_before


def test_a_declared_size_over_the_limit_is_refused_before_reading(db):
    class Unreadable(io.BytesIO):
        size = 2000

        def read(self, size=-1):
            raise AssertionError("read although the declared size refuses it")

    upload = Unreadable()
    with pytest.raises(UploadTooLarge):
        upload_store(file=upload, policy=UploadPolicy("s", 1000, frozenset({"text/plain"})),
                     purpose="test")


def test_an_empty_file_is_refused(db):
    with pytest.raises(UploadEmpty) as refused:
        upload_store(file=SimpleUploadedFile("x.txt", b""), policy=DOCUMENT_POLICY,
                     purpose="test")
    assert (refused.value.status_code, refused.value.code) == (400, "upload_empty")
    assert not SealedFile.objects.exists()


def test_altered_ciphertext_is_refused_not_returned(db):
    sealed = upload_store(file=b"plain words", policy=DOCUMENT_POLICY, purpose="test")
    storage = storages["uploads"]
    data = bytearray(storage.open(sealed.storage_name).read())
    data[-1] ^= 1
    storage.delete(sealed.storage_name)
    storage.save(sealed.storage_name, io.BytesIO(bytes(data)))
    with pytest.raises(UploadUnavailable) as refused:
        upload_read(sealed=sealed)
    assert refused.value.code == "upload_corrupt"


def test_one_files_ciphertext_cannot_be_read_under_another_row(db):
    first = upload_store(file=b"first file", policy=DOCUMENT_POLICY, purpose="test")
    second = upload_store(file=b"second file", policy=DOCUMENT_POLICY, purpose="test")
    second.storage_name = first.storage_name
    with pytest.raises(UploadUnavailable):
        upload_read(sealed=second)


def test_destroying_shreds_the_key_at_once_and_removes_the_bytes_after_commit(
        db, django_capture_on_commit_callbacks):
    sealed = upload_store(file=PDF, policy=DOCUMENT_POLICY, purpose="test")
    name = sealed.storage_name
    with django_capture_on_commit_callbacks(execute=True):
        upload_destroy(sealed=sealed)
    row = SealedFile.objects.get()
    assert row.destroyed_at is not None
    assert (bytes(row.wrapped_key), row.storage_name) == (b"", "")
    assert not storages["uploads"].exists(name)
    with pytest.raises(UploadUnavailable):
        upload_read(sealed=row)
    upload_destroy(sealed=row)  # idempotent


def test_the_download_response_is_an_attachment_browsers_may_not_sniff(db):
    sealed = upload_store(file=SimpleUploadedFile("../../etc/form\x00.pdf", PDF),
                          policy=DOCUMENT_POLICY, purpose="test")
    response = sealed_file_response(sealed)
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="form.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(("data", "expected"), [
    (b"%PDF-1.4", "application/pdf"),
    (PNG, "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"Hello, plain text\n", "text/plain"),
    ("\ufeffUnicode text, 张敏\n".encode(), "text/plain"),
    (b"  \n<html><body>", "text/html"),
    (b"<!-- comment -->", "text/html"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    (b"<?xml version='1.0'?><svg/>", "image/svg+xml"),
    (b"MZ\x90\x00\x03", "application/octet-stream"),
    (b"text with a NUL\x00", "application/octet-stream"),
])
def test_content_sniffing_recognises_each_type(data, expected):
    from governance.platform.sniff import sniff_content_type

    assert sniff_content_type(data) == expected


def test_the_sweep_destroys_only_files_whose_owner_set_a_passed_delete_after(
        db, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from governance.platform.uploads import sealed_files_destroy_due

    kept = upload_store(file=b"kept: no delete_after", policy=DOCUMENT_POLICY, purpose="t")
    later = upload_store(file=b"due tomorrow", policy=DOCUMENT_POLICY, purpose="t")
    due = upload_store(file=b"due yesterday", policy=DOCUMENT_POLICY, purpose="t")
    SealedFile.objects.filter(pk=later.pk).update(
        delete_after=timezone.now() + dt.timedelta(days=1))
    SealedFile.objects.filter(pk=due.pk).update(
        delete_after=timezone.now() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert sealed_files_destroy_due() == 1
    assert set(SealedFile.objects.filter(destroyed_at__isnull=False)
               .values_list("pk", flat=True)) == {due.pk}
    assert upload_read(sealed=SealedFile.objects.get(pk=kept.pk)) == b"kept: no delete_after"
    assert not storages["uploads"].exists(due.storage_name)
