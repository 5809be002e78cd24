"""django-auditlog: which models record governance decisions, and who acted.

Services wrap their writes in `acting_as(actor)` so the audit row names the acting user even
on token-authenticated API calls (the middleware only sees session users).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.registry import auditlog

from governance.models import (
    Deployment,
    DeploymentDecision,
    DeploymentNotice,
    Filing,
    ImpactAssessment,
    IndustryMembership,
    Membership,
    Organisation,
    RetentionRule,
    ThresholdChange,
)

for model in (Organisation, Membership, IndustryMembership, DeploymentNotice, RetentionRule,
              ImpactAssessment, Filing, DeploymentDecision, ThresholdChange):
    auditlog.register(model)
# Industry self-regulation: who recorded what in an audit, and who adopted which rule.
from governance.models import (  # noqa: E402
    AdoptedRule,
    Audit,
    CorrectiveAction,
    Finding,
    Pledge,
    RequirementResult,
)

for model in (Pledge, Audit, RequirementResult, Finding, CorrectiveAction, AdoptedRule):
    auditlog.register(model)
# The purposes a deployment serves are part of what was decided, so their changes are logged.
auditlog.register(Deployment, m2m_fields={"purposes"})


@contextmanager
def acting_as(actor: object | None) -> Iterator[None]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    with set_actor(actor):
        yield
