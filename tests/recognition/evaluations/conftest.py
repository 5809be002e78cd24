"""Evaluation tests: ZIPs built from the shared photos, and the engine's encodings cached for
the session (each photo is encoded once however many tests evaluate it)."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from recognition.engine import EngineError
from recognition.services import evaluations as evaluation_service

PEOPLE_GROUPS = ("identity,sex\nobama,M\nbiden,M\nalex_lacamoire,M\nkit_harington,M\n"
                 "rose_leslie,F\n")


def build_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def people_set_files(faces_dir: Path) -> dict[str, bytes]:
    """people/ as a set: 14 photos of 6 people, plus a photo with two faces filed under obama
    (a failure to enrol), a text file (not an image) and groups.csv."""
    files = {f"people/{p.parent.name}/{p.name}": p.read_bytes()
             for p in sorted((faces_dir / "people").glob("*/*")) if p.is_file()}
    files["people/obama/two_people.jpg"] = (faces_dir / "groups" / "two_people.jpg").read_bytes()
    files["people/biden/notes.txt"] = b"not a photo"
    files["people/groups.csv"] = PEOPLE_GROUPS.encode()
    return files


@pytest.fixture(scope="session")
def people_zip(people_set_files) -> bytes:
    return build_zip(people_set_files)


@pytest.fixture(scope="session")
def _encoding_cache() -> dict:
    return {}


@pytest.fixture(autouse=True)
def cached_encoder(monkeypatch, _encoding_cache):
    """The engine's real encoder, each distinct image encoded once per session."""
    real = evaluation_service.encode_image

    def encode(data: bytes):
        key = hashlib.sha256(data).hexdigest()
        if key not in _encoding_cache:
            try:
                _encoding_cache[key] = real(data)
            except EngineError as error:
                _encoding_cache[key] = error
        found = _encoding_cache[key]
        if isinstance(found, EngineError):
            raise found
        return found

    monkeypatch.setattr(evaluation_service, "encode_image", encode)
