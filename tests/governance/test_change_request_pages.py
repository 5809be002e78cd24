"""The same change requests through the pages: the operator proposes on the describe form,
the regulator sees the request on the approvals page and decides on the deployment's page."""

import pytest
from django.urls import reverse

from governance.models import ChangeState, DeploymentChange, DeploymentStatus
from governance.services.deployments import deployment_update
from governance.views.forms import DescribeForm

S = DeploymentStatus


@pytest.fixture
def metro(deployment_in):
    return deployment_in(S.ACTIVE, public=True, requires_liveness=True, name="Metro Line 2")


@pytest.fixture
def pending(world, metro):
    return deployment_update(deployment=metro, actor=world.acme_admin,
                             fields={"requires_liveness": False},
                             reason="Liveness fails in the tunnels.").change


def describe_post(deployment, **changes):
    # What the browser sends: an unticked checkbox is absent.
    data = {k: v for k, v in DescribeForm.initial_for(deployment).items()
            if v is not False and v is not None}
    return {**data, **changes}


def test_the_describe_form_files_a_change_request_for_an_approved_deployment(world, client,
                                                                             metro):
    client.force_login(world.acme_admin)
    data = describe_post(metro, change_reason="Tunnels.")
    data.pop("requires_liveness")  # an unticked box: liveness off
    response = client.post(reverse("deployment-describe", args=[metro.id]), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("deployment-status", args=[metro.id])
    assert "waits for the regulator" in response.content.decode()
    change = DeploymentChange.objects.get()
    assert (change.state, change.changes) == (
        ChangeState.PENDING, {"requires_liveness": {"before": True, "after": False}})
    metro.refresh_from_db()
    assert metro.requires_liveness is True
    assert "Liveness check" in response.content.decode()  # the status page lists it by label


def test_the_approvals_page_lists_waiting_change_requests_within_the_mandate(world, client,
                                                                            pending):
    client.force_login(world.inspector)
    page = client.get(reverse("regulator-approvals")).content.decode()
    assert "Metro Line 2" in page and "Liveness fails in the tunnels." in page
    assert "requires_liveness" not in page  # labels, never field names
    client.force_login(world.distant_inspector)
    assert "Liveness fails" not in client.get(reverse("regulator-approvals")).content.decode()


def test_the_regulator_approves_on_the_deployment_page(world, client, metro, pending):
    client.force_login(world.inspector)
    url = reverse("regulator-change-decide", args=[metro.id, pending.id, "approve"])
    client.post(url, {"reason": "Accepted for tunnels."})
    pending.refresh_from_db()
    metro.refresh_from_db()
    assert (pending.state, pending.decision_reasons, metro.requires_liveness) == (
        ChangeState.APPROVED, "Accepted for tunnels.", False)


def test_the_operator_cannot_decide_through_the_regulator_page(world, client, metro, pending):
    client.force_login(world.acme_admin)
    url = reverse("regulator-change-decide", args=[metro.id, pending.id, "approve"])
    assert client.post(url, {"reason": "Self-approved."}).status_code == 403
    pending.refresh_from_db()
    assert pending.state == ChangeState.PENDING


def test_the_operator_withdraws_on_the_status_page(world, client, metro, pending):
    client.force_login(world.acme_admin)
    client.post(reverse("deployment-change-withdraw", args=[metro.id, pending.id]))
    pending.refresh_from_db()
    assert pending.state == ChangeState.WITHDRAWN


def test_the_register_page_shows_the_change_history_in_words(world, client, deployment_in):
    gate = deployment_in(S.ACTIVE, requires_liveness=True, name="Block A gate")
    deployment_update(deployment=gate, actor=world.acme_admin,
                      fields={"requires_liveness": False}, reason="Elderly residents.")
    page = client.get(reverse("register-detail", args=[gate.id])).content.decode()
    assert "Change history" in page and "Elderly residents." in page
    assert "Liveness check" in page and "requires_liveness" not in page
    assert world.acme_admin.username not in page

