"""The rule packs, one per jurisdiction; `pack_for` picks a deployment's.

Each pack is a small module (cn.py, eu.py, us_il.py) holding a table of rules and the terms
its law sets; governance/compliance/rules.py runs a deployment's pack.
"""

from governance.compliance.packs import cn, eu, us_il
from governance.compliance.packs.base import Pack, Rule

PACKS: dict[str, Pack] = {p.jurisdiction: p for p in (cn.PACK, eu.PACK, us_il.PACK)}


def pack_for(jurisdiction: str) -> Pack:
    """The pack of a jurisdiction code (Deployment.jurisdiction); KeyError when unknown."""
    return PACKS[jurisdiction]


def all_rules() -> list[Rule]:
    """Every rule of every pack, pack by pack, in table order."""
    return [r for pack in PACKS.values() for r in pack.rules]
