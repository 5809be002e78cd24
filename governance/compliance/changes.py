"""Which changes to a deployment make recognition safer, and which need the regulator.

A change is described as `{field: {"before": …, "after": …}}` in JSON values (purposes as
sorted codes, retention rules as sorted rows, the notice as its text). For a public-interest
deployment that the regulator approved, every change except the neutral ones (name,
description, notice wording) and the ones that are safer in their direction waits for the
regulator's approval. The table of directions is here, in one place, so that the services,
the pages and the tests read the same answer.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from governance.models import MATERIAL_FIELDS, Deployment, Storage

# Changes nobody needs to approve: they do not alter what is done with anyone's face.
NEUTRAL_FIELDS = frozenset({"name", "description", "notice"})
# Facts the impact assessment assessed; "retention_rules" too (how long faces are kept), and
# the jurisdiction (the law the deployment was judged by).
MATERIAL = MATERIAL_FIELDS | {"retention_rules", "jurisdiction"}
# What the public register shows of a change (governance.selectors.register's whitelist).
PUBLIC_FIELDS = frozenset({
    "name", "location", "scenario", "mode", "place_type", "is_public_place", "interest",
    "purposes", "legal_basis", "storage", "keeps_images", "non_face_alternative",
    "requires_liveness", "two_person_confirmation", "threshold", "retention_rules", "notice",
    "jurisdiction",
})

FIELD_LABELS = {
    "name": gettext_lazy("Name"), "description": gettext_lazy("Description"),
    "location": gettext_lazy("Location"), "scenario": gettext_lazy("Scenario"),
    "mode": gettext_lazy("Mode"), "place_type": gettext_lazy("Place"),
    "is_public_place": gettext_lazy("Public place"), "has_signage": gettext_lazy("Signage"),
    "interest": gettext_lazy("Interest"), "legal_basis": gettext_lazy("Legal basis"),
    "storage": gettext_lazy("Storage"),
    "central_storage_separate_consent": gettext_lazy("Separate consent to central storage"),
    "expected_subjects": gettext_lazy("Expected number of people"),
    "non_face_alternative": gettext_lazy("Non-face alternative"),
    "keeps_images": gettext_lazy("Raw face images kept"),
    "keeps_images_justification": gettext_lazy("Why images are kept"),
    "threshold": gettext_lazy("Decision threshold"),
    "requires_liveness": gettext_lazy("Liveness check"),
    "two_person_confirmation": gettext_lazy("Two-person confirmation of matches"),
    "purposes": gettext_lazy("Purposes"), "retention_rules": gettext_lazy("Retention"),
    "notice": gettext_lazy("Public notice"), "jurisdiction": gettext_lazy("Jurisdiction"),
}


def field_labels(names: Iterable[str]) -> str:
    """The fields as a person reads them, for messages."""
    return ", ".join(str(FIELD_LABELS.get(name, name)) for name in names)


# Booleans whose safe direction is on (True) or off (False).
_SAFE_WHEN_ON = frozenset({"requires_liveness", "two_person_confirmation", "has_signage",
                           "central_storage_separate_consent"})
_SAFE_WHEN_OFF = frozenset({"keeps_images"})


def retention_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Declared retention rules in one comparable shape, sorted by category."""
    return sorted(({"category": r["category"], "period_days": int(r["period_days"]),
                    "trigger": r["trigger"], "note": r.get("note", "") or ""} for r in rows),
                  key=lambda r: r["category"])


def current_value(deployment: Deployment, name: str) -> Any:
    """The stored value of one changeable field, in the JSON shape changes are recorded in."""
    if name == "purposes":
        return sorted(deployment.purposes.values_list("code", flat=True))
    if name == "retention_rules":
        return retention_rows(deployment.retention_rules.values(
            "category", "period_days", "trigger", "note"))
    if name == "notice":
        latest = deployment.notices.order_by("-version").first()
        return latest.text if latest else ""
    return getattr(deployment, name)


def proposed_changes(deployment: Deployment, *, fields: Mapping[str, Any],
                     purposes: Iterable[str] | None = None,
                     retention_rules: Iterable[Mapping[str, Any]] | None = None,
                     notice_text: str | None = None) -> dict[str, dict[str, Any]]:
    """What would change: each field whose proposed value differs from the stored one."""
    proposed: dict[str, Any] = dict(fields)
    if purposes is not None:
        proposed["purposes"] = sorted(set(purposes))
    if retention_rules is not None:
        proposed["retention_rules"] = retention_rows(retention_rules)
    if notice_text is not None and notice_text.strip():
        proposed["notice"] = notice_text.strip()
    changes = {}
    for name, after in proposed.items():
        before = current_value(deployment, name)
        if before != after:
            changes[name] = {"before": before, "after": after}
    return changes


def _retention_shorter(before: list[dict], after: list[dict]) -> bool:
    """The same categories and triggers, no period longer (a dropped declaration would fall
    back to a default that may be longer, so it is not counted as safer)."""
    old = {r["category"]: r for r in before}
    new = {r["category"]: r for r in after}
    return old.keys() == new.keys() and all(
        new[c]["trigger"] == old[c]["trigger"] and new[c]["period_days"] <= old[c]["period_days"]
        for c in old)


def is_safer(name: str, before: Any, after: Any, changes: Mapping[str, Any]) -> bool:
    """Whether this one change makes recognition stricter, narrower or shorter-lived."""
    if name in _SAFE_WHEN_ON:
        return after is True
    if name in _SAFE_WHEN_OFF:
        return after is False
    if name == "threshold":  # a distance: lower is stricter
        return after < before
    if name == "expected_subjects":
        return after < before
    if name == "storage":
        return after == Storage.ON_DEVICE
    if name == "purposes":
        return bool(after) and set(after) < set(before)
    if name == "retention_rules":
        return _retention_shorter(before, after)
    if name == "keeps_images_justification":  # moot once images are no longer kept
        return changes.get("keeps_images", {}).get("after") is False
    return False


def needing_approval(changes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The changed fields that only the regulator may let through (sorted)."""
    return sorted(name for name, change in changes.items()
                  if name not in NEUTRAL_FIELDS
                  and not is_safer(name, change["before"], change["after"], changes))


def material(changes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The changed facts the impact assessment rests on (a retention note is not one)."""
    def notes_only(change: Mapping[str, Any]) -> bool:
        strip = [[{k: v for k, v in row.items() if k != "note"} for row in change[side]]
                 for side in ("before", "after")]
        return strip[0] == strip[1]

    return sorted(name for name in changes if name in MATERIAL
                  and not (name == "retention_rules" and notes_only(changes[name])))


def material_unsafe(changes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The changed facts the impact assessment rests on, other than safer ones: they need a
    new assessment before they take effect."""
    return [name for name in needing_approval(changes) if name in MATERIAL]
