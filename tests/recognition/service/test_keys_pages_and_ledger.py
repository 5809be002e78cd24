"""API keys by persona, the recognition pages by persona, and the events' hash chain."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from governance.models import Deployment, SubjectLink
from recognition.models import ApiKey, RecognitionEvent
from recognition.services.confirmations import confirmations_open
from recognition.services.events import event_record
from tests.factories import central_gate
from tests.recognition.service.conftest import OBAMA

PERSONAS = ["anonymous", "citizen", "acme_admin", "acme_operator", "other_admin", "inspector",
            "auditor"]



KEY_CREATE = {"anonymous": 401, "citizen": 404, "acme_admin": 201, "acme_operator": 403,
              "other_admin": 404, "inspector": 403, "auditor": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_operators_admin_creates_keys_and_the_key_is_shown_once(world, gate, api_as,
                                                                         persona):
    response = api_as(world.user(persona)).post(
        f"/api/v1/deployments/{gate.id}/api-keys/", {"name": "Gate camera"}, format="json")
    assert response.status_code == KEY_CREATE[persona], response.json()
    if response.status_code == 201:
        key = response.json()["key"]
        stored = ApiKey.objects.get()
        assert key.startswith(stored.prefix) and key not in stored.key_hash
        listed = api_as(world.acme_admin).get(f"/api/v1/deployments/{gate.id}/api-keys/")
        assert "key" not in listed.json()[0]
    else:
        assert not ApiKey.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_operators_admin_revokes_a_key(world, gate, device, api_as, persona):
    device()
    api_key = ApiKey.objects.get()
    response = api_as(world.user(persona)).post(f"/api/v1/api-keys/{api_key.id}/revoke/")
    expected = {"anonymous": 401, "acme_admin": 200}.get(persona, 404)
    assert response.status_code == expected
    api_key.refresh_from_db()
    assert (api_key.revoked_at is not None) == (expected == 200)


PAGES = {
    "recognition-activity": {"anonymous": 302, "citizen": 403, "acme_admin": 200,
                             "acme_operator": 200, "other_admin": 200, "inspector": 403,
                             "auditor": 403},
    "recognition-try": {"anonymous": 302, "citizen": 403, "acme_admin": 200,
                        "acme_operator": 200, "other_admin": 200, "inspector": 403,
                        "auditor": 403},
    "recognition-confirmations": {"anonymous": 302, "citizen": 403, "acme_admin": 200,
                                  "acme_operator": 200, "other_admin": 200, "inspector": 403,
                                  "auditor": 403},
    "recognition-my-events": {"anonymous": 302, "citizen": 200, "acme_admin": 403,
                              "acme_operator": 403, "other_admin": 403, "inspector": 403,
                              "auditor": 403},
}
# Whose rows an opened page shows: Acme's staff and the citizen (known to Acme's gate) see
# Acme's; Globex's admin sees Globex's.
SIDE = {"citizen": "acme", "acme_admin": "acme", "acme_operator": "acme",
        "other_admin": "globex"}
# What marks a side's rows: the subject on the enterprise lists, the gate on the others.
MARK = {"recognition-activity": "subject", "recognition-confirmations": "subject",
        "recognition-try": "gate", "recognition-my-events": "gate"}


@pytest.fixture
def two_sides(world):
    """An identification with a match waiting for review at each operator's gate; the
    citizen is Acme's matched subject."""
    sides = {}
    for side, organisation, gate_name, subject in (
            ("acme", world.acme, "Block A gate", "acme-resident-7"),
            ("globex", world.other_enterprise, "Globex depot gate", "globex-worker-3")):
        gate = central_gate(organisation, name=gate_name, two_person_confirmation=True)
        event = event_record(deployment=gate, operation="identify", outcome="match",
                             purpose="access_control", subject_ref=subject, faces=1,
                             matched_refs=[subject])
        confirmations_open(deployment=gate, event=event, matches=[(subject, 0.31)])
        sides[side] = {"gate": gate_name, "subject": subject}
    SubjectLink.objects.create(citizen=world.citizen, deployment=Deployment.objects.get(
        name="Block A gate"), subject_ref="acme-resident-7", via="portal")
    return sides


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_recognition_pages_open_for_their_personas(world, client, two_sides, page, persona):
    """Status per the matrix; an opened page shows its viewer's side's rows only, a refused
    one nobody's."""
    user = world.user(persona)
    if user:
        client.force_login(user)
    response = client.get(reverse(page))
    assert response.status_code == PAGES[page][persona]
    body = response.content.decode()
    shows = SIDE.get(persona) if response.status_code == 200 else None
    for side, marks in two_sides.items():
        assert (marks[MARK[page]] in body) == (side == shows), (side, marks[MARK[page]])


def test_another_enterprise_sees_none_of_acmes_events(world, gate, consent, device, enroll,
                                                      client):
    consent(gate, "resident-1")
    enroll(device(), "resident-1", photo=OBAMA)
    client.force_login(world.other_admin)
    page = client.get(reverse("recognition-activity")).content.decode()
    assert "resident-1" not in page
    assert client.get(reverse("recognition-deployment", args=[gate.id])).status_code == 404


def test_the_activity_page_shows_events_and_a_daily_chart(world, gate, consent, device, enroll,
                                                          client):
    consent(gate, "resident-1")
    enroll(device(), "resident-1", photo=OBAMA)
    client.force_login(world.acme_admin)
    page = client.get(reverse("recognition-activity")).content.decode()
    assert "resident-1" in page and 'class="bar-chart"' in page
    refused = client.get(reverse("recognition-activity") + "?outcome=refused").content.decode()
    assert "resident-1" not in refused


def test_a_citizen_sees_who_recognised_them(world, gate, consent, device, enroll, client):
    consent(gate, "resident-1")
    enroll(device(), "resident-1", photo=OBAMA)
    SubjectLink.objects.create(citizen=world.citizen, deployment=gate, subject_ref="resident-1",
                               via="portal")
    client.force_login(world.citizen)
    page = client.get(reverse("recognition-my-events")).content.decode()
    assert "Block A gate" in page and "Enrolment" in page
    client.force_login(world.other_citizen)
    assert "Block A gate" not in client.get(reverse("recognition-my-events")).content.decode()


def test_tampering_with_a_recognition_event_is_named_by_verify_ledger(gate, consent, device,
                                                                      enroll, capsys):
    consent(gate, "resident-1")
    enroll(device(), "resident-1", photo=OBAMA)
    enroll(device(), "resident-1", photo=OBAMA)
    call_command("verify_ledger")
    first = RecognitionEvent.objects.order_by("sequence").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE recognition_recognitionevent SET outcome = 'refused' "
                       "WHERE id = %s", [first.id])
    with pytest.raises(CommandError) as broken:
        call_command("verify_ledger")
    assert f"recognition event ledger, chain {gate.id}: entry #1 (id {first.id})" in str(
        broken.value)
