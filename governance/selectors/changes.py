"""Changes of a deployment as people read them: labels for fields, readable values.

A change is stored as JSON values (governance.models.changes); pages show each changed field
by its label with the value before and after in words — never a field name or a code.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from governance.compliance.changes import FIELD_LABELS, PUBLIC_FIELDS
from governance.models import (
    IN_EFFECT,
    DataCategory,
    Deployment,
    DeploymentChange,
    Interest,
    LegalBasis,
    Mode,
    PlaceType,
    Purpose,
    RetentionTrigger,
    Scenario,
    Storage,
)

CHOICES = {"scenario": Scenario, "mode": Mode, "place_type": PlaceType, "interest": Interest,
           "legal_basis": LegalBasis, "storage": Storage}


def _retention_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return _("the defaults and statutory caps")
    return "; ".join(
        f"{DataCategory(r['category']).label}: "
        + _("%(days)s days %(trigger)s") % {"days": r["period_days"],
                                           "trigger": RetentionTrigger(r["trigger"]).label}
        for r in rows)


def value_text(name: str, value: Any) -> str:
    """One recorded value in words."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in CHOICES and value in CHOICES[name].values:
        return str(CHOICES[name](value).label)
    if name == "purposes":
        names = dict(Purpose.objects.filter(code__in=value).values_list("code", "name"))
        return ", ".join(names.get(code, code) for code in value) or _("none")
    if name == "retention_rules":
        return _retention_text(value)
    return str(value) if value not in ("", None) else "—"


def change_rows(change: DeploymentChange, *, public: bool = False) -> list[dict[str, str]]:
    """[{label, before, after}] for each changed field (only the register's fields when
    `public`)."""
    return [{"label": str(FIELD_LABELS.get(name, name)),
             "before": value_text(name, values["before"]),
             "after": value_text(name, values["after"])}
            for name, values in sorted(change.changes.items())
            if not public or name in PUBLIC_FIELDS]


def changes_for_page(changes: QuerySet[DeploymentChange] | list) -> list[DeploymentChange]:
    """The changes with their readable rows attached (`change.rows`), for templates."""
    rows = list(changes)
    for change in rows:
        change.rows = change_rows(change)
    return rows


def change_history_public(deployment: Deployment) -> list[dict[str, Any]]:
    """What the public register shows: every change that took effect, when and why, and
    whether the regulator approved it — never who made it. `changes` holds the recorded
    values (for the API), `rows` the same in words (for the page)."""
    history = []
    for change in sorted((c for c in deployment.changes.all() if c.state in IN_EFFECT),
                         key=lambda c: (c.applied_at, c.id)):
        public = {name: values for name, values in change.changes.items()
                  if name in PUBLIC_FIELDS}
        if public:
            history.append({"applied_at": change.applied_at, "reason": change.reason,
                            "approved_by_regulator": change.state == "approved",
                            "changes": public, "rows": change_rows(change, public=True)})
    return history
