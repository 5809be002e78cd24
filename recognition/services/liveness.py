"""Liveness: the server challenges, the client answers with frames, one call is admitted.

A challenge is a random order of actions (both turns and one non-rigid action) with a nonce
and a short expiry; it is answered once. Challenges are limited per API key and per client
device in a sliding window, and each request - issued or refused - is a recognition event, so
asking again and again until an easy order comes up is stopped and visible. A passed challenge
admits exactly one enrolment or verification by the same face, within its expiry; the event of
that call carries the liveness cues. Frame digests are remembered per deployment, so a frame
replayed from an earlier answer - even to another challenge - fails.

Memory: an answer's frames are checked from their headers (count, bytes, pixels per frame and
per answer) before any is decoded, then decoded and measured one at a time; only small
measurements are kept (see ``benchmarks/liveness.py``).
"""

import secrets as pysecrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import DomainError, PolicyRefusal
from governance.models import Deployment, DeploymentStatus
from recognition.engine import (
    EngineError,
    ImageTooLarge,
    compare,
    evaluate_measurements,
    frame_digest,
    image_size,
    load_image,
    measure_frame,
    new_challenge_actions,
)
from recognition.errors import ImageRefused, LivenessRateLimited
from recognition.models import ApiKey, LivenessChallenge, Operation, Outcome, SeenFrame
from recognition.services.events import event_record
from recognition.services.vault import deployment_key_ensure, deployment_secrets
from recognition.vault.crypto import open_sealed, seal, vector_from_bytes, vector_to_bytes

CHALLENGE_TTL = timedelta(minutes=2)


def _require_active(deployment: Deployment) -> None:
    """Liveness is part of recognition: only an active deployment (read fresh) serves it."""
    status = Deployment.objects.filter(id=deployment.id).values_list("status", flat=True).first()
    if status != DeploymentStatus.ACTIVE:
        raise PolicyRefusal(_("This deployment is not active (status: %(status)s).")
                            % {"status": DeploymentStatus(status).label.lower() if status
                               else _("unknown")},
                            code="deployment_not_active")


def liveness_challenge_create(*, deployment: Deployment, api_key: ApiKey | None = None,
                              device_id: str = "") -> LivenessChallenge:
    """A new random challenge, unless the key or the device has asked too often."""
    _require_active(deployment)
    try:
        with transaction.atomic():
            _require_within_limits(deployment, api_key, device_id)
            rng = np.random.default_rng(int.from_bytes(pysecrets.token_bytes(16), "big"))
            challenge = LivenessChallenge.objects.create(
                deployment=deployment, api_key=api_key, device_id=device_id,
                actions=new_challenge_actions(rng), nonce=pysecrets.token_hex(16),
                expires_at=timezone.now() + CHALLENGE_TTL)
            event_record(deployment=deployment, operation=Operation.LIVENESS,
                         outcome=Outcome.ISSUED, api_key=api_key)
    except LivenessRateLimited as refusal:
        event_record(deployment=deployment, operation=Operation.LIVENESS,
                     outcome=Outcome.REFUSED, refusal_code=refusal.code, api_key=api_key)
        raise
    return challenge


def _require_within_limits(deployment: Deployment, api_key: ApiKey | None,
                           device_id: str) -> None:
    # Lock the deployment row so two concurrent requests cannot both take the last place.
    Deployment.objects.select_for_update().filter(id=deployment.id).first()
    since = timezone.now() - timedelta(seconds=settings.FACEGOV_LIVENESS_WINDOW_SECONDS)
    recent = LivenessChallenge.objects.filter(deployment=deployment, created_at__gte=since)
    if api_key is not None and (recent.filter(api_key=api_key).count()
                                >= settings.FACEGOV_LIVENESS_CHALLENGES_PER_KEY):
        raise LivenessRateLimited(_("This key asked for too many liveness challenges; "
                                  "try again later."), scope="key")
    if device_id and (recent.filter(device_id=device_id).count()
                      >= settings.FACEGOV_LIVENESS_CHALLENGES_PER_DEVICE):
        raise LivenessRateLimited(_("This device asked for too many liveness challenges; "
                                  "try again later."), scope="device")


def _identity_aad(challenge: LivenessChallenge) -> bytes:
    return f"facegov/liveness-identity/v1|challenge={challenge.id}".encode()


@dataclass(frozen=True)
class LivenessAnswer:
    passed: bool
    reason: str
    detail: str
    cues: dict[str, dict[str, object]] = field(default_factory=dict)


def check_frame_headers(frames: Sequence[bytes]) -> None:
    """Refuse the answer from the frames' headers alone, before any frame is decoded: bytes
    and pixels of each frame, then pixels of them all (``ImageRefused``, 413/415/400)."""
    total = 0
    try:
        for frame in frames:
            width, height = image_size(frame, max_pixels=settings.FACEGOV_LIVENESS_MAX_FRAME_PIXELS,
                                       max_bytes=settings.FACEGOV_LIVENESS_MAX_FRAME_BYTES)
            total += width * height
        if total > settings.FACEGOV_LIVENESS_MAX_ANSWER_PIXELS:
            raise ImageTooLarge(
                f"The frames hold {total} pixels together; at most "
                f"{settings.FACEGOV_LIVENESS_MAX_ANSWER_PIXELS} are accepted per answer.",
                pixels=total, max_pixels=settings.FACEGOV_LIVENESS_MAX_ANSWER_PIXELS)
    except EngineError as exc:
        raise ImageRefused(exc) from None


def liveness_answer(*, deployment: Deployment, challenge_id: str,
                    frames: Sequence[bytes]) -> LivenessAnswer:
    """Judge the frames against the challenge; refused input stores nothing."""
    _require_active(deployment)
    check_frame_headers(frames)
    challenge = _open_challenge(deployment=deployment, challenge_id=challenge_id)
    # Replays are refused before any face is measured: cheap, and an attacker learns nothing.
    if _remember_frames(deployment=deployment, digests=[frame_digest(f) for f in frames]):
        return _close(challenge, LivenessAnswer(
            passed=False, reason="replayed_frame",
            detail="A frame was sent twice or was already used in an earlier answer."))
    measurements = []
    for frame in frames:  # one decoded frame alive at a time
        try:
            image = load_image(frame, max_bytes=settings.FACEGOV_LIVENESS_MAX_FRAME_BYTES,
                               max_pixels=settings.FACEGOV_LIVENESS_MAX_FRAME_PIXELS)
        except EngineError as exc:
            _close(challenge, LivenessAnswer(passed=False, reason=exc.code, detail=exc.detail))
            raise ImageRefused(exc) from None
        measurements.append(measure_frame(image))
        del image
    result = evaluate_measurements(measurements, list(challenge.actions))
    if result.passed:
        vectors = np.stack([m.vector for m in measurements if m.vector is not None])
        secrets = deployment_secrets(deployment_key_ensure(deployment=deployment))
        challenge.sealed_identity = seal(key=secrets.key,
                                         plaintext=vector_to_bytes(vectors.mean(axis=0)),
                                         aad=_identity_aad(challenge))
    return _close(challenge, LivenessAnswer(passed=result.passed, reason=result.reason or "",
                                            detail=result.detail, cues=result.cues))


def _close(challenge: LivenessChallenge, answer: LivenessAnswer) -> LivenessAnswer:
    challenge.passed = answer.passed
    challenge.failure_reason = answer.reason
    challenge.cues = answer.cues
    challenge.save(update_fields=["passed", "failure_reason", "sealed_identity", "cues"])
    return answer


def _open_challenge(*, deployment: Deployment, challenge_id: str) -> LivenessChallenge:
    with transaction.atomic():
        challenge = (LivenessChallenge.objects.select_for_update()
                     .filter(id=challenge_id, deployment=deployment).first())
        if challenge is None:
            raise DomainError(_("No such liveness challenge."), code="liveness_challenge_unknown")
        if challenge.answered_at is not None:
            raise DomainError(_("This challenge was already answered."),
                              code="liveness_challenge_used")
        if challenge.expires_at <= timezone.now():
            raise DomainError(_("This challenge has expired; ask for a new one."),
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


@dataclass(frozen=True)
class LivenessAdmission:
    """What the recognition event records of the challenge that admitted the call."""

    note: str = ""  # "passed:<challenge id>", or "" when none was needed nor given
    cues: dict[str, dict[str, object]] = field(default_factory=dict)


def liveness_consume(*, deployment: Deployment, challenge_id: str,
                     probe: np.ndarray | None = None,
                     threshold: float | None = None) -> LivenessAdmission:
    """Spend a passed challenge on one recognition call."""
    if not challenge_id:
        if deployment.requires_liveness:
            raise PolicyRefusal(_("This deployment requires a passed liveness challenge."),
                                code="liveness_required")
        return LivenessAdmission()
    with transaction.atomic():
        challenge = (LivenessChallenge.objects.select_for_update()
                     .filter(id=challenge_id, deployment=deployment).first())
        if challenge is None or not challenge.passed:
            raise PolicyRefusal(_("The liveness challenge was not passed."),
                                code="liveness_failed")
        if challenge.consumed_at is not None:
            raise PolicyRefusal(_("This liveness challenge was already used."),
                                code="liveness_challenge_used")
        if challenge.expires_at <= timezone.now():
            raise PolicyRefusal(_("The liveness challenge has expired."),
                                code="liveness_challenge_expired")
        if probe is not None:
            _require_same_face(challenge, deployment, probe, threshold)
        challenge.consumed_at = timezone.now()
        challenge.sealed_identity = b""
        challenge.save(update_fields=["consumed_at", "sealed_identity"])
    return LivenessAdmission(note=f"passed:{challenge.id}", cues=challenge.cues)


def _require_same_face(challenge: LivenessChallenge, deployment: Deployment,
                       probe: np.ndarray, threshold: float | None) -> None:
    secrets = deployment_secrets(deployment_key_ensure(deployment=deployment))
    identity = vector_from_bytes(open_sealed(key=secrets.key,
                                             sealed=bytes(challenge.sealed_identity),
                                             aad=_identity_aad(challenge)))
    if compare(identity, probe) > (threshold or deployment.threshold):
        raise PolicyRefusal(_("The face in the image is not the face that passed liveness."),
                            code="liveness_identity_mismatch")
