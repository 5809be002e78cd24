"""Enrol, verify, identify, delete — each through the policy gate, each leaving an event.

A refusal (gate, liveness, bad image) writes a `refused` event in its own transaction and
stores nothing else; the caller gets the refusal's code. Engine work happens outside any
database transaction so that a slow image never holds a lock.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import DomainError
from governance.models import DataCategory, DeletionTrigger, Deployment, Storage
from governance.services.retention import (
    retention_destroy_due,
    retention_subject_erase_schedule,
)
from recognition.engine import (
    EngineError,
    compare,
    distances,
    encode_all,
    encode_for_enrolment,
    encode_probe,
    load_image,
)
from recognition.errors import (
    CentralEnrolmentRefused,
    DataUnderLegalHold,
    IdentityMismatch,
    ImageRefused,
    SubjectNotEnrolled,
)
from recognition.gallery import gallery_for
from recognition.models import (
    ApiKey,
    MatchConfirmation,
    Operation,
    Outcome,
    RecognitionEvent,
    Template,
    VaultSubject,
)
from recognition.retention import subjects_interaction_record
from recognition.services import policy_gate
from recognition.services.confirmations import confirmations_open
from recognition.services.events import event_record, event_record_in_transaction
from recognition.services.liveness import liveness_consume
from recognition.services.vault import (
    deployment_key_ensure,
    deployment_secrets,
    subject_enrolled_load,
    subject_vectors,
    template_store,
)

MAX_TOP_K = 20


@dataclass(frozen=True)
class Caller:
    """Who is calling: the deployment (from the API key) and the key itself."""

    deployment: Deployment
    api_key: ApiKey | None


@contextmanager
def _refusals_logged(caller: Caller, operation: str, *, purpose: str,
                     subject_ref: str = "") -> Iterator[None]:
    """Any refusal raised inside — the gate's, liveness's, a bad image's — is written as the
    deployment's `refused` event (after any inner transaction rolled back) and re-raised."""
    try:
        yield
    except (EngineError, DomainError) as exc:
        error = ImageRefused(exc) if isinstance(exc, EngineError) else exc
        event_record(deployment=caller.deployment, operation=operation,
                     outcome=Outcome.REFUSED, purpose=purpose, refusal_code=error.code,
                     subject_ref=subject_ref, api_key=caller.api_key)
        if error is exc:
            raise
        raise error from exc


def subjects_touch(deployment: Deployment, subjects) -> None:  # type: ignore[no-untyped-def]
    """An interaction restarts the people's retention clock: their delete_after moves."""
    with transaction.atomic():
        subjects_interaction_record(deployment=deployment, subjects=subjects, at=timezone.now())


@dataclass(frozen=True)
class EnrolResult:
    event: RecognitionEvent
    subject_ref: str
    templates: int


def recognition_enroll(*, caller: Caller, subject_ref: str, purpose: str, image: bytes,
                       content_type: str = "", liveness_challenge: str = "") -> EnrolResult:
    op = Operation.ENROLL
    deployment = caller.deployment
    with _refusals_logged(caller, op, purpose=purpose, subject_ref=subject_ref):
        policy_gate.require_subject(deployment=deployment, subject_ref=subject_ref,
                                    purpose=purpose, operation=op)
        if deployment.storage == Storage.ON_DEVICE:
            raise CentralEnrolmentRefused(
                _("This deployment keeps templates on its devices: enrol through a "
                  "registered device, not the central vault. Nothing was stored."))
        template = encode_for_enrolment(load_image(image))
        liveness = liveness_consume(deployment=deployment, challenge_id=liveness_challenge,
                                    probe=template.vector)
        with transaction.atomic():
            # Re-check inside the write, from the database: a consent withdrawn while the
            # engine ran refuses here, even in the instant before its cache stamp moves.
            policy_gate.require_subject(deployment=deployment, subject_ref=subject_ref,
                                        purpose=purpose, operation=op, from_database=True)
            _require_same_identity(deployment, subject_ref, template.vector)
            stored = template_store(deployment=deployment, subject_ref=subject_ref,
                                    vector=template.vector,
                                    image=image if deployment.keeps_images else None,
                                    image_content_type=content_type)
            event = event_record(deployment=deployment, operation=op,
                                 outcome=Outcome.ENROLLED, purpose=purpose,
                                 subject_ref=subject_ref, faces=1, api_key=caller.api_key,
                                 liveness=liveness.note, liveness_cues=liveness.cues)
    return EnrolResult(event=event, subject_ref=subject_ref,
                       templates=stored.subject.templates.count())


def _require_same_identity(deployment: Deployment, subject_ref: str,
                           vector: np.ndarray) -> None:
    """A further template of an enrolled subject must match every one they already hold at
    the deployment's threshold; else someone else's face would be verified as them. Every
    one, not the nearest: a chain of look-alikes cannot walk the identity away. The subject
    row is locked, so two enrolments racing are checked one after the other."""
    subject = (VaultSubject.objects.select_for_update()
               .filter(deployment=deployment, subject_ref=subject_ref).first())
    if subject is None:
        return
    secrets = deployment_secrets(deployment_key_ensure(deployment=deployment))
    stored = subject_vectors(subject=subject, secrets=secrets)
    if len(stored) and float(distances(stored, secrets.transform.apply(vector)).max()) > (
            deployment.threshold):
        raise IdentityMismatch(_("This photo does not match the person already enrolled under "
                               "this reference; nothing was stored."))


@dataclass(frozen=True)
class VerifyResult:
    match: bool
    distance: float
    threshold: float
    event: RecognitionEvent


def recognition_verify(*, caller: Caller, subject_ref: str, purpose: str, image: bytes,
                       liveness_challenge: str = "") -> VerifyResult:
    op = Operation.VERIFY
    deployment = caller.deployment
    with _refusals_logged(caller, op, purpose=purpose, subject_ref=subject_ref):
        policy_gate.require_subject(deployment=deployment, subject_ref=subject_ref,
                                    purpose=purpose, operation=op)
        probe = encode_probe(load_image(image))
        # Read after the engine ran, so a deletion committed meanwhile is not matched. One
        # query: the templates, their subject's wrapped key and the deployment's key row.
        enrolled = subject_enrolled_load(deployment=deployment, subject_ref=subject_ref)
        if enrolled is None:
            raise SubjectNotEnrolled(_("This subject has no template in this deployment."))
        liveness = liveness_consume(deployment=deployment, challenge_id=liveness_challenge,
                                    probe=probe.vector)
    transformed = enrolled.secrets.transform.apply(probe.vector)
    distance = float(min(compare(row, transformed) for row in enrolled.vectors))
    match = distance <= deployment.threshold
    # The interaction and its event: one transaction, no savepoints inside (nothing in it
    # catches an error and carries on; any error rolls both back).
    with transaction.atomic():
        subjects_interaction_record(deployment=deployment, at=timezone.now(),
                                    subjects=VaultSubject.objects.filter(id=enrolled.subject_id))
        event = event_record_in_transaction(deployment=deployment, operation=op,
                             outcome=Outcome.MATCH if match else Outcome.NO_MATCH,
                             purpose=purpose, subject_ref=subject_ref, faces=1,
                             distance=distance, threshold=deployment.threshold,
                             api_key=caller.api_key, liveness=liveness.note,
                             liveness_cues=liveness.cues)
    return VerifyResult(match=match, distance=distance, threshold=deployment.threshold,
                        event=event)


@dataclass(frozen=True)
class FaceResult:
    box: tuple[int, int, int, int]
    candidates: list[tuple[str, float]]


@dataclass(frozen=True)
class IdentifyResult:
    faces: list[FaceResult]
    threshold: float
    event: RecognitionEvent
    # Matches that must be confirmed by two people before anyone acts on them.
    confirmations: list[MatchConfirmation]


def recognition_identify(*, caller: Caller, purpose: str, image: bytes,
                         top_k: int = 5) -> IdentifyResult:
    op = Operation.IDENTIFY
    deployment = caller.deployment
    with _refusals_logged(caller, op, purpose=purpose):
        policy_gate.require_deployment(deployment=deployment, purpose=purpose)
        faces = encode_all(load_image(image))
    index, secrets = gallery_for(deployment_id=deployment.id)
    results: list[FaceResult] = []
    matched: list[str] = []
    # With shard workers the search may be refused (gallery_unavailable): logged like any refusal.
    with _refusals_logged(caller, op, purpose=purpose):
        for face in faces:
            candidates = _candidates(deployment, index, secrets, face.vector, purpose,
                                     top_k=min(max(top_k, 1), MAX_TOP_K))
            matched.extend(ref for ref, _ in candidates[:1])
            results.append(FaceResult(box=tuple(face.box), candidates=candidates))
    if matched:  # a match is an interaction: the retention clock of those people restarts
        subjects_touch(deployment, VaultSubject.objects.filter(deployment=deployment,
                                                       subject_ref__in=matched))
    best = [c[0][1] for c in (r.candidates for r in results) if c]
    with transaction.atomic():
        event = event_record(deployment=deployment, operation=op,
                             outcome=Outcome.MATCH if matched else Outcome.NO_MATCH,
                             purpose=purpose, matched_refs=matched, faces=len(faces),
                             distance=min(best) if best else None,
                             threshold=deployment.threshold, api_key=caller.api_key)
        confirmations = confirmations_open(
            deployment=deployment, event=event,
            matches=[r.candidates[0] for r in results if r.candidates])
    return IdentifyResult(faces=results, threshold=deployment.threshold, event=event,
                          confirmations=confirmations)


def _candidates(deployment: Deployment, index, secrets, vector: np.ndarray, purpose: str, *,
                top_k: int) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    if secrets is None or len(index) == 0:
        return []
    # A subject may hold several templates: ask for more rows, keep each subject's nearest.
    found = index.search(secrets.transform.apply(vector), top_k=top_k * 4,
                         threshold=deployment.threshold)
    # Only people who still have a template now: an index built before a deletion committed
    # (a shard worker's, reloading) never reports the deleted person.
    refs = dict(VaultSubject.objects.filter(id__in=[c.subject_ref for c in found])
                .filter(Exists(Template.objects.filter(subject_id=OuterRef("id"))))
                .values_list("id", "subject_ref"))
    best: dict[str, float] = {}
    for candidate in found:
        ref = refs.get(candidate.subject_ref)
        if ref is not None and ref not in best:
            best[ref] = candidate.distance
    # Consent is checked per matched person, now: a withdrawal not yet purged still refuses.
    allowed = [(ref, d) for ref, d in best.items()
               if policy_gate.allows_subject(deployment=deployment, subject_ref=ref,
                                             purpose=purpose)]
    return allowed[:top_k]


@dataclass(frozen=True)
class DeleteResult:
    deleted: bool
    templates: int
    event: RecognitionEvent | None


BIOMETRIC_CATEGORIES = (DataCategory.FACE_TEMPLATE, DataCategory.FACE_IMAGE)


def _destroy_subject(deployment: Deployment, subject_ref: str, reason: str,
                     api_key: ApiKey | None) -> DeleteResult:
    """Destroy the subject's due templates and images through the retention engine (one
    certificate per category) and log one `delete` event. Idempotent: when nothing is left,
    nothing is destroyed and no event is written."""
    report = retention_destroy_due(deployment_id=deployment.id, subject_ref=subject_ref,
                                   categories=BIOMETRIC_CATEGORIES)
    if not report.destroyed:
        if VaultSubject.objects.filter(deployment=deployment, subject_ref=subject_ref).exists():
            raise DataUnderLegalHold(_("A legal hold keeps this person's data for now; it is "
                                     "deleted when the hold ends."))
        return DeleteResult(deleted=False, templates=0, event=None)
    event = event_record(deployment=deployment, operation=Operation.DELETE,
                         outcome=Outcome.DELETED, purpose=reason, subject_ref=subject_ref,
                         api_key=api_key)
    return DeleteResult(deleted=True,
                        templates=report.by_category.get(DataCategory.FACE_TEMPLATE, 0),
                        event=event)


def recognition_subject_delete(*, caller: Caller, subject_ref: str,
                               reason: str) -> DeleteResult:
    """The operator's device deletes a subject: due from now, destroyed at once with a
    certificate (crypto-shredding); a legal hold refuses with `legal_hold` and keeps it due.
    A device of a deployment that is not active may not act (`deployment_not_active`,
    logged, nothing destroyed): a suspension freezes the data as it is for the regulator."""
    deployment, api_key = caller.deployment, caller.api_key
    with _refusals_logged(caller, Operation.DELETE, purpose=reason, subject_ref=subject_ref):
        policy_gate.require_active(deployment=deployment)
    with transaction.atomic():
        retention_subject_erase_schedule(deployment=deployment, subject_ref=subject_ref,
                                         trigger=DeletionTrigger.DELETION_REQUEST)
    return _destroy_subject(deployment, subject_ref, reason, api_key)


def purge_handler(*, deployment_id: int, subject_ref: str, reason: str) -> None:
    """Governance's purge hook: consent withdrawn or deletion granted. The items were made
    due in the caller's transaction; destroy them now (a hold defers them, recorded by the
    sweep, and the sweep destroys them when it ends)."""
    from governance.purge import ERASURE_TRIGGER
    from recognition.services.devices import device_subject_erase

    deployment = Deployment.objects.get(id=deployment_id)
    # On devices: a deletion order to each device holding the person (acknowledged later).
    device_subject_erase(deployment_id=deployment_id, subject_ref=subject_ref,
                         trigger=ERASURE_TRIGGER.get(reason, DeletionTrigger.DELETION_REQUEST))
    try:
        _destroy_subject(deployment, subject_ref, reason, None)
    except DataUnderLegalHold:
        pass
