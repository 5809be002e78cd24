"""Safe actions on the deployment pages: the wizard refuses what the law forbids as soon as
it is declared, no public-interest default, blocked buttons say why, irreversible moves
confirm with their consequence."""

from django.urls import reverse

from governance.models import Deployment, DeploymentEvent, DeploymentStatus
from governance.views.forms import DescribeForm

S = DeploymentStatus

STEP_ONE = {"name": "Mirror gate", "scenario": "access_control", "mode": "verification",
            "place_type": "office_building", "interest": "private", "legal_basis": "consent",
            "storage": "on_device", "purposes": ["access_control"], "expected_subjects": 10,
            "non_face_alternative": "Staff open the door with a badge.", "threshold": 0.5}


def test_a_changing_room_is_refused_on_step_one_and_nothing_is_stored(world, client):
    client.force_login(world.acme_admin)
    response = client.post(reverse("deployment-new"), STEP_ONE | {"place_type": "changing_room"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "may not be installed in a changing room" in page
    assert "CAC Measures 2025 Art. 13(2)" in page
    assert not Deployment.objects.exists()


def test_a_public_place_without_signs_is_refused_on_step_one(world, client):
    client.force_login(world.acme_admin)
    response = client.post(reverse("deployment-new"), STEP_ONE | {
        "is_public_place": "on", "interest": "public", "purposes": ["public_security"],
        "legal_basis": "public_security_law", "scenario": "public_security"})
    assert "A public place needs prominent signs" in response.content.decode()
    assert not Deployment.objects.exists()


def test_a_lawful_step_one_is_saved(world, client):
    client.force_login(world.acme_admin)
    response = client.post(reverse("deployment-new"), STEP_ONE)
    assert response.status_code == 302
    assert Deployment.objects.get().name == "Mirror gate"


def test_interest_and_legal_basis_have_no_default(world):
    form = DescribeForm()
    assert form.fields["interest"].choices[0][0] == ""
    assert form.fields["legal_basis"].choices[0][0] == ""
    assert not DescribeForm(data=STEP_ONE | {"interest": ""}).is_valid()


def test_purposes_are_chosen_from_the_taxonomy(world, client, api_as):
    client.force_login(world.acme_admin)
    page = client.get(reverse("deployment-new")).content.decode()
    assert 'type="checkbox" name="purposes" value="access_control"' in page
    assert "Payment authentication" in page
    response = api_as(world.acme_admin).post("/api/v1/deployments/", STEP_ONE | {
        "purposes": ["not a purpose"]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_purpose"
    assert "slug" not in str(response.json()).lower()
    assert not Deployment.objects.exists()


def test_a_blocked_submit_button_is_disabled_and_says_why(world, client, deployment_in):
    deployment = deployment_in(S.DRAFT, place_type="toilet")
    client.force_login(world.acme_admin)
    page = client.get(reverse("deployment-submit", args=[deployment.id])).content.decode()
    assert 'data-testid="blocked-reasons"' in page
    assert "may not be installed in a toilet" in page
    button = page.split("Submit the deployment")[0].rsplit("<button", 1)[1]
    assert "disabled" in button


def test_suspending_asks_for_confirmation_and_changes_nothing_until_confirmed(
        world, client, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    client.force_login(world.inspector)
    url = reverse("regulator-decide", args=[deployment.id, "suspend"])
    page = client.post(url, {"reason": "Complaints."}).content.decode()
    assert "Recognition stops from the next request" in page
    deployment.refresh_from_db()
    assert deployment.status == S.ACTIVE
    assert not DeploymentEvent.objects.exists()
    client.post(url, {"reason": "Complaints.", "confirmed": "yes"})
    deployment.refresh_from_db()
    assert deployment.status == S.SUSPENDED


def test_decommissioning_spells_out_its_consequence_and_needs_the_tick(
        world, client, deployment_in):
    deployment = deployment_in(S.ACTIVE)
    client.force_login(world.acme_admin)
    page = client.get(reverse("deployment-status", args=[deployment.id])).content.decode()
    assert "every face template and image it holds is destroyed" in page
    client.post(reverse("deployment-decommission", args=[deployment.id]),
                {"reason": "Closing the site."})
    deployment.refresh_from_db()
    assert deployment.status == S.ACTIVE
