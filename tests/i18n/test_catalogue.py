"""The zh-Hans catalogue is complete, current and compiled (docs/i18n.md).

A failure lists exactly the strings to translate (with where they come from), so that whoever
adds a page knows what to do: `make messages`, translate the listed msgids in
locale/zh_Hans/LC_MESSAGES/django.po, `make messages` again (it compiles the .mo).
"""

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
# What makemessages reads: the apps, the settings package and the project's templates.
SOURCE_DIRS = ("config", "governance", "recognition", "complaints", "templates")


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def _where(entry: polib.POEntry) -> str:
    return ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2]) or "?"


def _listing(entries: list[polib.POEntry]) -> str:
    return "\n".join(f"  {_where(e)}  msgid {e.msgid!r}" + (f" (context {e.msgctxt!r})" if
                     e.msgctxt else "") for e in entries)


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def test_every_marked_string_has_a_chinese_translation():
    po = polib.pofile(str(PO_PATH))
    missing = [e for e in _live(po) if not e.translated() or "fuzzy" in e.flags]
    assert not missing, (
        f"{len(missing)} string(s) in {PO_PATH.relative_to(settings.BASE_DIR)} have no "
        f"(or only a fuzzy) zh-Hans translation:\n{_listing(missing)}")


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


def test_translations_keep_every_placeholder():
    po = polib.pofile(str(PO_PATH))
    wrong = []
    for entry in _live(po):
        if not entry.translated():
            continue
        expected = sorted(_PLACEHOLDER.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.msgid_plural:
            expected = sorted(set(_PLACEHOLDER.findall(entry.msgid_plural)) |
                              set(_PLACEHOLDER.findall(entry.msgid)))
            if any(sorted(set(_PLACEHOLDER.findall(t))) != expected for t in translations):
                wrong.append(entry)
        elif any(sorted(_PLACEHOLDER.findall(t)) != expected for t in translations):
            wrong.append(entry)
    assert not wrong, f"Translations that lose or add a placeholder:\n{_listing(wrong)}"


@pytest.mark.skipif(shutil.which("xgettext") is None,
                    reason="GNU gettext is missing: `make test` installs it")
def test_makemessages_would_add_no_new_string(tmp_path, monkeypatch):
    """Extract the strings afresh (Django's makemessages over a copy of the sources, into a
    temporary catalogue) and require each to be in the committed one."""
    for name in SOURCE_DIRS:
        shutil.copytree(Path(settings.BASE_DIR) / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "locale", "*.pyc"))
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[str(tmp_path / "locale")]):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    fresh = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = {_key(e) for e in _live(polib.pofile(str(PO_PATH)))}
    new = [e for e in fresh if _key(e) not in committed]
    assert not new, (
        f"{len(new)} string(s) are marked for translation but not in the catalogue; run "
        f"`make messages` and translate them:\n{_listing(new)}")


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is committed (a fresh machine needs no gettext tools to run FaceGov); it must
    say exactly what the .po says."""
    assert MO_PATH.exists(), "locale/zh_Hans/LC_MESSAGES/django.mo is missing: `make messages`"
    assert os.path.getsize(MO_PATH) > 0

    def table(entries) -> dict:
        return {_key(e): ({int(k): v for k, v in e.msgstr_plural.items()} if e.msgid_plural
                          else e.msgstr) for e in entries if e.msgid}

    po = polib.pofile(str(PO_PATH))
    po_table = table(e for e in _live(po) if e.translated() and "fuzzy" not in e.flags)
    mo_table = table(polib.mofile(str(MO_PATH)))
    stale = sorted(str(k) for k in po_table.keys() ^ mo_table.keys()) + sorted(
        str(k) for k in po_table.keys() & mo_table.keys() if po_table[k] != mo_table[k])
    assert not stale, ("django.mo is out of date with django.po (`make messages` compiles it):\n"
                       + "\n".join(stale[:50]))
