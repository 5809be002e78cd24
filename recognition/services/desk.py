"""Desk enrolment: at a counter, staff record a person's signed consent (the paper form
uploaded and sealed) and enrol their photo — through the same services as the API
(governance consent_give, recognition_enroll).

All or nothing: the photo is checked by the engine before anything is written (no face, two
faces, a blurred face are refused at once), then the consent and the template are written in
one transaction, so a refusal from the policy gate or the vault leaves no consent behind. A
refusal is recorded as the deployment's `refused` recognition event, as on the API.
"""

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from governance.errors import DomainError
from governance.models import Consent, Deployment
from governance.permissions import require
from governance.services.consent import consent_give
from recognition.engine import EngineError, encode_for_enrolment, load_image
from recognition.errors import ImageRefused
from recognition.models import Operation, Outcome
from recognition.services.events import event_record
from recognition.services.recognition import Caller, EnrolResult, recognition_enroll


@dataclass(frozen=True)
class DeskEnrolment:
    consent: Consent | None
    enrolment: EnrolResult


def desk_enrol(*, deployment: Deployment, actor: Any, subject_ref: str, purpose: str,
               photo: bytes, photo_content_type: str = "",
               consent: dict[str, Any] | None = None,
               signed_form: UploadedFile | None = None) -> DeskEnrolment:
    """Enrol `photo` for `subject_ref` under `purpose`. With `consent` (the keyword
    arguments of consent_give: purposes, method, guardian…) and the `signed_form`, record
    that consent first; without, the person's consent on record is relied on (the gate
    refuses `no_consent` if there is none). Raises a DomainError and stores nothing else
    than the refused event."""
    require(actor, "consent.record", deployment)
    require(actor, "deployment.try_recognition", deployment)
    caller = Caller(deployment=deployment, api_key=None)
    try:
        encode_for_enrolment(load_image(photo))  # refuse a bad photo before writing anything
        with transaction.atomic():
            given = None
            if consent is not None:
                given = consent_give(deployment=deployment, actor=actor,
                                     subject_ref=subject_ref, evidence_file=signed_form,
                                     **consent)
            enrolled = recognition_enroll(caller=caller, subject_ref=subject_ref,
                                          purpose=purpose, image=photo,
                                          content_type=photo_content_type)
    except (EngineError, DomainError) as exc:
        error = ImageRefused(exc) if isinstance(exc, EngineError) else exc
        event_record(deployment=deployment, operation=Operation.ENROLL,
                     outcome=Outcome.REFUSED, purpose=purpose, refusal_code=error.code,
                     subject_ref=subject_ref, api_key=None)
        if error is exc:
            raise
        raise error from exc
    return DeskEnrolment(consent=given, enrolment=enrolled)
