"""Every signed-in persona reads their own notifications on a page and through the API, with
the unread count in the navigation; nobody reads or marks another person's."""

import pytest

from governance.models import Notification
from governance.platform.notifications import notify

PERSONAS = ["citizen", "acme_admin", "inspector", "auditor", "other_admin"]
HOMES = {"citizen": "/citizen/", "acme_admin": "/enterprise/", "inspector": "/regulator/",
         "auditor": "/industry/", "other_admin": "/enterprise/"}


@pytest.fixture
def told(world):
    """One notification per persona, plus one for someone else."""
    rows = {p: notify(recipient=world.user(p), subject=f"For {p}", body=f"Body of {p}",
                      link="/citizen/requests/1/", email=False) for p in PERSONAS}
    rows["someone_else"] = notify(recipient=world.other_citizen, subject="Private matter",
                                  body="Not yours", email=False)
    return rows


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_only_their_own_notifications_and_the_unread_count(
        world, client, told, persona):
    client.force_login(world.user(persona))
    page = client.get("/notifications/").content.decode()
    assert f"For {persona}" in page and f"Body of {persona}" in page
    assert "Private matter" not in page
    assert not any(f"For {other}" in page for other in PERSONAS if other != persona)
    home = client.get(HOMES[persona], follow=True).content.decode()  # the nav of any page
    assert 'data-testid="unread-count">1 unread<' in home


def test_marking_one_read_on_the_page_changes_only_that_one_and_the_count(world, client, told):
    second = notify(recipient=world.citizen, subject="Second", body="", email=False)
    client.force_login(world.citizen)
    response = client.post("/notifications/read/", {"notification_id": second.id})
    assert response.status_code == 302
    assert Notification.objects.get(pk=second.pk).read_at is not None
    assert Notification.objects.get(pk=told["citizen"].pk).read_at is None
    assert 'data-testid="unread-count">1 unread<' in client.get("/notifications/").content.decode()


def test_someone_elses_notification_cannot_be_marked_read_through_the_page(world, client, told):
    client.force_login(world.citizen)
    client.post("/notifications/read/", {"notification_id": told["someone_else"].id})
    assert Notification.objects.get(pk=told["someone_else"].pk).read_at is None


def test_marking_all_read_clears_the_badge(world, client, told):
    client.force_login(world.citizen)
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=world.citizen, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).count() == len(told) - 1
    assert "unread-count" not in client.get("/notifications/").content.decode()


def test_the_page_needs_a_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_lists_only_the_callers_notifications(world, api_as, told, persona):
    response = api_as(world.user(persona)).get("/api/v1/me/notifications/")
    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == told[persona].id
    assert (row["subject"], row["body"], row["link"], row["read_at"]) == (
        f"For {persona}", f"Body of {persona}", "/citizen/requests/1/", None)


def test_the_api_filters_unread_and_marks_read(world, api_as, told):
    client = api_as(world.citizen)
    response = client.post(f"/api/v1/me/notifications/{told['citizen'].id}/read/")
    assert response.status_code == 200 and response.json() == {"marked_read": 1}
    assert client.get("/api/v1/me/notifications/?unread=true").json() == []
    assert client.get("/api/v1/me/notifications/").json()[0]["read_at"] is not None


def test_the_api_answers_404_for_someone_elses_notification_and_changes_nothing(
        world, api_as, told):
    response = api_as(world.citizen).post(
        f"/api/v1/me/notifications/{told['someone_else'].id}/read/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Notification.objects.get(pk=told["someone_else"].pk).read_at is None


def test_the_api_mark_all_read_touches_only_the_callers(world, api_as, told):
    response = api_as(world.acme_admin).post("/api/v1/me/notifications/read-all/")
    assert response.json() == {"marked_read": 1}
    assert Notification.objects.filter(read_at__isnull=True).count() == len(told) - 1


def test_the_api_refuses_anonymous_callers(api_as, told):
    response = api_as(None).get("/api/v1/me/notifications/")
    assert response.status_code == 401
