"""The policy gate's cached consents (governance/services/policy.py, stamped per person and
per deployment): a cached answer costs no query, every change made through the platform is seen
by the next call, what is decided from time (expiry) is decided on every call, and a row
changed behind the services' back never turns a refusal into a permission."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import Consent, ProcessingRestriction
from governance.services.consent import consent_withdraw
from governance.services.notices import deployment_notice_publish
from governance.services.policy import policy_check
from governance.services.rights import rights_request_file


def answer(gate, ref="s-1", *, purpose="access_control", now=None, from_database=False):
    decision = policy_check(deployment=gate, subject_ref=ref, purpose=purpose,
                            operation="verify", now=now, from_database=from_database)
    return "allowed" if decision.allowed else decision.code


def test_a_cached_answer_costs_no_query_and_a_withdrawal_is_seen_next_call(world, gate, give):
    consent = give(gate)
    assert answer(gate) == "allowed"
    with CaptureQueriesContext(connection) as queries:
        assert answer(gate) == "allowed"
    assert len(queries) == 0
    consent_withdraw(consent=consent, actor=world.acme_admin)
    assert answer(gate) == "consent_withdrawn"


def test_each_purpose_and_person_is_cached_apart(world, gate, give):
    give(gate, subject_ref="s-1", purposes=["access_control"])
    assert answer(gate, "s-1") == "allowed"
    assert answer(gate, "s-1", purpose="attendance") == "no_consent"
    assert answer(gate, "s-2") == "no_consent"
    give(gate, subject_ref="s-2", purposes=["access_control", "attendance"])
    assert answer(gate, "s-2") == "allowed"
    assert answer(gate, "s-2", purpose="attendance") == "allowed"
    assert answer(gate, "s-1", purpose="attendance") == "no_consent"


def test_expiry_is_decided_on_every_call_not_cached(world, gate, give):
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    give(gate, expires_at=expires)
    assert answer(gate, now=expires - dt.timedelta(days=1)) == "allowed"
    with CaptureQueriesContext(connection) as queries:
        assert answer(gate, now=expires + dt.timedelta(seconds=1)) == "consent_expired"
    assert len(queries) == 0


def test_a_restriction_saved_or_deleted_outside_the_rights_service_is_seen_next_call(
        world, gate, citizen_consent):
    # The rights service's own paths (bulk_create, update) are tested with the cache warm in
    # tests/governance/test_restrictions.py; this is the signal path.
    ref = citizen_consent.subject_ref
    request = rights_request_file(citizen=world.citizen, deployment=gate, type="restriction",
                                  details="I contest the matches.")
    assert answer(gate, ref) == "allowed"
    restriction = ProcessingRestriction.objects.create(
        request=request, deployment=gate, subject_ref=ref, started_at=dt.datetime.now(dt.UTC))
    assert answer(gate, ref) == "restricted"
    restriction.delete()
    assert answer(gate, ref) == "allowed"


def test_a_material_notice_change_sends_cached_consents_back_for_renewal(world, gate, give):
    give(gate, subject_ref="s-1")
    give(gate, subject_ref="s-2")
    assert (answer(gate, "s-1"), answer(gate, "s-2")) == ("allowed", "allowed")
    deployment_notice_publish(deployment=gate, actor=world.acme_admin,
                              text="We now also keep entry photos for 30 days.")
    assert (answer(gate, "s-1"), answer(gate, "s-2")) == (
        "consent_needs_renewal", "consent_needs_renewal")


def test_a_row_flipped_behind_the_services_back_never_turns_a_refusal_into_a_permission(
        world, gate, give):
    consent = give(gate)
    consent_withdraw(consent=consent, actor=world.acme_admin)
    assert answer(gate) == "consent_withdrawn"  # cached
    Consent.objects.filter(pk=consent.pk).update(state="active", withdrawn_at=None)
    assert answer(gate) == "consent_withdrawn"  # the cached refusal stands
    assert answer(gate, from_database=True) == "consent_ledger_mismatch"  # read now: caught


def test_a_check_from_the_database_sees_what_the_cache_has_not_been_told(world, gate, give):
    consent = give(gate)
    assert answer(gate) == "allowed"
    # update() sends no signal: only a read past the cache sees it (the enrolment's re-check
    # inside its write, a device's permit).
    Consent.objects.filter(pk=consent.pk).update(state="expired")
    assert answer(gate) == "allowed"  # the cache was not told
    assert answer(gate, from_database=True) == "consent_expired"


def test_with_the_cache_off_every_call_reads_the_consents(world, gate, give, settings):
    settings.FACEGOV_STAMPED_CACHE = False
    give(gate)
    answer(gate)
    with CaptureQueriesContext(connection) as queries:
        assert answer(gate) == "allowed"
    assert len(queries) >= 2
