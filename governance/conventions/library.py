"""Reading a convention library: CISO Assistant's YAML framework format, unchanged.

A library (intuitem/ciso-assistant-community, backend/library/libraries/*.yaml) has top-level
`urn`, `ref_id`, `name`, `version`, `publication_date`, `provider`, `locale`, `translations`
(and more keys we keep but do not read), and `objects.framework` with `requirement_nodes`:
each node `urn`, `ref_id`, `parent_urn`, `depth`, `assessable`, `name`, `description`,
`annotation`, `typical_evidence`, `implementation_groups`, `importance`, `questions`,
`translations`. FaceGov reads two optional node keys of its own: `legal_ref` (the article the
requirement rests on) and `auto_check` (the name of a platform probe that answers it), plus the
optional `weight` (how much the node counts in its section's score; default 1).

`library_parse` returns a `ParsedLibrary` or raises `LibraryInvalid` listing every problem
found (each with a machine code, where it is and what is wrong) — never a partial result.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.utils.translation import gettext as _

from governance.errors import DomainError

SHIPPED_LIBRARY = Path(__file__).parent / "libraries" / "fr-convention.yaml"
MAX_LIBRARY_BYTES = 5 * 1024 * 1024
MAX_NODES = 5000

# The part of the format FaceGov relies on; everything else passes through untouched.
NODE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["urn"],
    "properties": {
        "urn": {"type": "string", "minLength": 1, "maxLength": 250},
        "ref_id": {"type": ["string", "number"]},
        "parent_urn": {"type": "string"},
        "depth": {"type": "integer", "minimum": 1},
        "assessable": {"type": "boolean"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "annotation": {"type": "string"},
        "typical_evidence": {"type": "string"},
        "implementation_groups": {"type": "array", "items": {"type": "string"}},
        "importance": {"type": "string"},
        "questions": {"type": ["object", "array"]},
        "translations": {"type": "object"},
        "legal_ref": {"type": "string", "maxLength": 300},
        "auto_check": {"type": "string", "maxLength": 80},
        "weight": {"type": "integer", "minimum": 0, "maximum": 100},
    },
}
LIBRARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["urn", "ref_id", "name", "version", "objects"],
    "properties": {
        "urn": {"type": "string", "minLength": 1, "maxLength": 200},
        "ref_id": {"type": ["string", "number"]},
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "version": {"type": "integer", "minimum": 1},
        "publication_date": {"type": ["string", "null"]},
        "provider": {"type": "string"},
        "locale": {"type": "string"},
        "translations": {"type": "object"},
        "objects": {
            "type": "object",
            "required": ["framework"],
            "properties": {
                "framework": {
                    "type": "object",
                    "required": ["urn", "requirement_nodes"],
                    "properties": {
                        "urn": {"type": "string", "minLength": 1},
                        "name": {"type": "string"},
                        "implementation_groups_definition": {"type": "array"},
                        "requirement_nodes": {"type": "array", "minItems": 1,
                                              "maxItems": MAX_NODES, "items": NODE_SCHEMA},
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Problem:
    code: str
    where: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "where": self.where, "message": self.message}


class LibraryInvalid(DomainError):
    status_code = 400
    default_code = "library_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            _("The library cannot be loaded: %(count)d problem(s).") % {"count": len(problems)},
            problems=[p.as_dict() for p in problems])
        self.problems = problems


@dataclass
class ParsedNode:
    urn: str
    ref_id: str
    parent_urn: str
    depth: int
    assessable: bool
    name: str
    description: str
    annotation: str
    typical_evidence: str
    implementation_groups: list[str]
    importance: str
    questions: Any
    translations: dict
    legal_ref: str
    auto_check: str
    weight: int

    def comparable(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "urn"}


@dataclass
class ParsedLibrary:
    urn: str
    ref_id: str
    name: str
    description: str
    version: int
    publication_date: str
    provider: str
    locale: str
    framework_urn: str
    implementation_groups: list[dict]
    nodes: list[ParsedNode]
    document: dict = field(repr=False, default_factory=dict)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _node(raw: dict) -> ParsedNode:
    return ParsedNode(
        urn=raw["urn"], ref_id=_text(raw.get("ref_id")), parent_urn=_text(raw.get("parent_urn")),
        depth=int(raw.get("depth") or 1), assessable=bool(raw.get("assessable", False)),
        name=_text(raw.get("name")), description=_text(raw.get("description")),
        annotation=_text(raw.get("annotation")),
        typical_evidence=_text(raw.get("typical_evidence")),
        implementation_groups=list(raw.get("implementation_groups") or []),
        importance=_text(raw.get("importance")), questions=raw.get("questions") or {},
        translations=raw.get("translations") or {}, legal_ref=_text(raw.get("legal_ref")),
        auto_check=_text(raw.get("auto_check")), weight=int(raw.get("weight", 1)))


def _json_safe(value: Any) -> Any:
    """YAML dates become ISO strings so the parsed library can be stored as JSON."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def library_parse(text: str | bytes, *, known_probes: set[str] | frozenset[str]
                  ) -> ParsedLibrary:
    """Parse and validate a library; every problem is reported at once."""
    if isinstance(text, bytes):
        if len(text) > MAX_LIBRARY_BYTES:
            raise LibraryInvalid([Problem("too_large", "file", _("The file is larger than 5 MB."))])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise LibraryInvalid([Problem("not_utf8", "file",
                                          _("The file is not UTF-8 text."))]) from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        raise LibraryInvalid([Problem("malformed_yaml", where,
                                      _("The file is not valid YAML: %(error)s")
                                      % {"error": getattr(exc, "problem", None) or exc})]) from None
    document = _json_safe(document)
    problems = [
        Problem("schema", "/".join(str(p) for p in error.absolute_path) or "library",
                error.message)
        for error in sorted(jsonschema.Draft202012Validator(LIBRARY_SCHEMA)
                            .iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        raise LibraryInvalid(problems)
    framework = document["objects"]["framework"]
    nodes = [_node(raw) for raw in framework["requirement_nodes"]]
    seen: set[str] = set()
    for index, node in enumerate(nodes):
        where = f"objects/framework/requirement_nodes/{index}"
        if node.urn in seen:
            problems.append(Problem("duplicate_urn", where,
                                    _("The URN %(urn)s appears more than once.")
                                    % {"urn": node.urn}))
        seen.add(node.urn)
    for index, node in enumerate(nodes):
        where = f"objects/framework/requirement_nodes/{index}"
        if node.parent_urn and node.parent_urn not in seen:
            problems.append(Problem("unknown_parent", where,
                                    _("The parent %(parent)s of %(urn)s is not a node of the "
                                      "library.") % {"parent": node.parent_urn, "urn": node.urn}))
        if node.auto_check and node.auto_check not in known_probes:
            problems.append(Problem("unknown_probe", where,
                                    _("%(urn)s names the probe %(probe)s, which the platform "
                                      "does not have.") % {"urn": node.urn,
                                                           "probe": node.auto_check}))
    if problems:
        raise LibraryInvalid(problems)
    return ParsedLibrary(
        urn=document["urn"], ref_id=_text(document["ref_id"]), name=document["name"],
        description=_text(document.get("description")), version=document["version"],
        publication_date=_text(document.get("publication_date")),
        provider=_text(document.get("provider")), locale=_text(document.get("locale")),
        framework_urn=framework["urn"],
        implementation_groups=list(framework.get("implementation_groups_definition") or []),
        nodes=nodes, document=document)


def library_changes(old: list[ParsedNode] | list[dict], new: list[ParsedNode]) -> dict:
    """What a new version changes: URNs added, removed, and changed (with the keys that
    changed)."""
    before = {n["urn"] if isinstance(n, dict) else n.urn:
              (n if isinstance(n, dict) else n.comparable()) for n in old}
    after = {n.urn: n.comparable() for n in new}
    changed = []
    for urn in after.keys() & before.keys():
        keys = sorted(k for k in after[urn] if after[urn].get(k) != before[urn].get(k))
        if keys:
            changed.append({"urn": urn, "fields": keys})
    return {"added": sorted(after.keys() - before.keys()),
            "removed": sorted(before.keys() - after.keys()),
            "changed": sorted(changed, key=lambda c: c["urn"])}
