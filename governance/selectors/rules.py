"""The coverage table of the rules engine: every rule of every pack, as people read it.

Public (no login): the law a deployment is judged by is no secret. Shared by
GET /api/v1/rules/ and the /rules/ page.
"""

from governance.compliance.coverage import COVERAGE, figures
from governance.compliance.law import INSTRUMENTS_BY_KEY
from governance.compliance.packs import PACKS
from governance.compliance.packs.base import Pack, Rule


def rule_entry(rule: Rule) -> dict:
    return {
        "jurisdiction": rule.jurisdiction,
        "id": rule.id,
        "title": str(rule.title),
        "severity": str(rule.severity),
        "effect": rule.effect,
        "reference": rule.reference,
        "citations": [c.as_dict() for c in rule.citations],
    }


def pack_entry(pack: Pack) -> dict:
    """One pack: its rules and the terms its law sets (guardian age, deadlines)."""
    deadlines = []
    for kind, deadline in sorted(pack.deadlines.items()):
        deadlines.append({"kind": str(kind), "unit": deadline.term.unit,
                          "amount": deadline.term.value,
                          "reference": deadline.citation.reference if deadline.citation
                          else "", "note": deadline.note})
    return {
        "jurisdiction": pack.jurisdiction,
        "name": str(pack.name),
        "guardian_age": pack.guardian_age,
        "guardian_reference": pack.guardian_citation.reference,
        "log_minimum_days": pack.log_minimum.period.days if pack.log_minimum else None,
        "filing_threshold": pack.filing_threshold,
        "deadlines": deadlines,
        "rules": [rule_entry(r) for r in pack.rules],
    }


def rule_list() -> list[dict]:
    """Every rule of every pack, pack by pack, in table order."""
    from governance.compliance.rules import adopted_rules

    return [rule_entry(r) for pack in PACKS.values()
            for r in (*pack.rules, *adopted_rules(pack.jurisdiction))]


def pack_list() -> list[dict]:
    return [pack_entry(p) for p in PACKS.values()]


def coverage_summary() -> list[dict]:
    """Per instrument: covered and checkable articles (None where the text was not found)."""
    found = figures()
    return [{"title": INSTRUMENTS_BY_KEY[key].short,
             "covered": found[key][0] if key in found else None,
             "checkable": found[key][1] if key in found else None} for key in COVERAGE]
