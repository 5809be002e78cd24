"""The policy gate recognition calls: each refusal code, and that it reads the present."""

import datetime as dt

import pytest

from governance.errors import PolicyRefusal
from governance.models import (
    Consent,
    Decision,
    Deployment,
    DeploymentDecision,
    DeploymentStatus,
    Interest,
    LegalBasis,
    Purpose,
    Scenario,
    Storage,
)
from governance.services.consent import consent_renew, consent_withdraw
from governance.services.notices import deployment_notice_publish
from governance.services.policy import (
    Basis,
    policy_check,
    policy_check_deployment,
    policy_require,
)
from tests.factories import ActiveDeploymentFactory, DeploymentNoticeFactory


def check(deployment, subject_ref="s-1", purpose="access_control", operation="verify", **kw):
    return policy_check(deployment=deployment, subject_ref=subject_ref, purpose=purpose,
                        operation=operation, **kw)


def test_an_active_consent_for_the_purpose_allows_processing(gate, give):
    consent = give(gate)
    decision = check(gate)
    assert decision.allowed
    assert decision.basis == Basis.CONSENT
    assert decision.receipt_id == consent.receipt_id


def test_a_consent_for_purpose_a_does_not_allow_purpose_b(gate, give):
    give(gate, purposes=["access_control"])
    assert check(gate, purpose="access_control").allowed
    decision = check(gate, purpose="attendance")  # a purpose of the deployment, not consented
    assert (decision.allowed, decision.code) == (False, "no_consent")


def test_a_purpose_the_deployment_does_not_declare_is_refused_even_with_consent(gate, give):
    give(gate)
    assert check(gate, purpose="customer_analytics").code == "purpose_not_allowed"


def test_a_subject_without_consent_is_refused(gate, give):
    give(gate, subject_ref="s-1")
    assert check(gate, subject_ref="s-2").code == "no_consent"


def test_a_withdrawn_consent_refuses_at_the_very_next_call(gate, give, world):
    consent = give(gate)
    assert check(gate).allowed
    consent_withdraw(consent=consent, actor=world.acme_admin)
    decision = check(gate)  # same request cycle, same (stale) gate instance
    assert (decision.allowed, decision.code) == (False, "consent_withdrawn")


def test_the_gate_reads_the_deployment_status_not_the_callers_stale_instance(gate, give):
    give(gate)
    Deployment.objects.filter(pk=gate.pk).update(status=DeploymentStatus.SUSPENDED)
    assert gate.status == DeploymentStatus.ACTIVE  # the caller's copy is stale
    assert check(gate).code == "deployment_not_active"


@pytest.mark.parametrize("status", [s for s in DeploymentStatus.values if s != "active"])
def test_only_active_deployments_recognise(gate, give, status):
    give(gate)
    Deployment.objects.filter(pk=gate.pk).update(status=status)
    decision = check(gate)
    assert decision.code == "deployment_not_active"
    # The person reads the status's name ("pending approval"), never its value.
    assert DeploymentStatus(status).label.lower() in decision.detail


def test_an_expired_consent_is_refused_even_before_the_sweep_marks_it(gate, give, now):
    give(gate, expires_at=now + dt.timedelta(days=1))
    assert check(gate, now=now).allowed
    assert check(gate, now=now + dt.timedelta(days=2)).code == "consent_expired"


def test_a_material_notice_change_requires_renewal_before_processing(gate, give, world):
    consent = give(gate)
    deployment_notice_publish(deployment=gate, actor=world.acme_admin, text="New purposes.")
    assert check(gate).code == "consent_needs_renewal"
    consent_renew(consent=consent, actor=world.acme_admin)
    assert check(gate).allowed


def test_a_minor_notice_change_does_not_require_renewal(gate, give, world):
    give(gate)
    deployment_notice_publish(deployment=gate, actor=world.acme_admin, text="Typo fixed.",
                              is_material_change=False)
    assert check(gate).allowed


def test_central_storage_needs_the_separate_consent(world, give):
    central = ActiveDeploymentFactory(organisation=world.acme, storage=Storage.CENTRAL,
                                central_storage_separate_consent=True)
    DeploymentNoticeFactory(deployment=central)
    give(central, subject_ref="s-1", central_storage=False)
    give(central, subject_ref="s-2", central_storage=True)
    assert check(central, subject_ref="s-1").code == "separate_consent_missing"
    assert check(central, subject_ref="s-2").allowed


def test_an_older_active_consent_still_counts_when_a_newer_one_was_withdrawn(gate, give, world):
    # Two consents in force need different purposes: the same purposes again renew the first.
    give(gate, purposes=("access_control", "attendance"))
    newer = give(gate, purposes=("access_control",))
    consent_withdraw(consent=newer, actor=world.acme_admin)
    assert check(gate).allowed


def test_a_regulator_approved_public_security_deployment_needs_no_individual_consent(world):
    cctv = ActiveDeploymentFactory(organisation=world.acme, scenario=Scenario.PUBLIC_SECURITY,
                                   interest=Interest.PUBLIC,
                                   legal_basis=LegalBasis.PUBLIC_SECURITY_LAW,
                                   purposes=["public_security"])
    DeploymentDecision.objects.create(
        deployment=cctv, regulator=world.regulator, decision=Decision.APPROVED,
        reasons="Necessary for the metro's security.", decided_by=world.inspector,
        legal_basis="Anti-Terrorism Law Art. 27, approval no. 2026-14")
    decision = check(cctv, subject_ref="anyone", purpose="public_security",
                     operation="identify")
    assert decision.allowed
    assert (decision.basis, decision.legal_basis) == (
        Basis.LEGAL_BASIS, "Anti-Terrorism Law Art. 27, approval no. 2026-14")
    assert Consent.objects.count() == 0


def test_without_the_regulators_approval_public_security_still_needs_consent(world):
    cctv = ActiveDeploymentFactory(organisation=world.acme, scenario=Scenario.PUBLIC_SECURITY,
                                   interest=Interest.PUBLIC,
                                   legal_basis=LegalBasis.PUBLIC_SECURITY_LAW,
                                   purposes=["public_security"])
    DeploymentDecision.objects.create(
        deployment=cctv, regulator=world.regulator, decision=Decision.REJECTED,
        reasons="Disproportionate.", decided_by=world.inspector)
    decision = check(cctv, subject_ref="anyone", purpose="public_security",
                     operation="identify")
    assert (decision.allowed, decision.code) == (False, "no_consent")


def test_a_private_deployment_cannot_claim_the_public_security_basis(world):
    private = ActiveDeploymentFactory(organisation=world.acme,
                                      legal_basis=LegalBasis.PUBLIC_SECURITY_LAW,
                                      purposes=["access_control"])
    assert check(private).code == "no_consent"


def test_deletion_is_always_allowed_even_for_a_decommissioned_deployment(gate):
    Deployment.objects.filter(pk=gate.pk).update(status=DeploymentStatus.DECOMMISSIONED)
    decision = check(gate, subject_ref="unknown", purpose="anything", operation="delete")
    assert (decision.allowed, decision.basis) == (True, Basis.DELETION)


def test_an_unknown_operation_is_refused(gate, give):
    give(gate)
    assert check(gate, operation="train_model").code == "unknown_operation"


def test_a_one_to_many_search_is_checked_at_deployment_level(gate):
    assert policy_check_deployment(deployment=gate, purpose="access_control").allowed
    refused = policy_check_deployment(deployment=gate.pk, purpose="customer_analytics")
    assert refused.code == "purpose_not_allowed"


def test_policy_require_raises_the_refusal_code_as_a_403(gate):
    with pytest.raises(PolicyRefusal) as caught:
        policy_require(deployment=gate, subject_ref="s-9", purpose="access_control",
                       operation="enroll")
    assert caught.value.code == "no_consent"
    assert caught.value.status_code == 403


# --- the consent row must agree with its ledger ----------------------------------------------


def sql(statement: str, params: list) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_withdrawn_consent_flipped_to_active_by_sql_is_refused_with_its_own_code(gate, give,
                                                                                  world):
    consent = give(gate)
    consent_withdraw(consent=consent, actor=world.acme_admin)
    sql("UPDATE governance_consent SET state = 'active', withdrawn_at = NULL WHERE id = %s",
        [consent.id])
    assert Consent.objects.get(id=consent.id).state == "active"  # the row now says "go"
    decision = check(gate)
    assert (decision.allowed, decision.code) == (False, "consent_ledger_mismatch")
    assert "does not match the consent ledger" in decision.detail


def test_a_consent_moved_to_another_subject_by_sql_is_refused(gate, give):
    consent = give(gate, subject_ref="s-1")
    sql("UPDATE governance_consent SET subject_ref = 's-9' WHERE id = %s", [consent.id])
    assert check(gate, subject_ref="s-9").code == "consent_ledger_mismatch"


def test_a_purpose_added_behind_the_ledger_is_refused(gate, give):
    consent = give(gate, purposes=["access_control"])
    consent.purposes.add(Purpose.objects.get(code="attendance"))  # no ledger entry says so
    assert check(gate, purpose="attendance").code == "consent_ledger_mismatch"
    # What the ledger does record still stands (verify_ledger reports the row's extra purpose).
    assert check(gate, purpose="access_control").allowed


def test_a_consent_row_with_no_ledger_entry_is_refused(gate, give):
    consent = give(gate)
    sql("DELETE FROM governance_consentledgerentry WHERE consent_id = %s", [consent.id])
    assert check(gate).code == "consent_ledger_mismatch"


def test_a_renewed_consent_agrees_with_its_ledger(gate, give, world):
    consent = give(gate, expires_at=dt.datetime(2031, 1, 1, 12, 30, 15, 123456, tzinfo=dt.UTC))
    deployment_notice_publish(deployment=gate, actor=world.acme_admin, text="Changed.")
    consent_renew(consent=consent, actor=world.acme_admin)
    assert check(gate).allowed


def test_the_ledger_check_rides_on_the_consent_query(gate, give):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    check(gate, subject_ref="someone-else")  # the deployment's facts are cached now
    give(gate)  # bumps the person's stamp: the next check reads their consents
    with CaptureQueriesContext(connection) as queries:
        assert check(gate).allowed
    assert len(queries) == 1  # the consents, their restriction and their ledger entries
    sql = queries.captured_queries[0]["sql"]
    # Joined by the consent's foreign key (indexed).
    assert 'LEFT OUTER JOIN "governance_consentledgerentry"' in sql
    assert '"governance_consentledgerentry"."consent_id"' in sql
