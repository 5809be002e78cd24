"""The coverage table: GET /api/v1/rules/, the /rules/ page, and docs/coverage.md."""

from pathlib import Path

from django.conf import settings

from governance.compliance.coverage import COVERAGE, rule_ids_cited
from governance.compliance.coverage_doc import render
from governance.compliance.packs import PACKS, all_rules
from governance.compliance.packs.accuracy import ACCURACY_RULE_IDS

COVERAGE_DOC = Path(settings.BASE_DIR) / "docs" / "coverage.md"


def test_the_rules_api_lists_every_rule_of_every_pack_with_its_reference(db, api):
    response = api.get("/api/v1/rules/")
    assert response.status_code == 200
    rows = response.json()
    assert [(r["jurisdiction"], r["id"], r["reference"]) for r in rows] == [
        (r.jurisdiction, r.id, r.reference) for r in all_rules()]
    assert {r["jurisdiction"] for r in rows} == {"CN", "EU", "US-IL"}
    prohibited = next(r for r in rows if r["id"] == "prohibited_place")
    assert prohibited["effect"] == "blocks"
    [citation] = prohibited["citations"]
    assert (citation["article"], citation["source_date"]) == (
        "Art. 13(2)", "signed 2025-03-13, published 2025-03-21, in force 2025-06-01")
    assert "宾馆客房" in citation["quote"]


def test_the_rules_page_shows_each_pack_with_its_articles(db, client):
    page = client.get("/rules/").content.decode()
    for pack in PACKS.values():
        assert f'id="pack-{pack.jurisdiction}"' in page
    assert "AI Act Art. 26(6)" in page and "BIPA Sec. 15(a)" in page
    assert "CAC Measures 2025 Art. 13(2)" in page


def test_the_coverage_document_is_up_to_date():
    assert COVERAGE_DOC.read_text(encoding="utf-8") == render(), (
        "docs/coverage.md is stale: run `python manage.py write_coverage`")


def test_every_rule_the_coverage_table_names_exists_and_every_rule_is_named():
    ids = {r.id for r in all_rules()}
    assert rule_ids_cited() <= ids
    platform_policy = {"public_security_needs_public_interest", *ACCURACY_RULE_IDS}
    assert ids <= rule_ids_cited() | platform_policy


def test_every_instrument_of_every_pack_has_a_coverage_table():
    assert {key for pack in PACKS.values() for key in pack.instruments} == set(COVERAGE)
