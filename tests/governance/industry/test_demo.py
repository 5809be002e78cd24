"""The demo: the association publishes the shipped convention, Acme pledges, and one audit is
in progress with probes answered — idempotently."""

from django.core.management import call_command

from governance.models import Audit, AuditStatus, Convention, Evidence, Pledge


def test_the_demo_seeds_a_pledge_and_an_audit_in_progress_with_probes(db):
    call_command("seed_demo", verbosity=0)
    counts = (Convention.objects.count(), Pledge.objects.count(), Audit.objects.count(),
              Evidence.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Convention.objects.count(), Pledge.objects.count(), Audit.objects.count(),
            Evidence.objects.count()) == counts
    audit = Audit.objects.get()
    assert audit.status == AuditStatus.IN_PROGRESS
    assert audit.organisation.name == "Acme Property Management"
    assert audit.results.filter(answered_by_probe=True).count() >= 10
    assert Pledge.objects.get().convention.version == 1
