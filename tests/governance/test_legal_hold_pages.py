"""Regulators place and release legal holds from the retention page, through the services."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from governance.models import LegalHold
from tests.factories import ActiveDeploymentFactory


def hold_form(gate, **overrides):
    until = timezone.localtime(timezone.now() + dt.timedelta(days=30))
    return {"deployment": gate.id, "subject_ref": "", "category": "face_template",
            "reason": "Complaint 2026-17 under investigation.",
            "expires_at": until.strftime("%Y-%m-%dT%H:%M"), **overrides}


def test_a_regulator_places_a_hold_from_the_page_and_releases_it(world, client):
    gate = ActiveDeploymentFactory(organisation=world.acme)
    client.force_login(world.inspector)
    assert "Place a legal hold" in client.get(reverse("retention-dashboard")).content.decode()
    response = client.post(reverse("legal-hold-new"), hold_form(gate))
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.deployment, hold.category, hold.placed_by) == (gate, "face_template",
                                                                 world.inspector)
    client.post(reverse("legal-hold-release", args=[hold.id]))
    hold.refresh_from_db()
    assert hold.released_by == world.inspector


def test_a_hold_without_a_reason_is_not_placed(world, client):
    gate = ActiveDeploymentFactory(organisation=world.acme)
    client.force_login(world.inspector)
    client.post(reverse("legal-hold-new"), hold_form(gate, reason=""))
    assert not LegalHold.objects.exists()


def test_enterprises_and_distant_regulators_cannot_place_holds(world, client):
    gate = ActiveDeploymentFactory(organisation=world.acme)
    for user, status in ((world.acme_admin, 403), (world.citizen, 403),
                         (world.distant_inspector, 302)):
        client.force_login(user)
        response = client.post(reverse("legal-hold-new"), hold_form(gate))
        assert response.status_code == status
    assert not LegalHold.objects.exists()
    client.force_login(world.acme_admin)
    assert "Place a legal hold" not in client.get(reverse("retention-dashboard")).content.decode()
