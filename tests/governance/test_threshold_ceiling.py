"""The threshold's ceiling is the engine's calibrated range (0.6 for dlib's model), learnt
from recognition through governance.thresholds — not the old blanket 1.5."""

import pytest
from django.urls import reverse

from governance.models import DeploymentChange, DeploymentEvent, DeploymentStatus, ThresholdChange
from governance.services.deployments import deployment_update
from governance.thresholds import threshold_range
from recognition.engine import CALIBRATED_MAX_THRESHOLD

S = DeploymentStatus


def test_governance_knows_the_engines_calibrated_maximum():
    assert threshold_range().maximum == CALIBRATED_MAX_THRESHOLD == 0.6


@pytest.mark.parametrize("status", [S.DRAFT, S.ACTIVE])
@pytest.mark.parametrize("threshold", [0.61, 1.0, 1.5, 0.0])
def test_a_threshold_outside_the_calibrated_range_is_refused_and_nothing_changes(
        world, api_as, deployment_in, status, threshold):
    deployment = deployment_in(status, threshold=0.5)
    response = api_as(world.acme_admin).patch(
        f"/api/v1/deployments/{deployment.id}/",
        {"threshold": threshold, "threshold_change_reason": "Let everyone in."}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "threshold_out_of_range"
    assert response.json()["maximum"] == 0.6
    deployment.refresh_from_db()
    assert deployment.threshold == 0.5
    assert not ThresholdChange.objects.filter(deployment=deployment).exists()
    assert not DeploymentEvent.objects.exists()
    assert not DeploymentChange.objects.exists()


def test_a_new_deployment_above_the_ceiling_is_not_created(world, api_as):
    from tests.governance.test_deployments_api import NEW_GATE

    response = api_as(world.acme_admin).post("/api/v1/deployments/",
                                             {**NEW_GATE, "threshold": 0.9}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "threshold_out_of_range")
    assert not DeploymentEvent.objects.exists()


def test_the_form_offers_the_ceiling_and_refuses_above_it(world, client, deployment_in):
    deployment = deployment_in(S.DRAFT, threshold=0.5)
    client.force_login(world.acme_admin)
    url = reverse("deployment-describe", args=[deployment.id])
    assert 'max="0.6"' in client.get(url).content.decode()
    from tests.governance.test_change_request_pages import describe_post

    page = client.post(url, describe_post(deployment, threshold=0.7)).content.decode()
    assert "less than or equal to 0.6" in page
    deployment.refresh_from_db()
    assert deployment.threshold == 0.5
    assert not DeploymentEvent.objects.exists()


def test_a_deployment_stored_above_the_ceiling_still_changes_and_shows_its_history(
        world, client, deployment_in):
    # Rows from before the ceiling keep working: only a new threshold value is checked.
    legacy = deployment_in(S.ACTIVE, name="Legacy gate")
    type(legacy).objects.filter(pk=legacy.pk).update(threshold=0.9)
    update = deployment_update(deployment=legacy, actor=world.acme_admin,
                               fields={"name": "Legacy gate (lobby)", "threshold": 0.9})
    assert update.outcome == "applied"
    lowered = deployment_update(deployment=legacy, actor=world.acme_admin,
                                fields={"threshold": 0.55}, threshold_reason="Into range.")
    assert lowered.deployment.threshold == 0.55
    page = client.get(reverse("register-detail", args=[legacy.id])).content.decode()
    assert "Into range." in page and "0.9" in page
