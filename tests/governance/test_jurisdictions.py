"""Jurisdiction packs: the same deployment is judged differently where the law differs, and a
deployment runs only under its operator's law."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.compliance.rules import evaluate, violations
from governance.errors import DomainError
from governance.models import DataCategory, Deployment, Filing, RetentionRule
from governance.permissions import regulator_covers
from governance.platform.deadlines import DeadlineKind, due_for
from governance.receipts import consent_receipt
from governance.retention.rules import Source, effective_retention
from governance.services.consent import consent_give
from governance.services.filings import deployment_stored_subjects_record
from tests.factories import CLICK, OrganisationFactory, active_gate, ready_deployment

JURISDICTIONS = ("CN", "EU", "US-IL")


def deployment_under(jurisdiction, **kwargs):
    """The same 1:1 residential gate, declared under `jurisdiction` by an operator there."""
    organisation = OrganisationFactory(jurisdiction=jurisdiction)
    deployment = ready_deployment(organisation=organisation, jurisdiction=jurisdiction,
                                  **kwargs)
    RetentionRule.objects.create(deployment=deployment, category=DataCategory.FACE_TEMPLATE,
                                 period_days=5 * 365, trigger="last_interaction")
    return deployment


def test_a_template_kept_five_years_is_capped_at_three_only_in_illinois(db):
    found = {j: effective_retention(deployment=deployment_under(j),
                                    category=DataCategory.FACE_TEMPLATE)
             for j in JURISDICTIONS}
    assert {j: (r.period_days, r.source, r.reference) for j, r in found.items()} == {
        "CN": (5 * 365, Source.DECLARED, "Declared by the operator"),
        "EU": (5 * 365, Source.DECLARED, "Declared by the operator"),
        "US-IL": (3 * 365, Source.STATUTORY, "BIPA Sec. 15(a)"),
    }
    warned = {j: [f.rule for f in evaluate(deployment_under(j)) if not f.passed]
              for j in JURISDICTIONS}
    assert warned == {"CN": [], "EU": [], "US-IL": ["retention_within_statutory_caps"]}


def test_identification_logs_kept_90_days_are_refused_only_in_the_eu(db):
    """An office door that identifies staff 1:N, logs kept 90 days: the AI Act's six months
    bind in the EU; China and Illinois set no minimum."""
    refused = {}
    for jurisdiction in JURISDICTIONS:
        deployment = deployment_under(jurisdiction, place_type="office_building",
                                      mode="identification_realtime",
                                      two_person_confirmation=True)
        RetentionRule.objects.create(deployment=deployment,
                                     category=DataCategory.RECOGNITION_EVENT, period_days=90,
                                     trigger="collection")
        refused[jurisdiction] = [(f.rule, f.reference) for f in violations(deployment)]
    assert refused == {"CN": [], "US-IL": [],
                       "EU": [("identification_logs_kept_six_months", "EU AI Act Art. 26(6)")]}


def test_two_person_confirmation_of_identification_is_law_only_in_the_eu(db):
    refused = {j: [f.rule for f in violations(deployment_under(
        j, place_type="office_building", mode="identification_post",
        two_person_confirmation=False))] for j in ("CN", "US-IL")}
    assert refused == {"CN": [], "US-IL": []}
    eu = deployment_under("EU", place_type="office_building", mode="identification_post")
    RetentionRule.objects.create(deployment=eu, category=DataCategory.RECOGNITION_EVENT,
                                 period_days=200, trigger="collection")
    assert [(f.rule, f.reference) for f in violations(eu)] == [
        ("identification_two_person_confirmation", "EU AI Act Art. 14(5)")]


def test_a_private_space_is_refused_in_china_by_article_13_of_the_2025_measures(db):
    assert [(f.rule, f.reference) for f in violations(deployment_under(
        "CN", place_type="changing_room"))] == [
        ("prohibited_place", "CAC Measures 2025 Art. 13(2)")]


def test_a_contract_is_no_basis_for_biometric_identification_in_the_eu_nor_illinois(db):
    refused = {j: [f.rule for f in violations(deployment_under(j, legal_basis="contract"))]
               for j in JURISDICTIONS}
    assert refused == {"CN": [], "EU": ["biometric_data_legal_basis"],
                       "US-IL": ["written_release"]}


# --- guardian age ---------------------------------------------------------------------------

def record(deployment, actor, **kwargs):
    return consent_give(deployment=deployment, actor=actor, subject_ref="kid-1",
                        purposes=["access_control"], method="in_app_explicit",
                        evidence=dict(CLICK), **kwargs)


@pytest.fixture
def gates(db):
    """A running gate in each jurisdiction, and an admin of each operator."""
    from tests.factories import MembershipFactory

    found = {}
    for jurisdiction in JURISDICTIONS:
        organisation = OrganisationFactory(jurisdiction=jurisdiction)
        found[jurisdiction] = (active_gate(organisation, jurisdiction=jurisdiction),
                               MembershipFactory(organisation=organisation).user)
    return found


def test_a_fifteen_year_old_needs_a_guardian_in_the_eu_and_illinois_but_not_in_china(gates):
    needs_guardian = {}
    for jurisdiction, (gate, admin) in gates.items():
        try:
            record(gate, admin, subject_age=15)
            needs_guardian[jurisdiction] = False
        except DomainError as refused:
            assert refused.code == "guardian_required"
            needs_guardian[jurisdiction] = True
    assert needs_guardian == {"CN": False, "EU": True, "US-IL": True}
    # Refused consents stored nothing.
    assert [c.deployment.jurisdiction for c in
            gates["CN"][0].consents.model.objects.all()] == ["CN"]


def test_the_eu_guardian_age_follows_the_member_states_setting(gates, settings):
    gate, admin = gates["EU"]
    settings.FACEGOV_EU_GUARDIAN_AGE = 13
    assert record(gate, admin, subject_age=15).subject_minor is False
    settings.FACEGOV_EU_GUARDIAN_AGE = 16
    with pytest.raises(DomainError, match=r"under 16 .*GDPR Art\. 8\(1\)"):
        record(gate, admin, subject_age=14)


def test_a_guardian_consents_for_a_chinese_thirteen_year_old_and_the_receipt_says_so(gates):
    gate, admin = gates["CN"]
    consent = record(gate, admin, subject_age=13, guardian_name="Li Wei",
                     guardian_relationship="mother")
    receipt = consent_receipt(consent)
    assert consent.subject_minor is True
    assert (receipt["pii_principal"]["minor"], receipt["pii_principal"]["guardian_age"]) == (
        True, 14)
    assert receipt["jurisdiction"]["country"] == "CN"
    assert "BIPA" not in receipt["retention_period"]
    assert "PIPL Art. 47(1)" in receipt["retention_period"]


def test_an_illinois_receipt_states_bipas_three_years(gates):
    gate, admin = gates["US-IL"]
    receipt = consent_receipt(record(gate, admin))
    assert receipt["jurisdiction"] == {
        "country": "US-IL",
        "laws": ["Illinois Biometric Information Privacy Act (740 ILCS 14)"]}
    assert receipt["retention_period"].startswith(
        "1095 days after the last interaction (BIPA Sec. 15(a))")


# --- deadlines and filings -----------------------------------------------------------------

START = dt.datetime(2026, 1, 31, 10, 0, tzinfo=dt.UTC)


def test_each_pack_sets_its_own_deadlines():
    with timezone.override(dt.UTC):
        local = {j: {kind: due_for(kind, START, jurisdiction=j) for kind in (
            DeadlineKind.RIGHTS_REQUEST, DeadlineKind.BREACH_NOTICE)} for j in JURISDICTIONS}
        extended = due_for(DeadlineKind.RIGHTS_REQUEST_EXTENSION,
                           local["EU"][DeadlineKind.RIGHTS_REQUEST], jurisdiction="EU")
    assert local["EU"][DeadlineKind.RIGHTS_REQUEST].date() == dt.date(2026, 2, 28)  # 1 month
    assert local["CN"][DeadlineKind.RIGHTS_REQUEST].date() == dt.date(2026, 2, 15)  # 15 days
    assert local["US-IL"][DeadlineKind.RIGHTS_REQUEST].date() == dt.date(2026, 2, 15)
    assert {j: local[j][DeadlineKind.BREACH_NOTICE] - START for j in JURISDICTIONS} == {
        "CN": dt.timedelta(hours=24), "EU": dt.timedelta(hours=72),
        "US-IL": dt.timedelta(hours=72)}
    assert extended.date() == dt.date(2026, 4, 28)  # two further months


def test_only_a_chinese_deployment_opens_a_filing_at_100000_people(db):
    opened = {}
    for jurisdiction in JURISDICTIONS:
        deployment = deployment_under(jurisdiction, status="active")
        opened[jurisdiction] = deployment_stored_subjects_record(
            deployment=deployment, stored_subjects=100_000) is not None
    assert opened == {"CN": True, "EU": False, "US-IL": False}
    assert list(Filing.objects.values_list("deployment__jurisdiction", flat=True)) == ["CN"]


# --- a deployment runs under its operator's law --------------------------------------------

NEW_GATE = {"name": "Gate", "scenario": "access_control", "mode": "verification",
            "place_type": "residential_community", "interest": "private",
            "purposes": ["access_control"], "non_face_alternative": "Use the key card."}


def test_a_new_deployment_runs_under_its_operators_jurisdiction(world, api_as):
    body = api_as(world.acme_admin).post("/api/v1/deployments/", NEW_GATE,
                                         format="json").json()
    assert body["jurisdiction"] == "CN"
    assert Deployment.objects.get(pk=body["id"]).jurisdiction == "CN"


def test_a_deployment_under_another_law_than_its_operators_is_refused_and_not_stored(
        world, api_as):
    response = api_as(world.acme_admin).post(
        "/api/v1/deployments/", NEW_GATE | {"jurisdiction": "EU"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "jurisdiction_mismatch"
    assert not Deployment.objects.exists()


def test_an_unknown_jurisdiction_is_refused_and_not_stored(world, api_as):
    response = api_as(world.acme_admin).post(
        "/api/v1/deployments/", NEW_GATE | {"jurisdiction": "XX"}, format="json")
    assert response.status_code == 400
    assert not Deployment.objects.exists()


def test_a_regulators_mandate_stays_inside_its_jurisdiction(world):
    eu_enterprise = OrganisationFactory(jurisdiction="EU", region="")
    nationwide = OrganisationFactory(kind="regulator", region="")
    assert regulator_covers(nationwide, world.acme)
    assert not regulator_covers(nationwide, eu_enterprise)
