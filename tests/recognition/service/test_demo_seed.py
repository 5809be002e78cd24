import json

from django.conf import settings
from django.core.management import call_command

from config.settings import base
from recognition.models import (
    Canary,
    Device,
    LivenessChallenge,
    RecognitionEvent,
    VaultSubject,
)


def test_the_demo_enrols_alice_through_the_real_random_challenge_once(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.FACEGOV_DEMO_EXPIRY_MINUTES = 3  # the central visitor pass the demo enrols
    call_command("seed_demo", enrol_faces=True, verbosity=0)
    call_command("seed_demo", enrol_faces=True, verbosity=0)
    # Block A keeps templates on its gate: a device is registered there, nothing in the vault
    # (bin/run-local's agent enrols alice on it); the central visitor pass holds her template.
    subject = VaultSubject.objects.get()
    assert subject.deployment.name.startswith("Visitor pass")
    device = Device.objects.get()
    assert device.deployment.name == "Residential gate — Block A"
    demo = json.loads((tmp_path / "edge" / "block-a" / "demo.json").read_text())
    assert demo["device_id"] == device.id and demo["subject_ref"]
    event = RecognitionEvent.objects.get(operation="enroll")
    assert event.outcome == "enrolled"
    assert event.liveness.startswith("passed:")
    assert event.liveness_cues["actions"]["passed"] is True
    # The challenge kept the random actions it was issued with (nothing overwrote them).
    challenge = LivenessChallenge.objects.get(id=event.liveness.removeprefix("passed:"))
    assert sorted(challenge.actions) == ["open_mouth", "turn_left", "turn_right"]
    # Leak canaries planted once in the central copy, beside (not in) the gallery.
    assert Canary.objects.filter(deployment=subject.deployment, copy_kind="deployment").count() == 5


def test_the_demo_shortcut_is_off_unless_seed_demo_asks_for_it(db):
    assert base.FACEGOV_DEMO_ENROL_FACES is False
    assert settings.FACEGOV_DEMO_ENROL_FACES is False
    call_command("seed_demo", verbosity=0)
    assert not VaultSubject.objects.exists()
