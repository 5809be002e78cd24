"""Read-outs of a deployment's standing against the law and its retention rules,
shared by the API and the pages."""

from django.utils import timezone

from governance.compliance.guidance import guidance_for
from governance.compliance.packs import pack_for
from governance.compliance.rules import evaluate
from governance.models import Deployment
from governance.retention.rules import effective_retention_all


def compliance_payload(deployment: Deployment) -> dict:
    findings = evaluate(deployment)
    failed = [f for f in findings if not f.passed]
    return {
        "deployment": deployment.id,
        "jurisdiction": deployment.jurisdiction,
        "jurisdiction_name": str(pack_for(deployment.jurisdiction).name),
        "checked_at": timezone.now(),
        "compliant": not any(f.severity == "blocking" for f in failed),
        "violations": [f.as_violation() for f in failed if f.severity == "blocking"],
        "warnings": [f.as_violation() for f in failed if f.severity == "warning"],
        "results": [vars(f) for f in findings],
    }


def compliance_page(deployment: Deployment) -> dict:
    """The compliance payload for pages: each result also carries the regulators' published
    guidance for its rule (the API's payload stays as the contract fixes it)."""
    payload = compliance_payload(deployment)
    guidance = guidance_for(deployment)
    for result in payload["results"]:
        result["guidance"] = guidance.get(result["rule"], [])
    return payload


def retention_payload(deployment: Deployment) -> list[dict]:
    declared = {r.category: r for r in deployment.retention_rules.all()}
    rows = []
    for rule in effective_retention_all(deployment=deployment):
        mine = declared.get(rule.category)
        rows.append({
            "category": rule.category,
            "declared": mine and {"period_days": mine.period_days, "trigger": mine.trigger},
            "effective": {"period_days": rule.period_days, "trigger": rule.trigger,
                          "source": rule.source, "reference": rule.reference},
        })
    return rows
