"""The retention rules of a deployment: statutory caps in its rule pack, declarations in the
database.

Every category has candidate terms — the operator's declared rule and the statutory caps
that apply to it. The *effective* rule is the one with the shortest period (DESIGN promise 5:
"the shortest applicable rule wins"). `delete_after` computes the date an item must be gone
from the moments its triggers happened: the earliest date any term gives, so a cap counted
from a different trigger still bites.

Erasure events (consent withdrawal, end of the deployment) are not periods to compare: when
they happen the data goes at once, whatever the rule says.

The caps, the reference of the platform default and of erasure come from the rule pack of
the deployment's jurisdiction (governance/compliance/packs/): Illinois caps templates at
3 years after the last interaction (BIPA Sec. 15(a)); China and the EU set no number of days
("the shortest time necessary"), so the declaration or the platform default governs there.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from governance.models import DataCategory, Deployment, RetentionRule, RetentionTrigger

if TYPE_CHECKING:
    from governance.compliance.packs.base import Pack, StatutoryCap

DAYS_IN_YEAR = 365


class Source:
    DECLARED = "declared"
    STATUTORY = "statutory"
    PLATFORM_DEFAULT = "platform_default"


@dataclass(frozen=True)
class EffectiveRule:
    category: str
    period: dt.timedelta
    trigger: str
    source: str
    reference: str

    @property
    def period_days(self) -> int:
        return self.period.days


# What applies when an operator declares nothing and no cap exists: kept for as short a time
# as the platform can defend (the laws ask for the minimum necessary; see each pack).
PLATFORM_DEFAULTS: dict[str, tuple[dt.timedelta, str]] = {
    DataCategory.FACE_TEMPLATE: (dt.timedelta(days=3 * DAYS_IN_YEAR),
                                 RetentionTrigger.LAST_INTERACTION),
    DataCategory.FACE_IMAGE: (dt.timedelta(days=30), RetentionTrigger.COLLECTION),
    DataCategory.RECOGNITION_EVENT: (dt.timedelta(days=DAYS_IN_YEAR),
                                     RetentionTrigger.COLLECTION),
    DataCategory.CONSENT_RECORD: (dt.timedelta(days=3 * DAYS_IN_YEAR),
                                  RetentionTrigger.DEPLOYMENT_END),
    # Labelled photos uploaded to measure accuracy: the figures outlive them, the faces don't.
    DataCategory.EVALUATION_SET: (dt.timedelta(days=90), RetentionTrigger.COLLECTION),
}

# Data that goes at once when one of these happens (each pack names the article).
ERASURE_EVENTS: dict[str, tuple[str, ...]] = {
    DataCategory.FACE_TEMPLATE: (RetentionTrigger.CONSENT_WITHDRAWAL,
                                 RetentionTrigger.DEPLOYMENT_END),
    DataCategory.FACE_IMAGE: (RetentionTrigger.CONSENT_WITHDRAWAL,
                              RetentionTrigger.DEPLOYMENT_END),
}


def _pack(deployment: Deployment) -> "Pack":
    from governance.compliance.packs import pack_for  # the packs' checks import this module

    return pack_for(deployment.jurisdiction)


def erasure_reference(*, deployment: Deployment) -> str:
    """The article that makes data go at once on withdrawal or the end of the deployment."""
    return _pack(deployment).erasure_reference


def statutory_caps(*, deployment: Deployment) -> tuple["StatutoryCap", ...]:
    return _pack(deployment).retention_caps


def declared_rule(*, deployment: Deployment, category: str,
                  rules: "Iterable[RetentionRule] | None" = None) -> EffectiveRule | None:
    """The operator's declaration for the category. `rules`: the deployment's declared rows
    when the caller has them (e.g. `declared_rules_cached`); else read through the prefetch
    cache when the caller prefetched `retention_rules`, else one query."""
    rows = deployment.retention_rules.all() if rules is None else rules
    for row in rows:
        if row.category == category:
            period = (dt.timedelta(minutes=row.demo_period_minutes) if row.demo_period_minutes
                      else dt.timedelta(days=row.period_days))
            return EffectiveRule(category, period, row.trigger, Source.DECLARED,
                                 "Declared by the operator")
    return None


def candidate_rules(*, deployment: Deployment, category: str,
                    rules: "Iterable[RetentionRule] | None" = None) -> list[EffectiveRule]:
    """Every term that applies to the category: the declaration and the statutory caps.
    `rules` as in `declared_rule`."""
    candidates = [
        EffectiveRule(category, cap.period, cap.trigger, Source.STATUTORY, cap.reference)
        for cap in statutory_caps(deployment=deployment) if cap.category == category
    ]
    declared = declared_rule(deployment=deployment, category=category, rules=rules)
    if declared is not None:
        candidates.insert(0, declared)
    if not candidates:
        period, trigger = PLATFORM_DEFAULTS[category]
        candidates.append(EffectiveRule(category, period, trigger, Source.PLATFORM_DEFAULT,
                                        _pack(deployment).retention_default_reference))
    return candidates


def effective_retention(*, deployment: Deployment, category: str) -> EffectiveRule:
    """The applicable rule with the shortest period, with its source and legal reference.
    On a tie the statute is named, since it binds whatever the declaration says."""
    candidates = candidate_rules(deployment=deployment, category=category)
    return min(candidates, key=lambda r: (r.period, r.source == Source.DECLARED))


def effective_retention_all(*, deployment: Deployment) -> list[EffectiveRule]:
    return [effective_retention(deployment=deployment, category=category)
            for category in DataCategory.values]


def exceeds_cap(*, deployment: Deployment, category: str) -> "StatutoryCap | None":
    """The cap a declaration asks to exceed (same trigger, longer period), if any."""
    declared = declared_rule(deployment=deployment, category=category)
    if declared is None:
        return None
    for cap in statutory_caps(deployment=deployment):
        if cap.category == category and declared.period > cap.period:
            return cap
    return None


@dataclass(frozen=True)
class Due:
    """When an item must be gone, and the term (trigger, rule, reference) that says so."""

    at: dt.datetime
    trigger: str
    rule: str
    reference: str


def due(*, deployment: Deployment, category: str,
        moments: Mapping[str, dt.datetime]) -> Due | None:
    """The earliest date any applicable term gives, with that term; None while no trigger of
    any applicable term has happened yet."""
    found = [Due(moments[r.trigger] + r.period, r.trigger, describe_rule(r), r.reference)
             for r in candidate_rules(deployment=deployment, category=category)
             if moments.get(r.trigger) is not None]
    erasure = erasure_reference(deployment=deployment)
    found += [Due(moments[event], event, "erase at once", erasure)
              for event in ERASURE_EVENTS.get(category, ()) if moments.get(event) is not None]
    return min(found, key=lambda d: d.at, default=None)


def describe_rule(rule: EffectiveRule) -> str:
    count, unit = ((rule.period.days, "day") if rule.period.days
                   else (int(rule.period.total_seconds() // 60), "minute"))
    amount = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{amount} after {RetentionTrigger(rule.trigger).label.removeprefix('after ')}"


def delete_after(*, deployment: Deployment, category: str,
                 moments: Mapping[str, dt.datetime]) -> dt.datetime | None:
    """When an item must be gone, given the moments its triggers happened (keyed by
    RetentionTrigger). None while no trigger of any applicable term has happened yet."""
    found = due(deployment=deployment, category=category, moments=moments)
    return found.at if found else None


# --- the declared rows, cached for the hot path ---------------------------------------------

RULES_STAMP = "retention-rules"


def declared_rules_cached(*, deployment_id: int) -> list[RetentionRule]:
    """The deployment's declared rule rows from the stamped cache (governance/platform/
    stamps.py): every verify and enrolment recomputes its person's delete_after, and the rules
    change a few times in a deployment's life. Every save or delete of a rule bumps the stamp
    (`connect_retention_rules_cache`); code that changes rules with `QuerySet.update()` must
    call `retention_rules_changed` itself."""
    from governance.platform.stamps import stamped

    return stamped(RULES_STAMP, deployment_id, lambda: list(
        RetentionRule.objects.filter(deployment_id=deployment_id).order_by("category")))


def retention_rules_changed(*, deployment_id: int) -> None:
    from governance.platform.stamps import stamp_bump

    stamp_bump(RULES_STAMP, deployment_id)


def connect_retention_rules_cache() -> None:
    """Bump a deployment's cached rules on every change to them (GovernanceConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    def rule_changed(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
        retention_rules_changed(deployment_id=instance.deployment_id)

    for signal in (post_save, post_delete):
        signal.connect(rule_changed, sender=RetentionRule, weak=False,
                       dispatch_uid="retention_rules_cache")
