"""Writing recognition events, each chained to the previous one of its deployment."""

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from governance.models import Deployment
from recognition.models import ApiKey, RecognitionEvent, RecognitionMatch

GENESIS = "0" * 64
CHAINED_FIELDS = ("deployment_id", "sequence", "operation", "purpose", "outcome",
                  "refusal_code", "subject_ref", "faces", "distance", "threshold",
                  "api_key_id", "liveness", "created_at")


def event_hash(event: RecognitionEvent, matched_refs: list[str]) -> str:
    payload = {name: getattr(event, name) for name in CHAINED_FIELDS}
    payload["created_at"] = event.created_at.isoformat()
    payload["matched_refs"] = sorted(matched_refs)
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((event.prev_hash + canonical).encode()).hexdigest()


@transaction.atomic
def event_record(*, deployment: Deployment, operation: str, outcome: str, purpose: str = "",
                 refusal_code: str = "", subject_ref: str = "", faces: int = 0,
                 distance: float | None = None, threshold: float | None = None,
                 api_key: ApiKey | None = None, liveness: str = "",
                 matched_refs: list[str] | tuple[str, ...] = ()) -> RecognitionEvent:
    """Append one event to the deployment's chain. `matched_refs` are the people an
    identification matched: each of them sees the event in their records."""
    # Lock the deployment row: sequence numbers and hashes of one chain are assigned in order.
    Deployment.objects.select_for_update().filter(id=deployment.id).first()
    last = (RecognitionEvent.objects.filter(deployment=deployment)
            .order_by("-sequence").values("sequence", "entry_hash").first())
    event = RecognitionEvent(
        deployment=deployment, sequence=(last["sequence"] + 1) if last else 1,
        operation=operation, purpose=purpose, outcome=outcome, refusal_code=refusal_code,
        subject_ref=subject_ref, faces=faces,
        distance=None if distance is None else round(float(distance), 6),
        threshold=threshold, api_key=api_key, liveness=liveness,
        created_at=timezone.now(), prev_hash=last["entry_hash"] if last else GENESIS,
    )
    event.entry_hash = event_hash(event, list(matched_refs))
    event.save()
    RecognitionMatch.objects.bulk_create(
        RecognitionMatch(event=event, subject_ref=ref) for ref in dict.fromkeys(matched_refs))
    return event


def event_chain_first_break(*, deployment_id: int) -> RecognitionEvent | None:
    """The first event whose stored hash or link does not match, or None if the chain holds."""
    previous = GENESIS
    events = (RecognitionEvent.objects.filter(deployment_id=deployment_id)
              .order_by("sequence").prefetch_related("matches"))
    for event in events.iterator(chunk_size=1000):
        refs = [m.subject_ref for m in event.matches.all()]
        if event.prev_hash != previous or event.entry_hash != event_hash(event, refs):
            return event
        previous = event.entry_hash
    return None


def event_payload(event: RecognitionEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}
