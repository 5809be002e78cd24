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
from django.utils.translation import gettext as _

from governance.compliance.packs import pack_for
from governance.models import Consent, ConsentLedgerEntry, DataCategory, Deployment, Storage
from governance.platform.ledger import canonical_value
from governance.platform.ledger_proof import entry_proof
from governance.retention.rules import describe_rule, effective_retention, erasure_reference

SCHEMA_VERSION = "ISO/IEC TS 27560:2023; FaceGov profile 1.0"


def _jurisdiction(deployment: Deployment) -> dict[str, Any]:
    """The law the receipt is issued under: the deployment's rule pack."""
    pack = pack_for(deployment.jurisdiction)
    return {"country": pack.jurisdiction, "laws": list(pack.receipt_laws)}


def retention_statement(deployment: Deployment) -> str:
    """How long the template is kept, as its effective retention rule says (declared, or the
    pack's statutory cap, or the platform default), with the article that erases it on
    withdrawal."""
    rule = effective_retention(deployment=deployment, category=DataCategory.FACE_TEMPLATE)
    return _("%(rule)s (%(reference)s); at once when you withdraw your consent "
             "(%(erasure)s).") % {"rule": describe_rule(rule), "reference": rule.reference,
                                  "erasure": erasure_reference(deployment=deployment)}


def _pii_categories(consent: Consent) -> list[dict[str, Any]]:
    categories = [{"category": "facial_biometric_template", "description":
                   _("A numeric template computed from your face."),
                   "sensitive": True, "special_category": True}]
    if consent.deployment.keeps_images:
        categories.append({"category": "face_image", "description": _("Photos of your face."),
                           "sensitive": True, "special_category": True})
    categories.append({"category": "pseudonymous_identifier", "description":
                       _("The reference the deployment knows you by."),
                       "sensitive": False, "special_category": False})
    return categories


def _storage(consent: Consent) -> dict[str, Any]:
    central = consent.deployment.storage == Storage.CENTRAL
    return {"location": consent.deployment.storage,
            "description": _("A central database of the operator") if central
            else _("Only on the recognition device"),
            "separate_consent_given": consent.central_storage}


def _events(entries: list[ConsentLedgerEntry]) -> list[dict[str, Any]]:
    return [{"time": canonical_value(e.recorded_at), "state": e.kind,
             "ledger_sequence": e.sequence, "entry_hash": e.entry_hash} for e in entries]


def consent_receipt(consent: Consent) -> dict[str, Any]:
    deployment, organisation = consent.deployment, consent.deployment.organisation
    pack = pack_for(deployment.jurisdiction)
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
            "minor": consent.subject_minor,
            "guardian_age": pack.guardian_age,
            "guardian": ({"name": consent.guardian_name,
                          "relationship": consent.guardian_relationship}
                         if consent.subject_minor else None),
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
        "retention_period": retention_statement(deployment),
        "jurisdiction": _jurisdiction(deployment),
        "third_parties": [],
        "consent_type": "explicit",
        "collection_method": consent.method,
        "evidence": {"click_record": consent.evidence or None,
                     "signed_form_sha256": consent.evidence_sha256 or None},
        "expires_at": canonical_value(consent.expires_at) if consent.expires_at else None,
        "non_face_alternative": deployment.non_face_alternative,
        "withdrawal": {
            "method": _("One click in the FaceGov citizen portal, or ask the operator; "
                        "your face templates in this deployment are deleted at once."),
            "api": reverse("api-consent-withdraw", args=[consent.receipt_id]),
            "portal": reverse("citizen-consents"),
        },
        "events": _events(entries),
        "ledger_proof": entry_proof(entries[-1]) if entries else None,
    }
