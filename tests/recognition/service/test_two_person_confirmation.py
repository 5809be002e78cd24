"""Identification matches on a two-person deployment wait for two different reviewers."""

import pytest
from django.urls import reverse

from recognition.models import MatchConfirmation
from tests.factories import central_gate
from tests.recognition.service.conftest import BIDEN, OBAMA, OBAMA_2


@pytest.fixture
def watched(world, consent, device, enroll):
    gate = central_gate(world.acme, name="Lobby watch", two_person_confirmation=True)
    consent(gate, "resident-1")
    consent(gate, "resident-2")
    client = device(gate)
    enroll(client, "resident-1", photo=OBAMA)
    enroll(client, "resident-2", photo=BIDEN)
    return client


def identify(client, upload, photo=OBAMA_2):
    return client.post("/api/v1/recognition/identify/",
                       {"purpose": "access_control", "image": upload(photo)},
                       format="multipart").json()


def test_a_match_opens_a_pending_confirmation(watched, upload):
    body = identify(watched, upload)
    assert body["confirmation_required"] is True
    [pending] = body["confirmations"]
    assert (pending["subject_ref"], pending["status"]) == ("resident-1", "pending")


def test_two_different_people_confirm_and_one_person_cannot_do_both(world, watched, upload,
                                                                    api_as):
    confirmation_id = identify(watched, upload)["confirmations"][0]["id"]
    url = f"/api/v1/recognition/confirmations/{confirmation_id}/"
    assert api_as(world.acme_admin).post(url, {"agree": True}).json()["status"] == "pending"
    again = api_as(world.acme_admin).post(url, {"agree": True})
    assert (again.status_code, again.json()["code"]) == (400, "same_reviewer")
    done = api_as(world.acme_operator).post(url, {"agree": True}).json()
    assert (done["status"], done["first_by"], done["second_by"]) == (
        "confirmed", world.acme_admin.username, world.acme_operator.username)
    late = api_as(world.acme_admin).post(url, {"agree": False})
    assert (late.status_code, late.json()["code"]) == (409, "already_decided")


@pytest.mark.parametrize("persona", ["other_admin", "inspector", "citizen"])
def test_outsiders_cannot_see_or_decide_a_match(world, watched, upload, api_as, persona):
    confirmation_id = identify(watched, upload)["confirmations"][0]["id"]
    client = api_as(getattr(world, persona))
    assert client.get("/api/v1/recognition/confirmations/").json() == []
    response = client.post(f"/api/v1/recognition/confirmations/{confirmation_id}/",
                           {"agree": True})
    assert response.status_code == 404
    assert MatchConfirmation.objects.get().first_by is None


def test_a_deployment_without_the_requirement_opens_none(gate, consent, device, enroll, upload):
    consent(gate, "resident-1")
    client = device()
    enroll(client, "resident-1", photo=OBAMA)
    body = identify(client, upload)
    assert (body["confirmation_required"], body["confirmations"]) == (False, [])
    assert not MatchConfirmation.objects.exists()


def test_the_review_page_rejects_a_match(world, watched, upload, client):
    identify(watched, upload)
    client.force_login(world.acme_operator)
    page = client.get(reverse("recognition-confirmations")).content.decode()
    assert "resident-1" in page and "Awaiting a second person" in page
    confirmation = MatchConfirmation.objects.get()
    client.post(reverse("recognition-confirmations"),
                {"confirmation": confirmation.id, "decision": "reject"})
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.first_by) == ("rejected", world.acme_operator)
