"""seed_demo: alice's complaint is under investigation, Acme has answered one request for
information and the inspector has recorded one finding linked to platform evidence."""

from django.core.management import call_command

from complaints.models import Complaint, EvidenceItem, Finding, InformationRequest, Investigation


def test_the_demo_seeds_an_investigation_from_alices_complaint_once(db):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent
    complaint = Complaint.objects.get(complainant__username="alice")
    investigation = Investigation.objects.get()
    assert complaint.investigation == investigation
    assert investigation.status == "gathering_evidence"
    assert investigation.deployment.name == "Residential gate — Block A"
    rfi = InformationRequest.objects.get()
    assert rfi.answered_by.username == "acme_admin" and not rfi.answered_late
    finding = Finding.objects.get()
    assert finding.recorded_by.username == "reg_inspector"
    assert list(finding.evidence.all()) == [EvidenceItem.objects.get(kind="platform")]
