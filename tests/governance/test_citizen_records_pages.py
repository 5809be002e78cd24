"""What a citizen reads about their data: certificates named per deployment, a consent whose
template is gone, and an access export shown as a page."""

import datetime as dt

import numpy as np
import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from governance.models import DeletionCertificate, RetentionRule
from governance.services.consent import consent_give
from governance.services.retention import retention_sweep
from governance.services.rights import rights_request_file, rights_request_fulfil
from recognition.services.recognition import Caller, recognition_enroll
from recognition.services.vault import template_store
from tests.factories import CLICK, active_gate

DAY = dt.timedelta(days=1)


def consent_as(citizen, deployment):
    return consent_give(deployment=deployment, actor=citizen, purposes=["access_control"],
                        central_storage=deployment.storage == "central",
                        method="in_app_explicit", evidence=dict(CLICK))


def expire_template(deployment, subject_ref, seed=7):
    """Enrol a template kept one day, then sweep two days later: destroyed, certified."""
    RetentionRule.objects.update_or_create(deployment=deployment, category="face_template",
                                           defaults={"period_days": 1,
                                                     "trigger": "collection"})
    vector = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    template_store(deployment=deployment, subject_ref=subject_ref, vector=vector)
    retention_sweep(now=timezone.now() + 2 * DAY)


@pytest.fixture
def two_gates(world):
    # Central: a test here enrols through the central vault (on_device deployments refuse).
    return (active_gate(world.acme, name="Block A gate", storage="central",
                        central_storage_separate_consent=True),
            active_gate(world.acme, name="Visitor pass"))


def test_certificates_are_named_by_their_deployment_and_numbered_within_it(world, client,
                                                                           two_gates):
    gate, visitor = two_gates
    expire_template(gate, consent_as(world.citizen, gate).subject_ref)
    expire_template(visitor, consent_as(world.citizen, visitor).subject_ref)
    expire_template(gate, consent_as(world.citizen, gate).subject_ref, seed=8)
    numbers = sorted(DeletionCertificate.objects.values_list("deployment_id", "sequence"))
    assert numbers == sorted([(gate.id, 1), (gate.id, 2), (visitor.id, 1)])
    client.force_login(world.citizen)
    page = client.get(reverse("citizen-certificates")).content.decode()
    # Each deployment's first certificate is number 1: the reference says whose ledger it is.
    refs = [f"DC-{gate.id}-1", f"DC-{gate.id}-2", f"DC-{visitor.id}-1"]
    assert all(f'id="{ref}"' in page for ref in refs)
    assert page.index(refs[0]) < page.index(refs[1])  # grouped by deployment, in order
    assert "No. 2 of Block A gate" in page


def test_a_consent_whose_template_expired_says_it_is_gone_with_its_certificate(world, client,
                                                                              two_gates):
    gate, visitor = two_gates
    expire_template(visitor, consent_as(world.citizen, visitor).subject_ref)
    kept = consent_as(world.citizen, gate)
    template_store(deployment=gate, subject_ref=kept.subject_ref,
                   vector=np.ones(128, dtype=np.float32))
    certificate = DeletionCertificate.objects.get(deployment=visitor)
    client.force_login(world.citizen)
    page = client.get(reverse("citizen-consents")).content.decode()
    assert page.count("Your face template is gone") == 1  # the gate still holds its template
    assert f"#{certificate.reference}" in page
    assert f"deleted on {date_filter(certificate.recorded_at, 'DATE_FORMAT')}" in page


def test_the_export_reads_as_a_page_not_as_a_python_dict(
        world, client, two_gates, faces_dir, eager, django_capture_on_commit_callbacks):
    gate, _ = two_gates
    consent = consent_as(world.citizen, gate)
    recognition_enroll(caller=Caller(deployment=gate, api_key=None),
                       subject_ref=consent.subject_ref, purpose="access_control",
                       image=(faces_dir / "people/obama/obama_1.jpg").read_bytes())
    request = rights_request_file(citizen=world.citizen, deployment=gate, type="access")
    with django_capture_on_commit_callbacks(execute=True):
        rights_request_fulfil(request=request, actor=world.acme_admin)
    client.force_login(world.citizen)
    page = client.get(reverse("citizen-request-detail", args=[request.id]) + "?show=export")
    body = page.content.decode()
    assert "{&#x27;" not in body and "{'" not in body  # no dict repr
    assert "Enrolment" in body and "Enrolled" in body  # the event, in words
    assert "Access control" in body and "Active" in body  # purposes and state by label
    assert consent.subject_ref in body
