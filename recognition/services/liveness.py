"""Liveness: the server challenges, the client answers with frames, one call is admitted.

A challenge is a random order of actions with a nonce and a short expiry; it is answered once.
A passed challenge admits exactly one enrolment or verification by the same face, within its
expiry. Frame digests are remembered per deployment, so a frame replayed from an earlier
answer — even to another challenge — fails.
"""

import secrets as pysecrets
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.errors import DomainError, PolicyRefusal
from governance.models import Deployment
from recognition.engine import (
    EngineError,
    compare,
    evaluate_measurements,
    frame_digest,
    load_image,
    measure_frame,
    new_challenge_actions,
)
from recognition.errors import ImageRefused
from recognition.models import ApiKey, LivenessChallenge, SeenFrame
from recognition.services.vault import deployment_key_ensure, deployment_secrets
from recognition.vault.crypto import open_sealed, seal, vector_from_bytes, vector_to_bytes

CHALLENGE_TTL = timedelta(minutes=2)
MAX_FRAME_BYTES = 2 * 1024 * 1024


def liveness_challenge_create(*, deployment: Deployment,
                              api_key: ApiKey | None = None) -> LivenessChallenge:
    rng = np.random.default_rng(int.from_bytes(pysecrets.token_bytes(16), "big"))
    return LivenessChallenge.objects.create(
        deployment=deployment, api_key=api_key, actions=new_challenge_actions(rng),
        nonce=pysecrets.token_hex(16), expires_at=timezone.now() + CHALLENGE_TTL)


def _identity_aad(challenge: LivenessChallenge) -> bytes:
    return f"facegov/liveness-identity/v1|challenge={challenge.id}".encode()


@dataclass(frozen=True)
class LivenessAnswer:
    passed: bool
    reason: str
    detail: str


def liveness_answer(*, deployment: Deployment, challenge_id: str,
                    frames: list[bytes]) -> LivenessAnswer:
    challenge = _open_challenge(deployment=deployment, challenge_id=challenge_id)
    # Replays are refused before any face is measured: cheap, and an attacker learns nothing.
    if _remember_frames(deployment=deployment, digests=[frame_digest(f) for f in frames]):
        return _close(challenge, LivenessAnswer(
            passed=False, reason="replayed_frame",
            detail="A frame was sent twice or was already used in an earlier answer."))
    try:
        images = [load_image(frame, max_bytes=MAX_FRAME_BYTES) for frame in frames]
    except EngineError as exc:
        _close(challenge, LivenessAnswer(passed=False, reason=exc.code, detail=exc.detail))
        raise ImageRefused(exc) from None
    measurements = [measure_frame(image) for image in images]
    result = evaluate_measurements(measurements, list(challenge.actions))
    if result.passed:
        vectors = np.stack([m.vector for m in measurements if m.vector is not None])
        secrets = deployment_secrets(deployment_key_ensure(deployment=deployment))
        challenge.sealed_identity = seal(key=secrets.key,
                                         plaintext=vector_to_bytes(vectors.mean(axis=0)),
                                         aad=_identity_aad(challenge))
    return _close(challenge, LivenessAnswer(passed=result.passed, reason=result.reason or "",
                                            detail=result.detail))


def _close(challenge: LivenessChallenge, answer: LivenessAnswer) -> LivenessAnswer:
    challenge.passed = answer.passed
    challenge.failure_reason = answer.reason
    challenge.save(update_fields=["passed", "failure_reason", "sealed_identity"])
    return answer


def _open_challenge(*, deployment: Deployment, challenge_id: str) -> LivenessChallenge:
    with transaction.atomic():
        challenge = (LivenessChallenge.objects.select_for_update()
                     .filter(id=challenge_id, deployment=deployment).first())
        if challenge is None:
            raise DomainError("No such liveness challenge.", code="liveness_challenge_unknown")
        if challenge.answered_at is not None:
            raise DomainError("This challenge was already answered.",
                              code="liveness_challenge_used")
        if challenge.expires_at <= timezone.now():
            raise DomainError("This challenge has expired; ask for a new one.",
                              code="liveness_challenge_expired")
        # Claim it now: a second concurrent answer sees it answered.
        challenge.answered_at = timezone.now()
        challenge.save(update_fields=["answered_at"])
    return challenge


def _remember_frames(*, deployment: Deployment, digests: list[str]) -> bool:
    """Record the digests; True if any was seen before (in this or an earlier answer)."""
    replayed = len(set(digests)) != len(digests)
    for digest in set(digests):
        try:
            with transaction.atomic():
                SeenFrame.objects.create(deployment=deployment, digest=digest)
        except IntegrityError:
            replayed = True
    return replayed


def liveness_consume(*, deployment: Deployment, challenge_id: str,
                     probe: np.ndarray | None = None, threshold: float | None = None) -> str:
    """Spend a passed challenge on one recognition call. Returns the liveness note for the
    event ("" when the deployment does not require liveness and none was given)."""
    if not challenge_id:
        if deployment.requires_liveness:
            raise PolicyRefusal("This deployment requires a passed liveness challenge.",
                                code="liveness_required")
        return ""
    with transaction.atomic():
        challenge = (LivenessChallenge.objects.select_for_update()
                     .filter(id=challenge_id, deployment=deployment).first())
        if challenge is None or not challenge.passed:
            raise PolicyRefusal("The liveness challenge was not passed.",
                                code="liveness_failed")
        if challenge.consumed_at is not None:
            raise PolicyRefusal("This liveness challenge was already used.",
                                code="liveness_challenge_used")
        if challenge.expires_at <= timezone.now():
            raise PolicyRefusal("The liveness challenge has expired.",
                                code="liveness_challenge_expired")
        if probe is not None:
            _require_same_face(challenge, deployment, probe, threshold)
        challenge.consumed_at = timezone.now()
        challenge.sealed_identity = b""
        challenge.save(update_fields=["consumed_at", "sealed_identity"])
    return f"passed:{challenge.id}"


def _require_same_face(challenge: LivenessChallenge, deployment: Deployment,
                       probe: np.ndarray, threshold: float | None) -> None:
    secrets = deployment_secrets(deployment_key_ensure(deployment=deployment))
    identity = vector_from_bytes(open_sealed(key=secrets.key,
                                             sealed=bytes(challenge.sealed_identity),
                                             aad=_identity_aad(challenge)))
    if compare(identity, probe) > (threshold or deployment.threshold):
        raise PolicyRefusal("The face in the image is not the face that passed liveness.",
                            code="liveness_identity_mismatch")
