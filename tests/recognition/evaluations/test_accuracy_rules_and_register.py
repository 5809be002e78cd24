"""Continuous disclosure on the public register, and the rules about measured accuracy."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.compliance.rules import evaluate
from governance.models import DeploymentStatus, ThresholdChange
from governance.services.approvals import approval_propose
from governance.services.deployments import deployment_update
from governance.services.lifecycle import deployment_approve
from tests.factories import active_gate
from tests.governance.conftest import public_interest

from .factories import finished_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    gate = active_gate(world.acme)
    gate.activated_at = timezone.now() - dt.timedelta(days=30)
    gate.save(update_fields=["activated_at"])
    from tests.factories import ImpactAssessmentFactory

    ImpactAssessmentFactory(deployment=gate)
    return gate


def change_threshold(gate, actor, value):
    return deployment_update(deployment=gate, actor=actor, fields={"threshold": value},
                             threshold_reason="Calibrated on the evaluation.")


def finding(deployment, rule_id):
    return next(f for f in evaluate(deployment) if f.rule == rule_id)


# --- register --------------------------------------------------------------------------------


def test_the_register_shows_the_latest_evaluation(world, gate, api):
    finished_evaluation(gate, age=dt.timedelta(days=5), fmr=0.01)
    finished_evaluation(gate, worst_fmr=0.0008)
    accuracy = api.get(f"/api/v1/register/{gate.id}/").json()["accuracy"]
    assert (accuracy["threshold"], accuracy["fmr"], accuracy["fnmr"]) == (0.6, 0.0005, 0.02)
    assert (accuracy["worst_group_fmr"], accuracy["fdr"]) == (0.0008, 0.97)
    assert (accuracy["images"], accuracy["failures_to_enrol"], accuracy["stale"]) == (100, 3,
                                                                                      False)


def test_without_an_evaluation_the_register_says_so(world, gate, api, client):
    assert api.get(f"/api/v1/register/{gate.id}/").json()["accuracy"] is None
    page = client.get(f"/register/{gate.id}/").content.decode()
    assert "No accuracy evaluation has been published" in page


def test_a_new_threshold_marks_the_published_evaluation_stale(world, gate, api, client):
    finished_evaluation(gate, recommended=0.5)
    change_threshold(gate, world.acme_admin, 0.5)
    accuracy = api.get(f"/api/v1/register/{gate.id}/").json()["accuracy"]
    assert (accuracy["stale"], accuracy["stale_reasons"]) == (True, ["threshold_changed"])
    page = client.get(f"/register/{gate.id}/").content.decode()
    assert 'id="accuracy-stale"' in page


def test_a_new_engine_version_marks_it_stale(world, gate, api):
    finished_evaluation(gate, engine_version="facegov-engine/0.9")
    accuracy = api.get(f"/api/v1/register/{gate.id}/").json()["accuracy"]
    assert accuracy["stale_reasons"] == ["engine_changed"]


def test_the_register_page_shows_the_accuracy_panel(world, gate, client):
    finished_evaluation(gate)
    page = client.get(f"/register/{gate.id}/").content.decode()
    assert 'id="accuracy-fmr">0.00050<' in page and 'id="accuracy-fte">3 ' in page


# --- rules -----------------------------------------------------------------------------------


def test_a_threshold_change_without_an_evaluation_at_it_is_refused(world, gate):
    from governance.errors import RuleViolations

    with pytest.raises(RuleViolations) as caught:
        change_threshold(gate, world.acme_admin, 0.55)
    assert [v["rule"] for v in caught.value.extra["violations"]] == [
        "threshold_change_evaluated"]
    gate.refresh_from_db()
    assert gate.threshold == 0.6 and not ThresholdChange.objects.exists()


def test_adopting_the_calibrated_threshold_is_allowed(world, gate):
    finished_evaluation(gate, recommended=0.5)
    change_threshold(gate, world.acme_admin, 0.5)
    gate.refresh_from_db()
    assert gate.threshold == 0.5 and ThresholdChange.objects.count() == 1


def test_an_evaluation_older_than_ninety_days_does_not_support_a_change(world, gate):
    from governance.errors import RuleViolations

    finished_evaluation(gate, recommended=0.5, age=dt.timedelta(days=91))
    with pytest.raises(RuleViolations):
        change_threshold(gate, world.acme_admin, 0.5)


def test_public_identification_needs_an_evaluation_before_approval(world):
    from governance.errors import RuleViolations

    deployment = public_interest(world.acme, status=DeploymentStatus.PENDING_APPROVAL,
                                 measured=False)
    with pytest.raises(RuleViolations) as caught:
        deployment_approve(deployment=deployment, actor=world.supervisor, reason="Lawful.")
    assert "public_identification_evaluated" in [
        v["rule"] for v in caught.value.extra["violations"]]
    finished_evaluation(deployment)
    approval_propose(deployment=deployment, actor=world.inspector, reason="Lawful.")
    deployment_approve(deployment=deployment, actor=world.supervisor, reason="Lawful.")
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.ACTIVE


def test_a_worst_group_above_target_blocks_a_public_deployment(world):
    deployment = public_interest(world.acme, status=DeploymentStatus.PENDING_APPROVAL,
                                 measured=False)
    finished_evaluation(deployment, worst_fmr=0.004)
    found = finding(deployment, "worst_group_meets_target")
    assert (found.passed, found.severity) == (False, "blocking")
    assert "0.40%" in found.message


def test_a_worst_group_above_target_is_advisory_for_a_private_deployment(world, gate):
    finished_evaluation(gate, worst_fmr=0.004)
    assert finding(gate, "worst_group_meets_target").passed
    advisory = finding(gate, "worst_group_meets_target_advisory")
    assert (advisory.passed, advisory.severity) == (False, "warning")
