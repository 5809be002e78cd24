"""The admin shows the registry but cannot bypass the lifecycle or erase the records."""

import pytest
from django.contrib import admin
from django.urls import reverse

from governance.models import DeploymentStatus, Filing, ImpactAssessment, ThresholdChange
from tests.factories import UserFactory


@pytest.mark.parametrize("model", ["deployment", "deploymentevent", "deploymentdecision",
                                   "thresholdchange", "impactassessment", "filing",
                                   "deploymentnotice"])
def test_every_registry_changelist_opens_for_staff(world, client, deployment_in, model):
    deployment_in(DeploymentStatus.ACTIVE, name="Registry gate")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse(f"admin:governance_{model}_changelist"))
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.result_count == changelist.model.objects.count()
    if model == "deployment":
        assert "Registry gate" in response.content.decode()


@pytest.mark.parametrize("model", [ImpactAssessment, Filing, ThresholdChange])
def test_governance_records_cannot_be_deleted_in_the_admin(rf, model):
    request = rf.get("/")
    assert admin.site._registry[model].has_delete_permission(request) is False
