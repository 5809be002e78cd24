"""Labelled evaluation sets: a ZIP checked entry by entry before anything is stored, or the
reference set configured by FACEGOV_REFERENCE_SET_DIR.

Layout: one folder per identity (optionally all inside one top folder), image files inside,
and optionally `groups.csv` at the top (`identity,<attribute>,<attribute>…`). Every problem
is either a refusal with a code (nothing stored) or a counted exclusion in the manifest:

- refused: not a ZIP, an entry outside the archive (`..`, absolute or drive paths), more
  entries than FACEGOV_EVALUATION_MAX_FILES, more uncompressed bytes than
  FACEGOV_EVALUATION_MAX_UNCOMPRESSED_BYTES (a bomb: checked on the declared sizes and again
  while reading), folders nested deeper than identity/file, a groups.csv that is unreadable or
  names identities the set lacks, and a set with fewer than two usable identities;
- excluded and counted: files that are not images (by their bytes, not their names),
  identities with a single image (no genuine pair), system files (__MACOSX, dotfiles).
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from governance.errors import DomainError
from governance.platform.sniff import sniff_content_type
from governance.platform.uploads import upload_read

if TYPE_CHECKING:
    from recognition.models import EvaluationSet

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
GROUPS_FILE = "groups.csv"
SNIFF_BYTES = 64
MAX_ATTRIBUTES = 10
MAX_NAME_CHARS = 100


class EvaluationSetRefused(DomainError):
    """A set that cannot be evaluated as uploaded; nothing was stored."""

    default_code = "evaluation_set_invalid"


class EvaluationSetTooLarge(EvaluationSetRefused):
    status_code = 413


def _check_name(name: str) -> PurePosixPath:
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise EvaluationSetRefused(_("The archive holds a file outside its own folders."),
                                   code="zip_path_traversal", entry=name[:200])
    path = PurePosixPath(name)
    if any(part in ("..", ".") for part in path.parts):
        raise EvaluationSetRefused(_("The archive holds a file outside its own folders."),
                                   code="zip_path_traversal", entry=name[:200])
    return path


def _is_system(path: PurePosixPath) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in path.parts)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise EvaluationSetRefused(_("The file is not a readable ZIP archive."),
                                   code="zip_invalid") from None


def _entries(archive: zipfile.ZipFile) -> list[tuple[PurePosixPath, zipfile.ZipInfo]]:
    """Every file entry with a checked path, after the limits on count and size."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > settings.FACEGOV_EVALUATION_MAX_FILES:
        raise EvaluationSetTooLarge(
            _("The archive holds more than %(limit)s files.")
            % {"limit": f"{settings.FACEGOV_EVALUATION_MAX_FILES:,}"},
            code="zip_too_many_files", limit=settings.FACEGOV_EVALUATION_MAX_FILES)
    if sum(info.file_size for info in infos) > settings.FACEGOV_EVALUATION_MAX_UNCOMPRESSED_BYTES:
        _too_big()
    return [(_check_name(info.filename), info) for info in infos]


def _too_big() -> None:
    raise EvaluationSetTooLarge(
        _("The archive expands to more than %(limit)s MB.")
        % {"limit": settings.FACEGOV_EVALUATION_MAX_UNCOMPRESSED_BYTES // 1_000_000},
        code="zip_too_large_uncompressed",
        limit=settings.FACEGOV_EVALUATION_MAX_UNCOMPRESSED_BYTES)


def _strip_common_top(paths: list[PurePosixPath]) -> int:
    """1 when every entry sits inside one top folder holding the identity folders, else 0."""
    tops = {p.parts[0] for p in paths}
    deep = all(len(p.parts) >= 3 or (len(p.parts) == 2 and p.name == GROUPS_FILE)
               for p in paths)
    return 1 if len(tops) == 1 and deep and paths else 0


def manifest_from_zip(data: bytes) -> dict:
    """The evaluable content of an uploaded ZIP, or EvaluationSetRefused."""
    archive = _open_zip(data)
    entries = _entries(archive)
    kept = [(p, i) for p, i in entries if not _is_system(p)]
    ignored = len(entries) - len(kept)
    skip = _strip_common_top([p for p, _info in kept])
    identities: dict[str, list[str]] = {}
    groups_text, non_images, budget = None, 0, settings.FACEGOV_EVALUATION_MAX_UNCOMPRESSED_BYTES
    for path, info in kept:
        parts = path.parts[skip:]
        data_read = _read_member(archive, info, budget)
        budget -= len(data_read)
        if parts == (GROUPS_FILE,):
            groups_text = data_read
            continue
        if len(parts) != 2:
            raise EvaluationSetRefused(
                _("Put each image in its identity's folder (identity/photo.jpg)."),
                code="zip_layout_invalid", entry=info.filename[:200])
        if sniff_content_type(data_read[:SNIFF_BYTES]) not in IMAGE_TYPES:
            non_images += 1
            continue
        identities.setdefault(parts[0][:MAX_NAME_CHARS], []).append(info.filename)
    groups = _parse_groups(groups_text, set(identities)) if groups_text is not None else {}
    return _manifest(identities, groups, non_images=non_images, ignored=ignored)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The entry's bytes, never more than what is left of the size budget (declared sizes
    can lie; this counts what actually comes out)."""
    try:
        with archive.open(info) as handle:
            data = handle.read(max(budget, 0) + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise EvaluationSetRefused(_("An entry of the archive cannot be read."),
                                   code="zip_invalid", entry=info.filename[:200]) from None
    if len(data) > budget:
        _too_big()
    return data


def _parse_groups(raw: bytes, identities: set[str]) -> dict[str, dict[str, str]]:
    try:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error):
        raise EvaluationSetRefused(_("groups.csv is not a readable UTF-8 CSV file."),
                                   code="groups_csv_invalid") from None
    if not rows or len(rows[0]) < 2 or len(rows[0]) > MAX_ATTRIBUTES + 1:
        raise EvaluationSetRefused(
            _("groups.csv needs a header row: identity, then one to ten attribute columns."),
            code="groups_csv_invalid")
    header = [h.strip()[:40] for h in rows[0][1:]]
    groups, unknown = {}, []
    for row in rows[1:]:
        if not row or not row[0].strip():
            continue
        name = row[0].strip()
        if name not in identities:
            unknown.append(name)
            continue
        groups[name] = {attr: value.strip()[:40] for attr, value in zip(header, row[1:],
                                                                          strict=False)}
    if unknown:
        raise EvaluationSetRefused(
            _("groups.csv names identities that have no folder in the archive."),
            code="groups_csv_unknown_identity", identities=sorted(unknown)[:20])
    return groups


def _manifest(identities: dict[str, list[str]], groups: dict[str, dict[str, str]], *,
              non_images: int, ignored: int) -> dict:
    single = sorted(name for name, files in identities.items() if len(files) < 2)
    usable = {name: sorted(files) for name, files in identities.items() if len(files) >= 2}
    if len(usable) < 2:
        raise EvaluationSetRefused(
            _("An evaluation needs at least two identities with two images or more."),
            code="evaluation_set_too_small", identities=len(usable))
    return {"identities": usable,
            "groups": {name: attrs for name, attrs in groups.items() if name in usable},
            "exclusions": {"non_images": non_images, "single_image_identities": single,
                           "ignored_entries": ignored}}


def manifest_from_directory(root: Path) -> dict:
    """The reference set: identity folders of image files (groups.csv optional)."""
    if not root.is_dir():
        raise EvaluationSetRefused(_("The reference set is not installed on this server."),
                                   code="reference_set_missing")
    identities: dict[str, list[str]] = {}
    non_images = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for file in sorted(folder.iterdir()):
            if file.is_file() and file.suffix.lower() in IMAGE_SUFFIXES:
                identities.setdefault(folder.name, []).append(f"{folder.name}/{file.name}")
            elif file.is_file():
                non_images += 1
    groups_file = root / GROUPS_FILE
    groups = (_parse_groups(groups_file.read_bytes(), set(identities))
              if groups_file.is_file() else {})
    return _manifest(identities, groups, non_images=non_images, ignored=0)


def set_images(evaluation_set: "EvaluationSet") -> Iterator[tuple[str, str, bytes]]:
    """(identity, entry, image bytes) of every image the manifest lists, in order."""
    identities = evaluation_set.manifest["identities"]
    if evaluation_set.sealed_file_id is None:
        root = Path(settings.FACEGOV_REFERENCE_SET_DIR).resolve()
        for identity, entries in identities.items():
            for entry in entries:
                path = (root / entry).resolve()
                if root not in path.parents:
                    continue  # the manifest came from this folder: never outside it
                yield identity, entry, path.read_bytes()
        return
    archive = _open_zip(upload_read(sealed=evaluation_set.sealed_file))
    for identity, entries in identities.items():
        for entry in entries:
            yield identity, entry, archive.read(entry)
