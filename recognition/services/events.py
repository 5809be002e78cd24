"""Writing recognition events onto their deployment's hash chain (governance.platform.ledger)."""

import datetime as dt

from django.db import transaction

from governance.models import Deployment
from governance.platform.ledger import chain_append
from recognition.models import ApiKey, Device, RecognitionEvent, RecognitionMatch

RECOGNITION_LEDGER = "recognition event"


def event_record(*, deployment: Deployment, operation: str, outcome: str, purpose: str = "",
                 refusal_code: str = "", subject_ref: str = "", faces: int = 0,
                 distance: float | None = None, threshold: float | None = None,
                 api_key: ApiKey | None = None, liveness: str = "",
                 liveness_cues: dict[str, dict[str, object]] | None = None,
                 matched_refs: list[str] | tuple[str, ...] = (),
                 device: Device | None = None,
                 recorded_at: dt.datetime | None = None) -> RecognitionEvent:
    """Append one event to the deployment's chain. `matched_refs` are the people an
    identification matched: each of them sees the event in their records. One transaction
    (a savepoint when called inside one): see `event_record_in_transaction`."""
    with transaction.atomic():
        return event_record_in_transaction(
            deployment=deployment, operation=operation, outcome=outcome, purpose=purpose,
            refusal_code=refusal_code, subject_ref=subject_ref, faces=faces,
            distance=distance, threshold=threshold, api_key=api_key, liveness=liveness,
            liveness_cues=liveness_cues, matched_refs=matched_refs, device=device,
            recorded_at=recorded_at)


def event_record_in_transaction(
        *, deployment: Deployment, operation: str, outcome: str, purpose: str = "",
        refusal_code: str = "", subject_ref: str = "", faces: int = 0,
        distance: float | None = None, threshold: float | None = None,
        api_key: ApiKey | None = None, liveness: str = "",
        liveness_cues: dict[str, dict[str, object]] | None = None,
        matched_refs: list[str] | tuple[str, ...] = (), device: Device | None = None,
        recorded_at: dt.datetime | None = None) -> RecognitionEvent:
    """`event_record` for a caller already inside the transaction the event belongs to, which
    lets every error propagate out of it (no savepoint: two round trips fewer; an error
    aborts the caller's whole transaction, which must then not catch it and carry on)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record_in_transaction must run inside a transaction")
    # The chain's owner is locked so sequence numbers and hashes are assigned in order. (Not
    # in the same statement as the head's read: under READ COMMITTED that read would use the
    # snapshot taken before the lock was granted and miss the entry its holder committed.)
    Deployment.objects.select_for_update().filter(id=deployment.id).order_by().values_list(
        "id", flat=True).first()
    refs = list(dict.fromkeys(matched_refs))
    event = chain_append(RecognitionEvent(
        deployment=deployment, operation=operation, purpose=purpose, outcome=outcome,
        refusal_code=refusal_code, subject_ref=subject_ref, faces=faces,
        distance=None if distance is None else round(float(distance), 6),
        threshold=threshold, api_key=api_key, liveness=liveness,
        liveness_cues=liveness_cues or {}, matched_refs=refs, device=device,
        recorded_at=recorded_at))
    RecognitionMatch.objects.bulk_create(RecognitionMatch(event=event, subject_ref=ref)
                                         for ref in refs)
    return event
