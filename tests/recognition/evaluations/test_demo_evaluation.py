"""The demo evaluates Block A on the reference set through the real service, so the public
register's accuracy panel shows figures after `make run`; seeding again adds nothing."""

import pytest
from django.core.management import call_command

from governance.models import Deployment
from recognition.demo import GATE, seed_evaluation_demo
from recognition.models import Evaluation, EvaluationSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, faces_dir):
    call_command("seed_demo", verbosity=0)  # faces off: no enrolment, no evaluation yet
    assert not Evaluation.objects.exists()
    settings.FACEGOV_DEMO_ENROL_FACES = True
    # a small reference set keeps the test quick; `make run` uses lfw10 (100 photos)
    settings.FACEGOV_REFERENCE_SET_DIR = str(faces_dir / "people")
    return Deployment.objects.get(name=GATE)


def test_the_demo_evaluation_fills_the_registers_accuracy_panel_once(seeded, client):
    lines = seed_evaluation_demo(password="x")
    evaluation = Evaluation.objects.get()
    assert evaluation.deployment == seeded
    assert evaluation.evaluation_set.source == EvaluationSource.REFERENCE
    assert (evaluation.status, evaluation.progress) == ("done", 100)
    assert evaluation.threshold == seeded.threshold
    assert evaluation.results["genuine_pairs"] > 0 and evaluation.results["impostor_pairs"] > 0
    assert "evaluated on the reference set" in lines[0]

    page = client.get(f"/register/{seeded.id}/").content.decode()
    fmr = f'{evaluation.results["fmr"]["value"]:.5f}'
    assert f'id="accuracy-fmr">{fmr}<' in page
    assert "No accuracy evaluation has been published" not in page
    assert 'id="accuracy-stale"' not in page

    assert seed_evaluation_demo(password="x") == lines  # seeding again: nothing new
    assert Evaluation.objects.count() == 1


def test_without_face_work_the_demo_evaluates_nothing(seeded, settings):
    settings.FACEGOV_DEMO_ENROL_FACES = False
    assert "skipped" in seed_evaluation_demo(password="x")[0]
    assert not Evaluation.objects.exists()
