from django.core.management import call_command

from recognition.models import RecognitionEvent, VaultSubject


def test_the_demo_enrols_alice_through_a_real_liveness_check_once(db, settings):
    settings.FACEGOV_DEMO_ENROL_FACES = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    subject = VaultSubject.objects.get()
    assert subject.deployment.name == "Residential gate — Block A"
    event = RecognitionEvent.objects.get()
    assert (event.operation, event.outcome) == ("enroll", "enrolled")
    assert event.liveness.startswith("passed:")
