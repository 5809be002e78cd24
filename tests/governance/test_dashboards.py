"""Landing-page numbers count only what the viewer may see, and flag what is late."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from governance.models import DeploymentStatus, Filing, FilingKind
from governance.selectors.dashboards import enterprise_tiles, regulator_tiles
from tests.factories import ActiveDeploymentFactory, DeploymentFactory


def tile(tiles, label):
    return next(t for t in tiles if t.label == label)


def test_enterprise_tiles_count_only_their_own_deployments(world):
    ActiveDeploymentFactory(organisation=world.acme)
    ActiveDeploymentFactory(organisation=world.other_enterprise)
    DeploymentFactory(organisation=world.acme, status=DeploymentStatus.PENDING_APPROVAL)
    tiles = enterprise_tiles(user=world.acme_admin)
    assert tile(tiles, "Active deployments").value == 1
    assert tile(tiles, "Awaiting approval").value == 1


def test_an_overdue_filing_raises_an_alert_for_both_sides(world):
    gate = ActiveDeploymentFactory(organisation=world.acme)
    Filing.objects.create(deployment=gate, kind=FilingKind.INITIAL, trigger="150,000 people",
                          triggered_at=timezone.now() - dt.timedelta(days=60),
                          due_at=timezone.now() - dt.timedelta(days=1))
    for tiles in (enterprise_tiles(user=world.acme_admin), regulator_tiles(user=world.inspector)):
        overdue = tile(tiles, "Overdue filings")
        assert (overdue.value, overdue.alert) == (1, True)
    assert tile(regulator_tiles(user=world.distant_inspector), "Overdue filings").value == 0


def test_the_landing_pages_show_the_tiles(world, client):
    client.force_login(world.inspector)
    page = client.get(reverse("regulator-home")).content.decode()
    assert "Awaiting your approval" in page
    client.force_login(world.acme_admin)
    assert "Open rights requests" in client.get(reverse("enterprise-home")).content.decode()
