"""Demo recognition for `make run`: alice is really enrolled at Acme's gate, through a real
liveness challenge answered with the shared live head-turn clip, if the photos are present."""

from pathlib import Path

from django.conf import settings

from governance.models import Consent, Deployment, User
from recognition.models import LivenessChallenge, VaultSubject
from recognition.services.apikeys import api_key_create
from recognition.services.liveness import liveness_answer, liveness_challenge_create
from recognition.services.recognition import Caller, recognition_enroll

GATE = "Residential gate — Block A"
LIVE_CLIP = "liveness/live_head_turn"
ENROL_PHOTO = "people/lin_manuel_miranda/lin_manuel_miranda_1.png"


def seed_recognition_demo(*, password: str) -> list[str]:
    if not settings.FACEGOV_DEMO_ENROL_FACES:
        return ["  recognition demo skipped (FACEGOV_DEMO_ENROL_FACES is off)"]
    faces = Path(settings.FACEGOV_FACES_DIR)
    gate = Deployment.objects.filter(name=GATE).first()
    consent = Consent.objects.filter(deployment=gate, citizen__username="alice").first()
    if gate is None or consent is None or not (faces / LIVE_CLIP).is_dir():
        return ["  recognition demo skipped (no demo gate, consent or face photos)"]
    if VaultSubject.objects.filter(deployment=gate, subject_ref=consent.subject_ref).exists():
        return [f"  alice ({consent.subject_ref}) is enrolled at {GATE}"]
    admin = User.objects.get(username="acme_admin")
    api_key, _ = api_key_create(deployment=gate, name="Block A gate camera", actor=admin)
    challenge = liveness_challenge_create(deployment=gate, api_key=api_key)
    # The clip turns left then right; the demo asks for exactly that.
    LivenessChallenge.objects.filter(id=challenge.id).update(actions=["turn_left", "turn_right"])
    frames = [path.read_bytes() for path in sorted((faces / LIVE_CLIP).glob("frame_*.jpg"))]
    answer = liveness_answer(deployment=gate, challenge_id=str(challenge.id), frames=frames)
    if not answer.passed:
        return [f"  recognition demo: liveness did not pass ({answer.reason})"]
    recognition_enroll(caller=Caller(deployment=gate, api_key=api_key),
                       subject_ref=consent.subject_ref, purpose="access_control",
                       image=(faces / ENROL_PHOTO).read_bytes(),
                       liveness_challenge=str(challenge.id))
    return [f"  alice ({consent.subject_ref}) enrolled at {GATE} after a live head-turn check"]
