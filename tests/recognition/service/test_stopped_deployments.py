"""A suspended or decommissioned deployment recognises nobody and gets no new device key:
every device call is refused with `deployment_not_active`, logged, and changes nothing."""

import pytest

from governance.models import DeploymentStatus
from recognition.models import ApiKey, FaceImage, RecognitionEvent, Template, VaultSubject
from tests.recognition.service.conftest import OBAMA, OBAMA_2

S = DeploymentStatus
STOPPED = [S.SUSPENDED, S.DECOMMISSIONED]


def call(client, endpoint, upload):
    photo = {"subject_ref": "resident-1", "purpose": "access_control"}
    if endpoint == "enroll":
        return client.post("/api/v1/recognition/enroll/",
                           {**photo, "image": upload(OBAMA_2)}, format="multipart")
    if endpoint == "verify":
        return client.post("/api/v1/recognition/verify/",
                           {**photo, "image": upload(OBAMA_2)}, format="multipart")
    if endpoint == "identify":
        return client.post("/api/v1/recognition/identify/",
                           {"purpose": "access_control", "image": upload(OBAMA_2)},
                           format="multipart")
    return client.delete("/api/v1/recognition/subjects/resident-1/")


def held():
    return (list(VaultSubject.objects.values_list("id", "wrapped_data_key")),
            list(Template.objects.values_list("id", "sealed_vector")),
            FaceImage.objects.count())


@pytest.mark.parametrize("status", STOPPED)
@pytest.mark.parametrize("endpoint", ["enroll", "verify", "identify", "delete"])
def test_every_device_call_is_refused_on_a_stopped_deployment(gate, consent, device, enroll,
                                                              upload, status, endpoint):
    consent(gate, "resident-1")
    client = device()
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    before, events = held(), RecognitionEvent.objects.count()
    # The stored status changes under the running device; the next call must see it.
    type(gate).objects.filter(pk=gate.pk).update(status=status)
    response = call(client, endpoint, upload)
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "deployment_not_active"
    assert held() == before
    assert RecognitionEvent.objects.count() == events + 1
    refused = RecognitionEvent.objects.order_by("-id").first()
    assert (refused.operation, refused.outcome, refused.refusal_code) == (
        endpoint, "refused", "deployment_not_active")


@pytest.mark.parametrize("status", STOPPED)
def test_no_api_key_is_issued_for_a_stopped_deployment(world, api_as, gate, status):
    type(gate).objects.filter(pk=gate.pk).update(status=status)
    response = api_as(world.acme_admin).post(f"/api/v1/deployments/{gate.id}/api-keys/",
                                             {"name": "camera"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "deployment_not_active"
    assert "key" not in response.json()
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("status", STOPPED)
def test_the_keys_page_refuses_a_key_for_a_stopped_deployment(world, client, gate, status):
    from django.urls import reverse

    type(gate).objects.filter(pk=gate.pk).update(status=status)
    client.force_login(world.acme_admin)
    page = client.post(reverse("recognition-deployment", args=[gate.id]),
                       {"name": "camera"}, follow=True).content.decode()
    assert "no new API key is issued" in page
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.PENDING_APPROVAL, S.ACTIVE])
def test_keys_may_be_prepared_before_and_while_the_deployment_runs(world, api_as, gate,
                                                                   status):
    type(gate).objects.filter(pk=gate.pk).update(status=status)
    response = api_as(world.acme_admin).post(f"/api/v1/deployments/{gate.id}/api-keys/",
                                             {"name": "camera"}, format="json")
    assert response.status_code == 201
    assert ApiKey.objects.get().deployment == gate


def test_a_withdrawal_still_destroys_the_template_of_a_suspended_deployment(
        world, gate, consent, device, enroll, eager, django_capture_on_commit_callbacks):
    # What the device may no longer do, the person's own routes still do.
    from governance.services.consent import consent_withdraw

    given = consent(gate, "resident-1")
    assert enroll(device(), "resident-1", photo=OBAMA).status_code == 201
    type(gate).objects.filter(pk=gate.pk).update(status=S.SUSPENDED)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=given, actor=world.acme_admin)
    assert not Template.objects.exists()
    assert not VaultSubject.objects.exists()
