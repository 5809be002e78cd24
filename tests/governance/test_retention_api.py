"""Deletion certificates and legal holds over the API, per persona; the pages and /metrics."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.models import DeletionCertificate, LegalHold
from governance.services.consent import consent_give
from governance.services.retention import retention_sweep
from tests.factories import CLICK, bulk_templates
from tests.governance.conftest import PERSONAS

DAY = dt.timedelta(days=1)


@pytest.fixture
def certified(world, gate, other_gate):
    """The world's citizen was enrolled at Acme's gate, a stranger at Globex's: both expired
    and were destroyed, one certificate each."""
    consent = consent_give(deployment=gate, actor=world.citizen, purposes=["access_control"],
                           method="in_app_explicit", evidence=dict(CLICK))
    past = timezone.now() - DAY
    bulk_templates(gate, subjects=1, delete_after=past, prefix="tmp")
    from recognition.models import VaultSubject

    VaultSubject.objects.filter(subject_ref="tmp-0").update(subject_ref=consent.subject_ref)
    bulk_templates(other_gate, subjects=2, delete_after=past, prefix="globex")
    retention_sweep()
    return {c.deployment_id: c for c in DeletionCertificate.objects.all()}


CERTIFICATES_SEEN = {  # persona → which deployments' certificates it sees
    "citizen": {"gate"}, "acme_admin": {"gate"}, "acme_operator": {"gate"},
    "other_admin": {"other_gate"}, "inspector": {"gate", "other_gate"},
    "distant_inspector": set(), "auditor": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_certificates_are_listed_to_whom_they_concern(persona, world, api_as, certified, gate,
                                                     other_gate):
    response = api_as(world.user(persona)).get("/api/v1/deletion-certificates/")
    if persona == "anonymous":
        assert response.status_code in (401, 403)
        return
    assert response.status_code == 200
    names = {gate.id: "gate", other_gate.id: "other_gate"}
    assert {names[row["deployment_id"]] for row in response.json()} == CERTIFICATES_SEEN[persona]


def test_a_certificate_over_the_api_carries_what_the_contract_names(world, api_as, certified,
                                                                    gate):
    [row] = api_as(world.acme_admin).get("/api/v1/deletion-certificates/").json()
    assert (row["category"], row["count"], row["trigger"]) == ("face_template", 1, "collection")
    assert len(row["identifier_hashes"]) == 1 and len(row["identifier_hashes"][0]) == 64
    assert len(row["keys_shredded"]) == 1
    # A Chinese gate: the platform default term, under PIPL Art. 19 / CAC Art. 8.
    assert row["legal_reference"] == ("PIPL Art. 19; CAC Measures 2025 Art. 8 "
         "(shortest time necessary; platform default)")
    assert row["entry_hash"] == certified[gate.id].entry_hash


def test_the_citizen_sees_the_certificate_in_their_records_and_on_their_page(world, api_as,
                                                                            client, certified,
                                                                            gate):
    records = api_as(world.citizen).get("/api/v1/me/records/").json()
    assert [(r["deployment_id"], r["count"]) for r in records["deletion_certificates"]] == [
        (gate.id, 1)]
    client.force_login(world.citizen)
    page = client.get("/citizen/deletion-certificates/")
    assert page.status_code == 200
    assert certified[gate.id].entry_hash[:12] in page.content.decode()
    client.force_login(world.other_citizen)
    assert certified[gate.id].entry_hash[:12] not in client.get(
        "/citizen/deletion-certificates/").content.decode()


# --- legal holds -----------------------------------------------------------------------------

HOLD_POST_STATUS = {"anonymous": {401, 403}, "citizen": {403}, "acme_admin": {403},
                    "acme_operator": {403}, "other_admin": {403}, "inspector": {201},
                    "distant_inspector": {404}, "auditor": {403}}


def hold_body(deployment, **extra):
    body = {"deployment_id": deployment.id, "subject_ref": "s-1", "category": "face_template",
            "reason": "Complaint 2026-17: evidence of unlawful enrolment",
            "expires_at": (timezone.now() + 30 * DAY).isoformat()}
    return {**body, **extra}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_regulator_with_a_mandate_places_a_hold(persona, world, api_as, gate):
    response = api_as(world.user(persona)).post("/api/v1/legal-holds/", hold_body(gate),
                                                     format="json")
    assert response.status_code in HOLD_POST_STATUS[persona], response.content
    if response.status_code == 201:
        hold = LegalHold.objects.get()
        assert (hold.deployment, hold.subject_ref, hold.category, hold.placed_by) == (
            gate, "s-1", "face_template", world.inspector)
        assert response.json()["id"] == hold.id
    else:
        assert not LegalHold.objects.exists()


HOLD_GET_STATUS = {"anonymous": {401, 403}, "citizen": {403}, "acme_admin": {403},
                   "acme_operator": {403}, "other_admin": {403}, "inspector": {200},
                   "distant_inspector": {200}, "auditor": {403}}


@pytest.mark.parametrize("persona", PERSONAS)
def test_holds_are_listed_to_regulators_within_their_mandate(persona, world, api_as, gate):
    from governance.services.retention import legal_hold_place

    legal_hold_place(actor=world.inspector, deployment=gate, reason="Case 9",
                     expires_at=timezone.now() + DAY)
    response = api_as(world.user(persona)).get("/api/v1/legal-holds/")
    assert response.status_code in HOLD_GET_STATUS[persona]
    if response.status_code == 200:
        expected = 1 if persona == "inspector" else 0
        assert len(response.json()) == expected


@pytest.mark.parametrize("change, code", [
    ({"expires_at": (timezone.now() - DAY).isoformat()}, "invalid_expiry"),
    ({"reason": "   "}, None),
    ({"category": "fingerprints"}, None),
])
def test_an_invalid_hold_is_refused_and_nothing_is_stored(world, api_as, gate, change, code):
    response = api_as(world.inspector).post("/api/v1/legal-holds/", hold_body(gate, **change),
                                            format="json")
    assert response.status_code == 400
    if code:
        assert response.json()["code"] == code
    assert not LegalHold.objects.exists()


def test_a_hold_on_an_unknown_deployment_is_404_and_stores_nothing(world, api_as, gate):
    body = hold_body(gate, deployment_id=gate.id + 999)
    response = api_as(world.inspector).post("/api/v1/legal-holds/", body, format="json")
    assert response.status_code == 404
    assert not LegalHold.objects.exists()


def test_releasing_a_hold_over_the_api_is_for_the_regulator_only(world, api_as, gate):
    from governance.services.retention import legal_hold_place

    hold = legal_hold_place(actor=world.inspector, deployment=gate, reason="Case 9",
                            expires_at=timezone.now() + DAY)
    refused = api_as(world.acme_admin).post(f"/api/v1/legal-holds/{hold.id}/release/")
    assert refused.status_code == 404
    assert LegalHold.objects.get().released_at is None
    released = api_as(world.inspector).post(f"/api/v1/legal-holds/{hold.id}/release/")
    assert released.status_code == 200
    assert LegalHold.objects.get().released_by == world.inspector


# --- pages and metrics -----------------------------------------------------------------------


@pytest.mark.parametrize("persona, status, shows", [
    ("acme_admin", 200, {"Gate"}), ("inspector", 200, {"Gate", "Globex gate"}),
    ("other_admin", 200, {"Globex gate"}), ("citizen", 403, set()), ("auditor", 403, set())])
def test_the_retention_dashboard_is_for_operators_and_regulators(persona, status, shows, world,
                                                                 client, certified):
    """Each operator sees its own deletion certificates, the regulator both, others none."""
    client.force_login(getattr(world, persona))
    response = client.get("/retention/")
    assert response.status_code == status
    body = response.content.decode()
    assert {name for name in ("Gate", "Globex gate") if f"<td>{name}<" in body} == shows


def test_the_dashboards_show_the_overdue_gauge_and_the_deletions_chart(world, client, gate):
    bulk_templates(gate, subjects=4, delete_after=timezone.now() - DAY)
    for user, url in ((world.acme_admin, "/enterprise/"), (world.inspector, "/regulator/")):
        client.force_login(user)
        before = client.get(url).content.decode()
        assert 'data-testid="overdue-gauge">4<' in before
        assert "Items destroyed per day" in before
    retention_sweep()
    after = client.get("/regulator/").content.decode()
    assert 'data-testid="overdue-gauge">0<' in after
    client.force_login(world.other_admin)
    assert 'data-testid="overdue-gauge">0<' in client.get("/enterprise/").content.decode()


def test_metrics_report_the_sweep_and_the_overdue_gauge_in_prometheus_format(db, client, gate):
    bulk_templates(gate, subjects=3, delete_after=timezone.now() - DAY)
    before = client.get("/metrics")
    assert before["Content-Type"].startswith("text/plain; version=0.0.4")
    assert 'facegov_retention_overdue_items{category="face_template"} 3' in before.text
    retention_sweep()
    text = client.get("/metrics").text
    assert 'facegov_retention_overdue_items{category="face_template"} 0' in text
    assert 'facegov_retention_destroyed_items_total{category="face_template"} 3' in text
    assert "facegov_retention_sweeps_total 1" in text
    assert "# TYPE facegov_retention_last_sweep_duration_seconds gauge" in text


def test_metrics_need_the_token_when_one_is_configured(db, client, settings):
    settings.FACEGOV_METRICS_TOKEN = "scrape-me"
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert "facegov_retention" not in refused.content.decode()
    allowed = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me")
    assert allowed.status_code == 200
    assert "facegov_retention_sweeps_total 0" in allowed.content.decode()
