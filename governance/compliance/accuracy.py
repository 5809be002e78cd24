"""Rules about measured accuracy (issue 13), called by the rules table in rules.py.

Governance never imports recognition: recognition registers one evidence provider in
AppConfig.ready() that lists a deployment's finished evaluations as `AccuracyEvidence` — one
row per threshold an evaluation measured (its operating point, and the threshold it
recommends, whose worst-group FMR it also measured).
"""

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from governance.compliance.checks import IDENTIFICATION_MODES
from governance.models import Deployment, DeploymentStatus, Interest


@dataclass(frozen=True)
class AccuracyEvidence:
    threshold: float
    measured_at: dt.datetime
    worst_group_fmr: float | None
    target_fmr: float


EvidenceProvider = Callable[[Deployment], list[AccuracyEvidence]]
_PROVIDERS: list[EvidenceProvider] = []


def register_accuracy_evidence_provider(func: EvidenceProvider) -> EvidenceProvider:
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def evidence_for(deployment: Deployment) -> list[AccuracyEvidence]:
    return [row for provider in _PROVIDERS for row in provider(deployment)]


def _max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.FACEGOV_EVALUATION_MAX_AGE_DAYS)


def _at_threshold(deployment: Deployment, since: dt.datetime) -> AccuracyEvidence | None:
    """The newest evidence measured at the deployment's current threshold since `since`."""
    rows = [e for e in evidence_for(deployment)
            if math.isclose(e.threshold, deployment.threshold, abs_tol=1e-9)
            and e.measured_at >= since]
    return max(rows, key=lambda e: e.measured_at, default=None)


def threshold_change_evaluated(s: Any) -> str | None:
    """A threshold changed while the deployment runs needs an evaluation at that threshold
    made no more than 90 days before the change."""
    d = s.deployment
    if d.status != DeploymentStatus.ACTIVE or d.activated_at is None:
        return None
    change = (d.threshold_changes.filter(changed_at__gt=d.activated_at)
              .order_by("-changed_at").first())
    if change is None or _at_threshold(d, change.changed_at - _max_age()):
        return None
    return (f"The threshold {d.threshold:g} has no evaluation at that threshold from the "
            f"{_max_age().days} days before it was set: evaluate it first (invariant 8; "
            f"EU AI Act Art. 15).")


def public_identification_evaluated(s: Any) -> str | None:
    """A public-interest 1:N deployment is approved only with a recent evaluation."""
    d = s.deployment
    if not (d.interest == Interest.PUBLIC and d.mode in IDENTIFICATION_MODES
            and d.status == DeploymentStatus.PENDING_APPROVAL):
        return None
    if _at_threshold(d, timezone.now() - _max_age()):
        return None
    return (f"Identification in the public interest needs an accuracy evaluation at its "
            f"threshold ({d.threshold:g}), no older than {_max_age().days} days, before it "
            f"runs (EU AI Act Art. 15).")


def _worst_group_misses(d: Deployment) -> str | None:
    found = _at_threshold(d, timezone.now() - dt.timedelta(days=36500))
    if found is None or found.worst_group_fmr is None:
        return None
    if found.worst_group_fmr <= found.target_fmr:
        return None
    return (f"At the threshold {d.threshold:g} the worst-served group's measured false-match "
            f"rate is {found.worst_group_fmr:.2%}, above the target {found.target_fmr:g}: "
            f"choose the calibrated threshold (invariant 8; EU AI Act Art. 15).")


def worst_group_meets_target_public(s: Any) -> str | None:
    d = s.deployment
    return _worst_group_misses(d) if d.interest == Interest.PUBLIC else None


def worst_group_meets_target_private(s: Any) -> str | None:
    d = s.deployment
    return _worst_group_misses(d) if d.interest != Interest.PUBLIC else None
