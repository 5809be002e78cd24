"""The policy gate's cached deployment facts (governance/platform/stamps.py): a cached answer
costs no query, and a committed change — a suspension, a purpose removed — is seen by the very
next call, even when a reader stored the old facts while the change committed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.platform import stamps
from governance.services.lifecycle import deployment_suspend
from governance.services.policy import (
    POLICY_STAMP,
    _load_facts,
    policy_check_deployment,
)
from tests.factories import active_gate


def test_a_cached_answer_costs_no_query_and_a_suspension_is_seen_next_call(world):
    gate = active_gate(world.acme, purposes=["access_control"])
    assert policy_check_deployment(deployment=gate.id, purpose="access_control").allowed
    with CaptureQueriesContext(connection) as queries:
        assert policy_check_deployment(deployment=gate.id, purpose="access_control").allowed
    assert len(queries) == 0
    deployment_suspend(deployment=gate, actor=world.inspector, reason="Audit")
    refused = policy_check_deployment(deployment=gate.id, purpose="access_control")
    assert (refused.allowed, refused.code) == (False, "deployment_not_active")


def test_a_removed_purpose_is_refused_next_call(world):
    gate = active_gate(world.acme, purposes=["access_control", "attendance"])
    assert policy_check_deployment(deployment=gate.id, purpose="attendance").allowed
    gate.purposes.remove(gate.purposes.get(code="attendance"))
    refused = policy_check_deployment(deployment=gate.id, purpose="attendance")
    assert refused.code == "purpose_not_allowed"


@pytest.mark.django_db(transaction=True)
def test_old_facts_stored_while_a_suspension_commits_are_never_served(world):
    gate = active_gate(world.acme, purposes=["access_control"])

    def slow_reader():
        facts = _load_facts(gate.id)  # read before the suspension commits...
        deployment_suspend(deployment=gate, actor=world.inspector, reason="Audit")
        return facts  # ...and stored after it, under the stamp read before it

    stale = stamps.stamped(POLICY_STAMP, gate.id, slow_reader)
    assert stale.status == "active"
    refused = policy_check_deployment(deployment=gate.id, purpose="access_control")
    assert refused.code == "deployment_not_active"


def test_a_failing_cache_falls_back_to_the_database(world, monkeypatch):
    gate = active_gate(world.acme, purposes=["access_control"])

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(stamps.cache, "get", broken)
    assert policy_check_deployment(deployment=gate.id, purpose="access_control").allowed
    deployment_suspend(deployment=gate, actor=world.inspector, reason="Audit")
    assert not policy_check_deployment(deployment=gate.id, purpose="access_control").allowed


def test_with_the_cache_off_every_call_reads_the_database(world, settings):
    settings.FACEGOV_STAMPED_CACHE = False
    gate = active_gate(world.acme, purposes=["access_control"])
    policy_check_deployment(deployment=gate.id, purpose="access_control")
    with CaptureQueriesContext(connection) as queries:
        assert policy_check_deployment(deployment=gate.id, purpose="access_control").allowed
    assert len(queries) >= 2
