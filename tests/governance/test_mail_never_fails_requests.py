"""Issue 9, "Mail": with no reachable mail server, linking a contact and extending or
rejecting a rights request answered 500 after the change was saved (the mail was sent in an
on-commit hook inside the request), and a client's retry then got 409. Now the change is
answered once, saved once, and the mail waits in the outbox for its task.

These tests commit for real (transactional_db): the on-commit hooks run inside the request,
exactly as they do in production."""

import socket

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from governance.models import (
    ContactProof,
    MailStatus,
    Notification,
    OutboundMail,
    RequestState,
    RightsRequest,
    RightsRequestEvent,
)
from governance.services.rights import rights_request_file

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]


@pytest.fixture
def mail_server_down(settings):
    """SMTP to a port nobody listens on: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2


def api_client(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def access_request(world, gate, citizen_consent) -> RightsRequest:
    world.citizen.email = "zhang.min@example.org"
    world.citizen.save()
    return rights_request_file(citizen=world.citizen, deployment=gate, type="access")


def test_starting_a_contact_proof_through_the_api_succeeds_with_the_mail_server_down(
        world, mail_server_down):
    response = api_client(world.citizen).post("/api/v1/me/contact-proofs/",
                                              {"contact": "zhang.min@example.org"},
                                              format="json")
    assert response.status_code == 201, response.content
    assert ContactProof.objects.filter(citizen=world.citizen).count() == 1
    queued = OutboundMail.objects.get()
    assert queued.status in (MailStatus.PENDING, MailStatus.FAILED)  # retried, never lost
    assert "ConnectionRefused" in queued.last_error
    assert queued.attempts >= 1


def test_the_link_page_succeeds_with_the_mail_server_down(world, mail_server_down):
    client = Client(raise_request_exception=False)
    client.force_login(world.citizen)
    response = client.post("/citizen/link/", {"contact": "zhang.min@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/citizen/link/"
    assert ContactProof.objects.filter(citizen=world.citizen).count() == 1


@pytest.mark.parametrize(("action", "body", "state"), [
    ("extend", {"reason": "The archive is off-site"}, RequestState.EXTENDED),
    ("reject", {"reason": "We hold no data on you", "court_route": "District court"},
     RequestState.REJECTED),
])
def test_answering_a_rights_request_succeeds_once_with_the_mail_server_down(
        world, access_request, mail_server_down, action, body, state):
    client = api_client(world.acme_admin)
    url = f"/api/v1/requests/{access_request.id}/{action}/"
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == state
    access_request.refresh_from_db()
    assert access_request.state == state
    assert RightsRequestEvent.objects.filter(request=access_request, state=state).count() == 1
    notification = Notification.objects.get(recipient=world.citizen)
    assert body["reason"] in notification.body
    assert notification.mail.status != MailStatus.SENT
    assert "ConnectionRefused" in notification.mail.last_error


def test_with_a_working_mail_server_the_citizen_gets_the_mail_and_the_notification(
        world, access_request):
    response = api_client(world.acme_admin).post(
        f"/api/v1/requests/{access_request.id}/reject/",
        {"reason": "We hold no data on you", "court_route": "District court"}, format="json")
    assert response.status_code == 200
    [sent] = mail.outbox
    assert sent.to == ["zhang.min@example.org"]
    assert "We hold no data on you" in sent.body and "District court" in sent.body
    notification = Notification.objects.get(recipient=world.citizen)
    assert notification.mail.status == MailStatus.SENT
    assert notification.link == f"/citizen/requests/{access_request.id}/"
