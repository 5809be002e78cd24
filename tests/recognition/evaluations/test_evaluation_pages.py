"""Evaluation pages: start one, watch its progress, read the printable report."""

import pytest

from recognition.models import Evaluation, EvaluationStatus
from tests.factories import active_gate

from .factories import finished_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return active_gate(world.acme)


def test_starting_an_evaluation_on_the_reference_set_shows_its_progress(
        world, gate, client, settings, tmp_path):
    for person in ("a", "b"):
        (tmp_path / person).mkdir()
        for i in (1, 2):
            (tmp_path / person / f"{i}.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 10)
    settings.FACEGOV_REFERENCE_SET_DIR = str(tmp_path)
    client.force_login(world.acme_admin)
    response = client.post("/recognition/evaluations/",
                           {"deployment": gate.id, "reference_set": "on"})
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{evaluation.id}/")
    assert (evaluation.status, evaluation.images) == (EvaluationStatus.QUEUED, 4)
    Evaluation.objects.filter(pk=evaluation.pk).update(status="running", progress=40)
    page = client.get(response.url).content.decode()
    assert '<progress id="progress" max="100" value="40">' in page
    assert 'http-equiv="refresh"' in page


def test_the_report_shows_figures_det_groups_and_calibration_cost(world, gate, client):
    evaluation = finished_evaluation(gate, recommended=0.5)
    evaluation.results["groups"] = [{
        "name": "sex=F", "identities": 3, "genuine_pairs": 12, "impostor_pairs": 40,
        "fmr": {"value": 0.025, "errors": 1, "trials": 40, "low": 0.0006, "high": 0.13},
        "fnmr": {"value": 0.0, "errors": 0, "trials": 12, "low": 0.0, "high": 0.26},
        "warnings": [{"code": "few_genuine_pairs", "count": 12}]}]
    evaluation.save(update_fields=["results"])
    client.force_login(world.acme_admin)
    page = client.get(f"/recognition/evaluations/{evaluation.id}/").content.decode()
    assert 'id="fmr">0.00050' in page and 'id="recommended">0.5<' in page
    assert "<svg" in page and "Operating point, threshold 0.6" in page
    assert "sex=F" in page and "Only 12 genuine pairs" in page
    assert "0.0300" in page  # FNMR 0.05 at the calibrated threshold vs 0.02 now
    assert "no face found: 2" in page and "several faces: 1" in page
    assert 'class="print-report"' in page  # printed without navigation (static CSS)


def test_an_outsider_cannot_open_the_report(world, gate, client):
    evaluation = finished_evaluation(gate)
    client.force_login(world.other_admin)
    assert client.get(f"/recognition/evaluations/{evaluation.id}/").status_code == 404
