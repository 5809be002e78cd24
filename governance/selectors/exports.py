"""An access export shown as a page: the same document the JSON download holds, in words.

The document's values are JSON (ISO times, codes); a person reads labels and local dates.
Sections other apps provide (recognition events, deletion certificates) carry their own
labels (`operation_label`, `outcome_label`); a row without them shows what it has.
"""

import datetime as dt
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from governance.models import (
    ConsentState,
    DataCategory,
    DeletionTrigger,
    DeploymentStatus,
    Purpose,
    RequestState,
    RequestType,
    Storage,
)


def _when(value: Any) -> dt.datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _label(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def export_for_page(document: dict[str, Any]) -> dict[str, Any]:
    """The export's sections as rows of readable values, for the citizen's request page."""
    purposes = dict(Purpose.objects.values_list("code", "name"))
    names = {d["id"]: d["name"] for d in document.get("deployments", [])}

    def purpose_names(codes: list[str]) -> str:
        return ", ".join(gettext(purposes.get(code, code)) for code in codes)

    return {
        "generated_at": _when(document.get("generated_at")),
        "deployments": [
            {"name": d["name"], "operator": d["operator"], "location": d.get("location", ""),
             "status": _label(DeploymentStatus, d.get("status")),
             "storage": _label(Storage, d.get("storage")),
             "purposes": purpose_names(d.get("purposes", [])),
             "alternative": d.get("non_face_alternative", ""),
             "subject_ref": d.get("subject_ref", "")}
            for d in document.get("deployments", [])],
        "consents": [
            {"deployment": c["deployment"], "purposes": purpose_names(c.get("purposes", [])),
             "state": _label(ConsentState, c.get("state")),
             "given_at": _when(c.get("given_at")), "withdrawn_at": _when(c.get("withdrawn_at")),
             "expires_at": _when(c.get("expires_at")), "receipt_id": c.get("receipt_id")}
            for c in document.get("consents", [])],
        "refusals": [
            {"deployment": r["deployment"], "recorded_at": _when(r.get("recorded_at")),
             "alternative": r.get("alternative_offered", "")}
            for r in document.get("refusals", [])],
        "rights_requests": [
            {"type": _label(RequestType, r.get("type")), "state": _label(RequestState,
                                                                          r.get("state")),
             "received_at": _when(r.get("received_at")), "due_at": _when(r.get("due_at"))}
            for r in document.get("rights_requests", [])],
        "recognition_events": [
            {"time": _when(e.get("time")), "deployment": names.get(e.get("deployment_id"), ""),
             "what": e.get("operation_label") or e.get("operation") or e.get("kind", ""),
             "outcome": e.get("outcome_label") or e.get("outcome", ""),
             "purpose": gettext(purposes.get(e.get("purpose", ""), e.get("purpose", "")))}
            for e in document.get("recognition_events", [])],
        "deletion_certificates": [
            {"recorded_at": _when(c.get("recorded_at")), "reference": c.get("reference", ""),
             "deployment": names.get(c.get("deployment_id"), ""),
             "what": f"{c.get('count', '')} × {_label(DataCategory, c.get('category'))}",
             "why": _label(DeletionTrigger, c.get("trigger")), "rule": c.get("rule", ""),
             "legal_reference": c.get("legal_reference", "")}
            for c in document.get("deletion_certificates", [])],
    }
