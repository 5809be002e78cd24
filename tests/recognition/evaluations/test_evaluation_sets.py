"""Uploaded sets are checked entry by entry: every problem is a refusal with a code or a
counted exclusion."""

import io
import zipfile

import pytest

from recognition.services.evaluation_sets import EvaluationSetRefused, manifest_from_zip

from .conftest import build_zip

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 100


def two_people(**extra: bytes) -> dict[str, bytes]:
    return {"a/1.jpg": JPEG, "a/2.jpg": JPEG, "b/1.jpg": JPEG, "b/2.jpg": JPEG, **extra}


def refusal(data: bytes) -> EvaluationSetRefused:
    with pytest.raises(EvaluationSetRefused) as caught:
        manifest_from_zip(data)
    return caught.value


def test_a_well_formed_set_lists_each_identity_with_its_images():
    manifest = manifest_from_zip(build_zip(two_people()))
    assert manifest["identities"] == {"a": ["a/1.jpg", "a/2.jpg"], "b": ["b/1.jpg", "b/2.jpg"]}
    assert manifest["exclusions"] == {"non_images": 0, "single_image_identities": [],
                                      "ignored_entries": 0}


def test_one_common_top_folder_is_stripped():
    files = {f"set/{name}": data for name, data in two_people().items()}
    assert set(manifest_from_zip(build_zip(files))["identities"]) == {"a", "b"}


@pytest.mark.parametrize("name", ["../evil/1.jpg", "/etc/1.jpg", "a/../../1.jpg",
                                  "C:/x/1.jpg", "a\\..\\1.jpg"])
def test_entries_outside_the_archive_are_refused(name):
    assert refusal(build_zip(two_people(**{name: JPEG}))).code == "zip_path_traversal"


def test_too_many_files_are_refused(settings):
    settings.FACEGOV_EVALUATION_MAX_FILES = 3
    error = refusal(build_zip(two_people()))
    assert (error.code, error.status_code) == ("zip_too_many_files", 413)


def test_a_bomb_is_refused_on_its_declared_size(settings):
    settings.FACEGOV_EVALUATION_MAX_UNCOMPRESSED_BYTES = 10_000
    bomb = build_zip(two_people(**{"a/3.jpg": JPEG + b"\0" * 50_000}))
    assert len(bomb) < 10_000  # it compresses well: only the expanded size gives it away
    error = refusal(bomb)
    assert (error.code, error.status_code) == ("zip_too_large_uncompressed", 413)


def test_a_bomb_that_lies_about_its_size_is_stopped_while_reading(settings, monkeypatch):
    settings.FACEGOV_EVALUATION_MAX_UNCOMPRESSED_BYTES = 10_000
    data = build_zip(two_people(**{"a/3.jpg": JPEG + b"\0" * 50_000}))
    real = zipfile.ZipFile.infolist

    def lying(self):
        infos = real(self)
        for info in infos:
            info.file_size = 10  # the central directory claims tiny files
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying)
    with pytest.raises(EvaluationSetRefused) as caught:
        manifest_from_zip(data)
    assert caught.value.code in {"zip_too_large_uncompressed", "zip_invalid"}


def test_non_images_and_single_image_identities_are_counted_exclusions():
    manifest = manifest_from_zip(build_zip(two_people(**{
        "a/readme.txt": b"hello", "b/fake.jpg": b"<html>no</html>", "c/1.jpg": JPEG,
        "__MACOSX/a/._1.jpg": b"junk", "a/.DS_Store": b"junk"})))
    assert manifest["exclusions"] == {"non_images": 2, "single_image_identities": ["c"],
                                      "ignored_entries": 2}
    assert set(manifest["identities"]) == {"a", "b"}


def test_groups_csv_naming_unknown_identities_is_refused_with_their_names():
    error = refusal(build_zip(two_people(**{"groups.csv": b"identity,sex\na,F\nzed,M\n"})))
    assert (error.code, error.extra["identities"]) == ("groups_csv_unknown_identity", ["zed"])


def test_groups_csv_gives_each_identity_its_attributes():
    manifest = manifest_from_zip(build_zip(two_people(**{
        "groups.csv": b"identity,sex,age\na,F,30-39\nb,M,\n"})))
    assert manifest["groups"] == {"a": {"sex": "F", "age": "30-39"}, "b": {"sex": "M", "age": ""}}


@pytest.mark.parametrize(("files", "code"), [
    ({"groups.csv": b"identity\n"}, "groups_csv_invalid"),
    ({"groups.csv": b"\xff\xfe\x00bad"}, "groups_csv_invalid"),
    ({"a/deeper/3.jpg": JPEG}, "zip_layout_invalid"),
])
def test_malformed_content_is_refused(files, code):
    assert refusal(build_zip(two_people(**files))).code == code


def test_a_set_with_fewer_than_two_usable_identities_is_refused():
    assert refusal(build_zip({"a/1.jpg": JPEG, "a/2.jpg": JPEG, "b/1.jpg": JPEG})).code == (
        "evaluation_set_too_small")


def test_a_file_that_is_not_a_zip_is_refused():
    assert refusal(io.BytesIO(b"PK\x03\x04garbage").getvalue()).code == "zip_invalid"
