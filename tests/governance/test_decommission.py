"""Decommissioning ends a deployment for good and destroys its biometric data: it needs its
reasons (API and page) and, on the page, an explicit confirmation. Refused, nothing changes."""

import pytest
from django.urls import reverse

from governance.models import DeploymentEvent, DeploymentStatus, Filing

S = DeploymentStatus


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_the_api_refuses_without_reasons(world, api_as, deployment_in, body):
    deployment = deployment_in(S.ACTIVE)
    response = api_as(world.acme_admin).post(
        f"/api/v1/deployments/{deployment.id}/decommission/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "reason_required")
    deployment.refresh_from_db()
    assert (deployment.status, deployment.decommissioned_at) == (S.ACTIVE, None)
    assert not DeploymentEvent.objects.exists()
    assert not Filing.objects.exists()


def test_the_api_decommissions_with_reasons(world, api_as, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    response = api_as(world.acme_admin).post(
        f"/api/v1/deployments/{deployment.id}/decommission/",
        {"reason": "The building was sold."}, format="json")
    assert response.status_code == 200
    event = DeploymentEvent.objects.get()
    assert (event.action, event.reason) == ("decommission", "The building was sold.")


@pytest.mark.parametrize("data", [{"reason": "Sold."}, {"confirm": "on"},
                                  {"reason": "", "confirm": "on"}])
def test_the_page_needs_reasons_and_a_confirmation(world, client, deployment_in, data):
    deployment = deployment_in(S.ACTIVE)
    client.force_login(world.acme_admin)
    response = client.post(reverse("deployment-decommission", args=[deployment.id]), data,
                           follow=True)
    assert "Nothing was decommissioned" in response.content.decode()
    deployment.refresh_from_db()
    assert deployment.status == S.ACTIVE
    assert not DeploymentEvent.objects.exists()


def test_the_page_decommissions_with_reasons_and_confirmation(world, client, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    client.force_login(world.acme_admin)
    status_page = client.get(reverse("deployment-status", args=[deployment.id])).content
    assert b'name="confirm"' in status_page
    client.post(reverse("deployment-decommission", args=[deployment.id]),
                {"reason": "Sold.", "confirm": "on"})
    deployment.refresh_from_db()
    assert deployment.status == S.DECOMMISSIONED
    assert DeploymentEvent.objects.get().reason == "Sold."
