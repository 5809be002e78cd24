"""Convention libraries: CISO Assistant's format loads unchanged; every problem is named;
nothing is stored from a bad file; published versions are immutable and diffs are shown."""

import pytest

from governance.conventions.library import LibraryInvalid, library_parse
from governance.conventions.probes import probe_names
from governance.errors import Conflict, NotPermitted
from governance.models import Convention, RequirementNode
from governance.services.industry import convention_publish
from tests.effects import snapshot
from tests.governance.industry.conftest import CISO_LIBRARY

NOTHING = [Convention, RequirementNode]


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(LibraryInvalid) as caught:
        library_parse(text, known_probes=probe_names())
    return [(p.code, p.where) for p in caught.value.problems]


def test_a_ciso_assistant_library_loads_unchanged_translations_included(world):
    convention = convention_publish(industry_body=world.association, actor=world.auditor,
                                    source=CISO_LIBRARY)
    assert convention.source_yaml == CISO_LIBRARY
    assert convention.library["translations"]["en"]["name"] == "Test PIPL"
    assert convention.library["objects"]["reference_controls"][0]["ref_id"] == "policy"
    art5 = convention.nodes.get(ref_id="Art. 5")
    assert art5.translations["en"]["description"].startswith("Personal information")
    assert art5.parent_urn.endswith("chapter-i") and art5.depth == 2 and art5.assessable
    assert art5.implementation_groups == ["core"] and art5.importance == "mandatory"
    assert list(art5.questions) == ["urn:intuitem:risk:req_node:test-pipl:art-5:question:1"]
    assert convention.nodes.count() == 3
    assert convention.publication_date.isoformat() == "2026-10-09"


def test_the_shipped_convention_has_25_referenced_requirements_10_probe_backed(shipped_text):
    parsed = library_parse(shipped_text, known_probes=probe_names())
    assessable = [n for n in parsed.nodes if n.assessable]
    assert len(assessable) >= 25
    assert all(n.legal_ref for n in assessable)
    assert len([n for n in assessable if n.auto_check]) >= 10
    refs = " ".join(n.legal_ref for n in assessable)
    for source in ("PIPL", "CAC Measures 2025", "GB/T 41819-2022", "SPC 2021 Provisions"):
        assert source in refs
    # the pinned references the rules engine's CN pack cites for the same duties
    by_ref = {n.ref_id: n.legal_ref for n in assessable}
    assert "CAC Measures 2025 Art. 13(2)" in by_ref["4.4"]
    assert "CAC Measures 2025 Art. 15" in by_ref["5.2"]
    assert "PIPL Art. 31" in by_ref["2.4"]


@pytest.mark.parametrize("text,expected", [
    ("urn: [unclosed", [("malformed_yaml", "line 1, column 15")]),
    (CISO_LIBRARY.replace("version: 1\n", "version: one\n"), [("schema", "version")]),
    (CISO_LIBRARY.replace("    - urn: urn:intuitem:risk:req_node:test-pipl:art-6",
                          "    - urn: urn:intuitem:risk:req_node:test-pipl:art-5"),
     [("duplicate_urn", "objects/framework/requirement_nodes/2")]),
    (CISO_LIBRARY.replace("      parent_urn: urn:intuitem:risk:req_node:test-pipl:chapter-i\n"
                          "      ref_id: Art. 6",
                          "      parent_urn: urn:nowhere\n      ref_id: Art. 6"),
     [("unknown_parent", "objects/framework/requirement_nodes/2")]),
    (CISO_LIBRARY.replace("      ref_id: Art. 6\n", "      ref_id: Art. 6\n"
                          "      auto_check: crystal_ball\n"),
     [("unknown_probe", "objects/framework/requirement_nodes/2")]),
])
def test_each_problem_is_named_and_nothing_is_stored(world, text, expected):
    assert problems(text) == expected
    before = snapshot(NOTHING)
    with pytest.raises(LibraryInvalid):
        convention_publish(industry_body=world.association, actor=world.auditor, source=text)
    assert snapshot(NOTHING) == before


def test_several_problems_are_listed_together():
    text = (CISO_LIBRARY.replace("parent_urn: urn:intuitem:risk:req_node:test-pipl:chapter-i\n"
                                 "      ref_id: Art. 6", "parent_urn: urn:x\n      ref_id: Art. 6")
            .replace("      ref_id: Art. 6\n", "      ref_id: Art. 6\n      auto_check: nope\n"))
    assert {code for code, _ in problems(text)} == {"unknown_parent", "unknown_probe"}


def test_a_published_version_is_immutable_and_a_new_version_shows_its_changes(world):
    first = convention_publish(industry_body=world.association, actor=world.auditor,
                               source=CISO_LIBRARY)
    # the same file again is harmless
    assert convention_publish(industry_body=world.association, actor=world.auditor,
                              source=CISO_LIBRARY) == first
    edited = CISO_LIBRARY.replace("最小范围", "最小范围（修订）")
    before = snapshot(NOTHING)
    with pytest.raises(Conflict) as caught:
        convention_publish(industry_body=world.association, actor=world.auditor, source=edited)
    assert caught.value.code == "version_immutable"
    assert snapshot(NOTHING) == before
    with pytest.raises(ValueError):
        first.save()
    second_text = (edited.replace("version: 1\n", "version: 2\n")
                   .replace("    - urn: urn:intuitem:risk:req_node:test-pipl:art-6",
                            "    - urn: urn:intuitem:risk:req_node:test-pipl:art-7\n"
                            "      assessable: true\n      ref_id: Art. 7\n"
                            "    - urn: urn:intuitem:risk:req_node:test-pipl:art-6"))
    second = convention_publish(industry_body=world.association, actor=world.auditor,
                                source=second_text)
    assert second.previous == first
    assert second.changes == {
        "added": ["urn:intuitem:risk:req_node:test-pipl:art-7"], "removed": [],
        "changed": [{"urn": "urn:intuitem:risk:req_node:test-pipl:art-6",
                     "fields": ["description"]}]}


def test_only_the_bodys_staff_publish(world):
    with pytest.raises(NotPermitted):
        convention_publish(industry_body=world.association, actor=world.acme_admin,
                           source=CISO_LIBRARY)
    assert not Convention.objects.exists()
