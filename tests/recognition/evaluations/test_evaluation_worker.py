"""An evaluation is run by a real Celery worker process after commit, status and progress in
the database (Redis in CI, the filesystem broker otherwise)."""

import os
import shutil
import time

import pytest
from django.conf import settings

from governance.models import OrganisationKind, Purpose, Role
from recognition.models import Evaluation, EvaluationStatus
from recognition.services.evaluations import evaluation_request
from tests.factories import MembershipFactory, OrganisationFactory, active_gate
from tests.workers import celery_worker, worker_database_url

RUN_TIMEOUT_SECONDS = 120


@pytest.mark.worker
def test_a_real_worker_runs_the_evaluation_to_done(transactional_db, tmp_path, faces_dir):
    from config.celery_app import app

    Purpose.objects.get_or_create(code="access_control", defaults={"name": "Access control"})
    acme = OrganisationFactory(name="Acme", kind=OrganisationKind.ENTERPRISE)
    admin = MembershipFactory(organisation=acme, role=Role.ADMIN).user
    gate = active_gate(acme)
    reference = tmp_path / "reference"
    for person in ("biden", "kit_harington"):
        shutil.copytree(faces_dir / "people" / person, reference / person)

    app.control.purge()  # messages left by earlier runs are not this test's
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "FACEGOV_VAR_DIR": str(settings.VAR_DIR), "DATABASE_URL": worker_database_url(),
           "FACEGOV_REFERENCE_SET_DIR": str(reference)}
    settings.FACEGOV_REFERENCE_SET_DIR = str(reference)
    with celery_worker(env, str(tmp_path / "worker.log")):
        evaluation = evaluation_request(deployment=gate, actor=admin, reference_set=True)
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        while Evaluation.objects.get(pk=evaluation.pk).status in ("queued", "running"):
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.3)

    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.progress) == (EvaluationStatus.DONE, 100)
    assert evaluation.results["genuine_pairs"] == 2 and evaluation.results["impostor_pairs"] == 4
    assert (evaluation.results["fmr"]["value"], evaluation.results["fnmr"]["value"]) == (0.0, 0.0)
