"""Human names for the machine codes people would otherwise see (docs/i18n.md).

Codes stay English and stable in the API (`code`); pages show these labels instead. Governance
holds the table for every app's refusal codes as plain strings, so it imports no other app.
"""

from django.utils.translation import gettext_lazy as _

from governance.purposes import PURPOSE_TAXONOMY

REFUSAL_LABELS = {
    "deployment_not_active": _("the deployment is not active"),
    "purpose_not_allowed": _("purpose not approved for this deployment"),
    "no_consent": _("no consent"),
    "consent_withdrawn": _("consent withdrawn"),
    "consent_expired": _("consent expired"),
    "consent_needs_renewal": _("consent must be renewed"),
    "separate_consent_missing": _("separate consent missing"),
    "consent_ledger_mismatch": _("consent record disagrees with its ledger"),
    "restricted": _("processing restricted at the person's request"),
    "unknown_operation": _("unknown operation"),
    "subject_not_enrolled": _("person not enrolled"),
    "legal_hold": _("under a legal hold"),
    "api_key_revoked": _("API key revoked"),
    "invalid_api_key": _("invalid API key"),
    "identity_mismatch": _("not the same person"),
    "liveness_required": _("liveness check required"),
    "liveness_failed": _("liveness check failed"),
    "liveness_challenge_expired": _("liveness challenge expired"),
    "liveness_challenge_unknown": _("unknown liveness challenge"),
    "liveness_challenge_used": _("liveness challenge already used"),
    "liveness_identity_mismatch": _("liveness frames show someone else"),
    "liveness_rate_limited": _("too many liveness challenges"),
    "no_face": _("no face found"),
    "no_face_in_frame": _("no face in a frame"),
    "multiple_faces": _("more than one face"),
    "multiple_faces_in_frame": _("more than one face in a frame"),
    "face_too_small": _("face too small"),
    "face_too_blurry": _("face too blurry"),
    "face_partial": _("face only partly visible"),
    "image_invalid": _("not a readable image"),
    "image_format_unsupported": _("image format not supported"),
    "image_too_large": _("image too large"),
    "image_too_big_bytes": _("image file too large"),
}


def refusal_label(code: str) -> str:
    """The human name of a refusal code; an unknown code reads as a plain refusal."""
    return str(REFUSAL_LABELS.get(code, _("refused")))


def purpose_label(code: str) -> str:
    """The translated name of a taxonomy purpose, from its code ("" stays "")."""
    for purpose_code, name, _description in PURPOSE_TAXONOMY:
        if purpose_code == code:
            return str(_(name))
    return code


def _choices() -> dict:
    from governance import models as m

    return {"legal_basis": m.LegalBasis, "consent_event": m.LedgerEntryKind,
            "consent_state": m.ConsentState, "deployment_status": m.DeploymentStatus,
            "storage": m.Storage, "place_type": m.PlaceType, "scenario": m.Scenario,
            "mode": m.Mode, "interest": m.Interest, "jurisdiction": m.Jurisdiction,
            "data_category": m.DataCategory, "request_type": m.RequestType,
            "request_state": m.RequestState, "consent_method": m.ConsentMethod}


def choice_label(value: str, kind: str) -> str:
    """The display name of a stored choice value that reached a page without its model
    (receipts, exports): `{{ p.legal_basis|choice_label:"legal_basis" }}`."""
    choices = _choices().get(kind)
    if choices is None or value in (None, ""):
        return value or ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
