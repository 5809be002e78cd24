"""seed_demo: alice has consented to Acme's gate and has one open access request."""

from io import StringIO

from django.core.management import call_command

from governance.models import Consent, ConsentLedgerEntry, Deployment, RightsRequest
from governance.services.policy import policy_check


def test_alice_consented_to_the_gate_and_has_one_open_access_request(db):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent
    gate = Deployment.objects.get(name="Residential gate — Block A")
    consent = Consent.objects.get()
    request = RightsRequest.objects.get()
    assert (consent.citizen.username, consent.deployment, consent.state) == (
        "alice", gate, "active")
    assert (request.citizen.username, request.type, request.state) == (
        "alice", "access", "received")
    assert ConsentLedgerEntry.objects.count() == 1
    assert policy_check(deployment=gate, subject_ref=consent.subject_ref,
                        purpose="access_control", operation="verify").allowed
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    # the consent chain, and the case logs of the demo's complaint and tip (complaints app)
    assert f"OK      consent ledger, chain {gate.id}" in out.getvalue()
    # The consent chain, alice's complaint's case log, its investigation's log and the demo
    # tip's case log.
    assert "All 4 chains intact." in out.getvalue()
