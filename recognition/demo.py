"""Demo recognition for `make run`: alice is really enrolled at Acme's gate, through a real
liveness challenge answered with the shared live head-turn clip, if the photos are present."""

import io
from pathlib import Path

from django.conf import settings
from PIL import Image

from governance.models import Consent, Deployment, User
from governance.retention.rules import retention_rules_changed
from recognition.engine import load_image, measure_frame
from recognition.engine.liveness_synth import answer_from_clip
from recognition.models import VaultSubject
from recognition.services.apikeys import api_key_create
from recognition.services.liveness import liveness_answer, liveness_challenge_create
from recognition.services.recognition import Caller, recognition_enroll

GATE = "Residential gate — Block A"
LIVE_CLIP = "liveness/live_head_turn"
ENROL_PHOTO = "people/lin_manuel_miranda/lin_manuel_miranda_1.png"


EDGE_DEVICE = "Block A gate"


def edge_demo_dir() -> Path:
    """Where `make run`'s Block A device keeps its keys and sealed gallery."""
    return Path(settings.VAR_DIR) / "edge" / "block-a"


def seed_recognition_demo(*, password: str) -> list[str]:
    """Block A keeps templates on its gate (`storage: on_device`): register the gate's device
    with keys generated in its data directory under var/. `bin/run-local` starts the agent
    there and enrols alice on it through the platform's permit (demo.json says who)."""
    import json
    import shutil

    from edge_agent.agent import init_keys
    from recognition.models import Device
    from recognition.services.devices import device_register

    if not settings.FACEGOV_DEMO_ENROL_FACES:
        return ["  recognition demo skipped (FACEGOV_DEMO_ENROL_FACES is off)"]
    faces = Path(settings.FACEGOV_FACES_DIR)
    gate = Deployment.objects.filter(name=GATE).first()
    consent = Consent.objects.filter(deployment=gate, citizen__username="alice").first()
    if gate is None or consent is None or not (faces / ENROL_PHOTO).is_file():
        return ["  recognition demo skipped (no demo gate, consent or face photos)"]
    data_dir = edge_demo_dir()
    device = Device.objects.filter(deployment=gate, name=EDGE_DEVICE).first()
    if device is None:
        shutil.rmtree(data_dir, ignore_errors=True)  # a device of an earlier database
        admin = User.objects.get(username="acme_admin")
        device = device_register(deployment=gate, name=EDGE_DEVICE, place="Block A main entrance",
                                 actor=admin, **init_keys(data_dir))
    (data_dir / "demo.json").write_text(json.dumps({
        "device_id": device.id, "subject_ref": consent.subject_ref,
        "image": str(faces / ENROL_PHOTO)}))
    return [f"  {GATE} runs on device #{device.id} ({data_dir}); `make run` enrols alice "
            f"({consent.subject_ref}) on it"]


def _enrol_after_liveness(deployment: Deployment, admin: User, subject_ref: str,
                          faces: Path) -> None:
    """Enrol through a real random liveness challenge answered with the live clip (when the
    clip is there; else a plain enrolment)."""
    api_key, _ = api_key_create(deployment=deployment, name="Lobby camera", actor=admin)
    challenge_id = ""
    if (faces / LIVE_CLIP).is_dir():
        challenge = liveness_challenge_create(deployment=deployment, api_key=api_key)
        frames = clip_answer(faces / LIVE_CLIP, list(challenge.actions))
        if liveness_answer(deployment=deployment, challenge_id=str(challenge.id),
                           frames=frames).passed:
            challenge_id = str(challenge.id)
    recognition_enroll(caller=Caller(deployment=deployment, api_key=api_key),
                       subject_ref=subject_ref, purpose="access_control",
                       image=(faces / ENROL_PHOTO).read_bytes(),
                       liveness_challenge=challenge_id)


def clip_answer(clip: Path, actions: list[str]) -> list[bytes]:
    """JPEG frames answering ``actions`` (the real random challenge) from the live clip, with
    the non-rigid action painted on real frames (synthetic: see liveness_synth)."""
    frames = [load_image(path.read_bytes()) for path in sorted(clip.glob("frame_*.jpg"))]
    landmarks = [measure_frame(frame).landmarks for frame in frames]
    out = []
    for frame in answer_from_clip(frames, landmarks, actions):
        buffer = io.BytesIO()
        Image.fromarray(frame).save(buffer, format="JPEG", quality=92)
        out.append(buffer.getvalue())
    return out


# --- retention you can watch: a visitor pass whose template expires minutes after the seed ---

VISITOR = {
    "name": "Visitor pass — Block A lobby (demo retention)",
    "location": "Acme Gardens, Block A lobby",
    "scenario": "access_control", "mode": "verification",
    "place_type": "residential_community", "interest": "private", "expected_subjects": 50,
    "non_face_alternative": "The concierge checks an ID card and issues a paper pass.",
    # Central: the pass is checked at any lobby; people consent to that separately.
    "storage": "central", "central_storage_separate_consent": True,
}
VISITOR_NOTICE = ("A one-day visitor pass by face. Your template is destroyed when the pass "
                  "ends; you receive a deletion certificate. The concierge can always check "
                  "an ID card instead.")


def _visitor_pass(admin: User) -> Deployment:
    from governance.demo import ACME
    from governance.demo_deployments import ANSWERS
    from governance.models import Organisation, RetentionRule
    from governance.services.assessments import impact_assessment_save
    from governance.services.deployments import deployment_create
    from governance.services.lifecycle import deployment_submit

    existing = Deployment.objects.filter(name=VISITOR["name"]).first()
    if existing:
        return existing
    deployment = deployment_create(
        organisation=Organisation.objects.get(name=ACME), actor=admin, fields=VISITOR,
        purposes=["access_control"], notice_text=VISITOR_NOTICE,
        retention_rules=[{"category": "face_template", "period_days": 1,
                          "trigger": "collection", "note": "a one-day pass"}])
    # The demo's clock runs in minutes (RetentionRule.demo_period_minutes, never in the API).
    RetentionRule.objects.filter(deployment=deployment, category="face_template").update(
        demo_period_minutes=settings.FACEGOV_DEMO_EXPIRY_MINUTES)
    retention_rules_changed(deployment_id=deployment.id)  # update() sends no signal
    impact_assessment_save(deployment=deployment, actor=admin, answers=ANSWERS)
    return deployment_submit(deployment=deployment, actor=admin)


def seed_expiring_demo(*, password: str) -> list[str]:
    """alice gets a visitor pass whose template expires FACEGOV_DEMO_EXPIRY_MINUTES after the
    seed; the embedded worker's sweep destroys it and her page shows the certificate."""
    from governance.services.consent import consent_give

    minutes = settings.FACEGOV_DEMO_EXPIRY_MINUTES
    faces = Path(settings.FACEGOV_FACES_DIR)
    alice = User.objects.filter(username="alice").first()
    if not (settings.FACEGOV_DEMO_ENROL_FACES and minutes and alice
            and (faces / ENROL_PHOTO).is_file()):
        return ["  retention demo skipped (no faces, no alice or FACEGOV_DEMO_EXPIRY_MINUTES=0)"]
    admin = User.objects.get(username="acme_admin")
    visitor = _visitor_pass(admin)
    consent = Consent.objects.filter(deployment=visitor, citizen=alice, state="active").first()
    if consent is None:
        consent = consent_give(deployment=visitor, actor=alice, purposes=["access_control"],
                               method="in_app_explicit", central_storage=True,
                               evidence={"time": "seed", "ip": "127.0.0.1",
                                         "user_agent": "seed_demo"})
    if not VaultSubject.objects.filter(deployment=visitor,
                                       subject_ref=consent.subject_ref).exists():
        _enrol_after_liveness(visitor, admin, consent.subject_ref, faces)
    return [f"  alice holds a visitor pass at Block A: her template expires {minutes} min "
            "after this seed; see My data → Deletion certificates once the worker has swept"]


def seed_evaluation_demo(*, password: str) -> list[str]:
    """Block A evaluated on the reference set through the real service, so the public
    register's accuracy panel shows measured figures. Run here, in the seeding transaction, so
    the figures are there when `make run` starts (the task the request enqueues finds the run
    done and leaves it). Idempotent: once Block A has a finished evaluation, nothing is done."""
    from django.db import transaction

    from recognition.models import Evaluation, EvaluationStatus
    from recognition.services.evaluations import evaluation_request, evaluation_run

    if not settings.FACEGOV_DEMO_ENROL_FACES:
        return ["  evaluation demo skipped (FACEGOV_DEMO_ENROL_FACES is off)"]
    gate = Deployment.objects.filter(name=GATE).first()
    admin = User.objects.filter(username="acme_admin").first()
    if gate is None or admin is None or not Path(settings.FACEGOV_REFERENCE_SET_DIR).is_dir():
        return ["  evaluation demo skipped (no demo gate or reference set)"]
    done = Evaluation.objects.filter(deployment=gate, status=EvaluationStatus.DONE).first()
    if done is None:
        with transaction.atomic():
            requested = evaluation_request(deployment=gate, actor=admin, reference_set=True)
            done = evaluation_run(evaluation_id=requested.id)
    if done.status != EvaluationStatus.DONE:
        return [f"  evaluation demo failed ({done.error_code})"]
    results = done.results
    return [f"  {GATE} evaluated on the reference set ({done.images} photos): "
            f"FMR {results['fmr']['value']:.4%}, FNMR {results['fnmr']['value']:.2%} "
            f"at {done.threshold}"]

def seed_canaries_demo(*, password: str) -> list[str]:
    """Leak tracing (issue 15): canaries planted once in the own copy of every demo deployment
    whose templates the vault holds (Block A keeps its templates on its gate: its device's copy
    is not the vault's)."""
    from recognition.models import CopyKind
    from recognition.services.leaks import copy_canaries_ensure

    held = Deployment.objects.filter(
        id__in=VaultSubject.objects.values("deployment_id")).order_by("id")
    if not held:
        return ["  leak canaries skipped (no central gallery enrolled)"]
    for deployment in held:
        copy_canaries_ensure(deployment=deployment, copy_kind=CopyKind.DEPLOYMENT, copy_id=None)
    return [f"  leak canaries planted in {deployment.name}'s gallery copy (invisible to the "
            "enterprise)" for deployment in held]
