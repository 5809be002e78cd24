"""The deployment pages, per persona, and the decisions made through them."""

import pytest
from django.urls import reverse

from governance.models import DeploymentEvent, DeploymentStatus, Filing
from tests.governance.conftest import PERSONAS

S = DeploymentStatus

# page: {persona: status}; anonymous is sent to the login page (302), outsiders get 404.
ENTERPRISE_PAGE = {"anonymous": 302, "citizen": 403, "acme_admin": 200, "acme_operator": 200,
                   "other_admin": 404, "inspector": 403, "distant_inspector": 403,
                   "auditor": 403}
REGULATOR_PAGE = {"anonymous": 302, "citizen": 403, "acme_admin": 403, "acme_operator": 403,
                  "other_admin": 403, "inspector": 200, "distant_inspector": 404,
                  "auditor": 403}
PAGES = {
    "deployment-status": ENTERPRISE_PAGE, "deployment-describe": ENTERPRISE_PAGE,
    "deployment-retention": ENTERPRISE_PAGE, "deployment-assessment": ENTERPRISE_PAGE,
    "deployment-submit": ENTERPRISE_PAGE, "regulator-deployment": REGULATOR_PAGE,
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_deployment_pages_open_only_for_those_who_may_see_them(world, client, deployment_in,
                                                               page, persona):
    """Status per the matrix; a 200 shows Acme's deployment and nothing of Globex's, any
    other answer shows neither."""
    deployment = deployment_in(S.PENDING_APPROVAL, public=True, name="Acme metro gates",
                               location="Acme Line 2, north hall")
    deployment_in(S.PENDING_APPROVAL, public=True, name="Globex depot gates",
                  location="Globex yard", organisation=world.other_enterprise)
    if (user := world.user(persona)) is not None:
        client.force_login(user)
    response = client.get(reverse(page, args=[deployment.id]))
    assert response.status_code == PAGES[page][persona]
    body = response.content.decode()
    assert ("Acme metro gates" in body) == (response.status_code == 200)
    assert "Globex depot gates" not in body and "Globex yard" not in body


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_register_pages_need_no_login(world, client, deployment_in, persona):
    deployment = deployment_in(S.ACTIVE, name="Block A gate")
    if (user := world.user(persona)) is not None:
        client.force_login(user)
    assert b"Block A gate" in client.get(reverse("register")).content
    detail = client.get(reverse("register-detail", args=[deployment.id]))
    assert detail.status_code == 200
    assert b"Threshold history" in detail.content


def test_a_draft_has_no_register_page_and_no_sign(world, client, deployment_in):
    deployment = deployment_in(S.DRAFT, name="Secret gate")
    assert b"Secret gate" not in client.get(reverse("register")).content
    assert client.get(reverse("register-detail", args=[deployment.id])).status_code == 404
    assert client.get(reverse("register-signage", args=[deployment.id])).status_code == 404


def test_the_sign_carries_a_qr_code_of_the_register_entry(world, client, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    response = client.get(reverse("register-signage", args=[deployment.id]))
    body = response.content.decode()
    assert "<svg" in body and "Face recognition in use" in body
    assert f"http://testserver/register/{deployment.id}/" in body


def test_a_regulator_approves_from_the_queue_with_reasons(world, client, deployment_in):
    deployment = deployment_in(S.PENDING_APPROVAL, public=True, expected_subjects=150_000)
    client.force_login(world.inspector)
    queue = client.get(reverse("regulator-approvals")).content.decode()
    assert deployment.name in queue
    response = client.post(reverse("regulator-decide", args=[deployment.id, "propose"]),
                           {"reason": "Proportionate.", "legal_basis": "Law"})
    assert response.status_code == 302
    client.force_login(world.supervisor)
    response = client.post(reverse("regulator-decide", args=[deployment.id, "approve"]),
                           {"reason": "Necessary and proportionate.", "legal_basis": "Law"})
    assert response.status_code == 302
    deployment.refresh_from_db()
    assert deployment.status == S.ACTIVE
    assert DeploymentEvent.objects.get().reason == "Necessary and proportionate."
    assert Filing.objects.get().deployment == deployment
    filings = client.get(reverse("regulator-filings")).content.decode()
    assert deployment.name in filings


def test_a_regulator_decision_without_reasons_changes_nothing(world, client, deployment_in):
    deployment = deployment_in(S.PENDING_APPROVAL, public=True)
    client.force_login(world.inspector)
    response = client.post(reverse("regulator-decide", args=[deployment.id, "reject"]),
                           {"reason": ""}, follow=True)
    assert "Give the reasons to reject." in response.content.decode()
    deployment.refresh_from_db()
    assert deployment.status == S.PENDING_APPROVAL
    assert not DeploymentEvent.objects.exists()


def test_an_enterprise_admin_cannot_decide_for_the_regulator(world, client, deployment_in):
    deployment = deployment_in(S.PENDING_APPROVAL, public=True)
    client.force_login(world.acme_admin)
    response = client.post(reverse("regulator-decide", args=[deployment.id, "approve"]),
                           {"reason": "Self-approved."})
    assert response.status_code == 403
    deployment.refresh_from_db()
    assert deployment.status == S.PENDING_APPROVAL


def test_a_failing_submit_page_lists_the_violations_and_changes_nothing(
        world, client, deployment_in):
    deployment = deployment_in(S.DRAFT, place_type="toilet")
    client.force_login(world.acme_admin)
    response = client.post(reverse("deployment-submit", args=[deployment.id]))
    assert response.status_code == 200
    assert "The law stops this submission" in response.content.decode()
    assert "may not be installed in a toilet" in response.content.decode()
    assert "prohibited_place" not in response.content.decode()  # words, not rule codes
    deployment.refresh_from_db()
    assert deployment.status == S.DRAFT
    assert not DeploymentEvent.objects.exists()


def test_the_seeded_demo_has_the_three_deployments(db):
    from django.core.management import call_command

    from governance.models import Deployment

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    statuses = dict(Deployment.objects.values_list("name", "status"))
    assert statuses == {"Residential gate — Block A": S.ACTIVE,
                        "Metro Line 2 gates": S.PENDING_APPROVAL,
                        "Hotel Lumen — room doors": S.DRAFT}
    gate = Deployment.objects.get(name="Residential gate — Block A")
    assert gate.notices.get().published_at is not None
    assert [c.threshold for c in gate.threshold_changes.all()] == [0.6, 0.55]
