"""Consent receipts in the shape of ISO/IEC TS 27560 (consent record information structure).

The receipt is derived from the consent and its ledger entries, so it always matches the
ledger. Its id changes with every event (a new receipt for a new state) and is stable
otherwise: uuid5 of the consent's receipt id and the latest entry's hash. Its `ledger_proof`
carries that latest entry (every field its hash covers) and the signed head that covers it, so
the person can later prove what was recorded (governance/platform/ledger_proof.py).
"""

import uuid
from typing import Any

from django.urls import reverse

from governance.models import Consent, ConsentLedgerEntry, Storage
from governance.platform.ledger import canonical_value
from governance.platform.ledger_proof import entry_proof

SCHEMA_VERSION = "ISO/IEC TS 27560:2023; FaceGov profile 1.0"
JURISDICTION = {
    "country": "CN",
    "laws": ["Personal Information Protection Law (PIPL)",
             "CAC Measures for the Security Management of Face Recognition Technology"],
}
# Until the retention engine supplies per-deployment rules, the statutory ceiling is stated.
RETENTION_TEXT = ("Until the purpose is satisfied or 3 years after your last interaction, "
                  "whichever comes first (BIPA 740 ILCS 14/15(a)); at once on withdrawal.")


def _pii_categories(consent: Consent) -> list[dict[str, Any]]:
    categories = [{"category": "facial_biometric_template", "description":
                   "A numeric template computed from your face.",
                   "sensitive": True, "special_category": True}]
    if consent.deployment.keeps_images:
        categories.append({"category": "face_image", "description": "Photos of your face.",
                           "sensitive": True, "special_category": True})
    categories.append({"category": "pseudonymous_identifier", "description":
                       "The reference the deployment knows you by.",
                       "sensitive": False, "special_category": False})
    return categories


def _storage(consent: Consent) -> dict[str, Any]:
    central = consent.deployment.storage == Storage.CENTRAL
    return {"location": consent.deployment.storage,
            "description": "A central database of the operator" if central
            else "Only on the recognition device",
            "separate_consent_given": consent.central_storage}


def _events(entries: list[ConsentLedgerEntry]) -> list[dict[str, Any]]:
    return [{"time": canonical_value(e.recorded_at), "state": e.kind,
             "ledger_sequence": e.sequence, "entry_hash": e.entry_hash} for e in entries]


def consent_receipt(consent: Consent) -> dict[str, Any]:
    deployment, organisation = consent.deployment, consent.deployment.organisation
    entries = list(consent.ledger_entries.order_by("sequence"))
    latest_hash = entries[-1].entry_hash if entries else ""
    notice = consent.notice
    return {
        "schema_version": SCHEMA_VERSION,
        "record_id": str(consent.receipt_id),
        "receipt_id": str(uuid.uuid5(consent.receipt_id, latest_hash)),
        "receipt_issued_at": canonical_value(entries[-1].recorded_at) if entries else None,
        "language": consent.language,
        "state": consent.state,
        "needs_renewal": consent.needs_renewal,
        "pii_principal": {
            "subject_ref": consent.subject_ref,
            "under_14": consent.subject_under_14,
            "guardian": ({"name": consent.guardian_name,
                          "relationship": consent.guardian_relationship}
                         if consent.subject_under_14 else None),
        },
        "controllers": [{"name": organisation.name,
                         "registration_number": organisation.registration_number,
                         "contact_email": organisation.contact_email,
                         "region": organisation.region}],
        "deployment": {"id": deployment.id, "name": deployment.name,
                       "location": deployment.location},
        "privacy_notice": {"version": consent.notice_version, "language": consent.language,
                           "published_at": canonical_value(notice.published_at)
                           if notice and notice.published_at else None},
        "purposes": [{"code": p.code, "name": p.name, "description": p.description,
                      "legal_basis": deployment.legal_basis}
                     for p in consent.purposes.order_by("code")],
        "pii_categories": _pii_categories(consent),
        "storage_location": _storage(consent),
        "retention_period": RETENTION_TEXT,
        "jurisdiction": JURISDICTION,
        "third_parties": [],
        "consent_type": "explicit",
        "collection_method": consent.method,
        "evidence": {"click_record": consent.evidence or None,
                     "signed_form_sha256": consent.evidence_sha256 or None},
        "expires_at": canonical_value(consent.expires_at) if consent.expires_at else None,
        "non_face_alternative": deployment.non_face_alternative,
        "withdrawal": {
            "method": "One click in the FaceGov citizen portal, or ask the operator; "
                      "your face templates in this deployment are deleted at once.",
            "api": reverse("api-consent-withdraw", args=[consent.receipt_id]),
            "portal": reverse("citizen-consents"),
        },
        "events": _events(entries),
        "ledger_proof": entry_proof(entries[-1]) if entries else None,
    }
