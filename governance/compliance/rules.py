"""The rules engine: a deployment is judged by the rule pack of its jurisdiction.

The packs (governance/compliance/packs/) are tables of rules, each with its jurisdiction,
the articles it rests on (with the quoted sentence), a severity and a check. A check returns
None when the deployment complies and otherwise says what is wrong; the engine adds the
rule's legal reference. Blocking rules stop a submission and any change to a running
deployment; warnings advise and do not block. The engine runs on submit, on every change to
a running deployment, and on demand.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from governance.compliance.checks import DECLARED_FACT_CHECKS, Subject
from governance.compliance.packs import PACKS, pack_for
from governance.compliance.packs.base import Rule, Severity
from governance.models import Deployment

BLOCKING, WARNING = Severity.BLOCKING, Severity.WARNING

__all__ = ["BLOCKING", "PACKS", "WARNING", "Finding", "Rule", "Severity", "adopted_rules",
           "declared_violations", "evaluate", "rule_get", "rules_for", "violations"]


@dataclass(frozen=True)
class Finding:
    rule: str
    reference: str
    severity: str
    title: str
    passed: bool
    message: str
    jurisdiction: str = ""

    def as_violation(self) -> dict[str, str]:
        return {"rule": self.rule, "reference": self.reference, "message": self.message}


def rules_for(jurisdiction: str) -> tuple[Rule, ...]:
    return pack_for(jurisdiction).rules


def _probe_check(adopted: Any) -> Any:
    """A rule's check that runs the adopted requirement's probe on the one deployment."""

    def check(subject: Any) -> str | None:
        from django.utils import timezone

        from governance.conventions.probes import probe_get

        probe = probe_get(adopted.probe)
        if probe is None:
            return None
        deployment = subject.deployment
        answer = probe.run(organisation_id=deployment.organisation_id,
                           deployment_ids=[deployment.pk], now=timezone.now())
        return answer.detail if answer.compliant is False else None

    return check


def adopted_rules(jurisdiction: str) -> list[Rule]:
    """Convention requirements a regulator adopted as rules (issue 12, "from convention to
    law"): each runs its probe and cites the requirement's URN."""
    from governance.compliance.law import Citation, Instrument
    from governance.models import AdoptedRule

    rules = []
    for adopted in AdoptedRule.objects.filter(jurisdiction=jurisdiction).select_related(
            "node__convention"):
        convention = adopted.node.convention
        instrument = Instrument("convention", jurisdiction, "Convention",
                                f"{convention.name} v{convention.version}",
                                f"adopted {adopted.adopted_at.date().isoformat()}",
                                convention.urn)
        citation = Citation(instrument, adopted.urn, adopted.node.description,
                            note=adopted.node.legal_ref)
        rules.append(Rule(adopted.rule_id, jurisdiction, Severity(adopted.severity),
                          adopted.title, _probe_check(adopted), (citation,)))
    return rules


def rule_get(jurisdiction: str, rule_id: str) -> Rule:
    return next(r for r in rules_for(jurisdiction) if r.id == rule_id)


def _finding(rule: Rule, message: str | None) -> Finding:
    text = _("%(message)s (%(reference)s).") % {"message": message,
                                               "reference": rule.reference} if message else ""
    return Finding(rule.id, rule.reference, rule.severity, str(rule.title), message is None,
                   text, rule.jurisdiction)


def evaluate(deployment: Deployment) -> list[Finding]:
    """Every rule of the deployment's pack, with its verdict, in table order."""
    pack = pack_for(deployment.jurisdiction)
    subject = pack.subject(deployment)
    rules = (*pack.rules, *adopted_rules(deployment.jurisdiction))
    return [_finding(r, r.check(subject)) for r in rules]


def declared_violations(*, jurisdiction: str, fields: Mapping[str, Any],
                        purposes: Iterable[str]) -> list[Finding]:
    """The blocking rules that facts declared before anything is saved already break (only
    the rules whose checks read declared facts alone: checks.DECLARED_FACT_CHECKS)."""
    known = {name: value for name, value in fields.items()
             if name in {f.name for f in Deployment._meta.concrete_fields}}
    deployment = Deployment(**{**known, "jurisdiction": jurisdiction})
    pack = pack_for(jurisdiction)
    subject = Subject(deployment, frozenset(purposes), pack)
    found = [_finding(r, r.check(subject)) for r in pack.rules
             if r.check in DECLARED_FACT_CHECKS and r.severity == BLOCKING]
    return [f for f in found if not f.passed]


def violations(deployment: Deployment) -> list[Finding]:
    """The blocking rules the deployment breaks."""
    return [f for f in evaluate(deployment) if not f.passed and f.severity == BLOCKING]

