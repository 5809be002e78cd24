"""Giving consent again to the same deployment and purposes renews the consent in force; it
never leaves two active consents for one person and purpose."""

from governance.models import Consent, ConsentLedgerEntry, ConsentState
from governance.platform.ledger import chain_verify
from tests.factories import CLICK


def test_a_second_giving_renews_the_consent_and_the_ledger_says_so(world, gate, give):
    first = give(gate, subject_ref="s-1")
    again = give(gate, subject_ref="s-1", evidence={**CLICK, "ip": "198.51.100.4"})
    assert (again.pk, again.receipt_id, again.renewed) == (first.pk, first.receipt_id, True)
    assert Consent.objects.filter(subject_ref="s-1", state=ConsentState.ACTIVE).count() == 1
    entries = list(ConsentLedgerEntry.objects.filter(deployment=gate).order_by("sequence"))
    assert [e.kind for e in entries] == ["given", "renewed"]
    assert entries[1].payload["given_again"] is True
    assert entries[1].payload["evidence"]["ip"] == "198.51.100.4"
    assert chain_verify(entries) is None


def test_other_purposes_are_another_consent(world, gate, give):
    give(gate, subject_ref="s-1", purposes=("access_control",))
    other = give(gate, subject_ref="s-1", purposes=("access_control", "attendance"))
    assert other.renewed is False
    assert Consent.objects.filter(subject_ref="s-1", state=ConsentState.ACTIVE).count() == 2


def test_after_a_withdrawal_consent_is_given_anew(world, gate, give):
    from governance.services.consent import consent_withdraw

    first = give(gate, subject_ref="s-1")
    consent_withdraw(consent=first, actor=world.acme_admin)
    second = give(gate, subject_ref="s-1")
    assert (second.renewed, second.pk != first.pk) == (False, True)


def test_the_api_answers_200_with_the_same_receipt_when_it_renews(world, api_as, gate):
    client = api_as(world.citizen)
    body = {"purposes": ["access_control"]}
    first = client.post(f"/api/v1/deployments/{gate.id}/consents/", body, format="json")
    second = client.post(f"/api/v1/deployments/{gate.id}/consents/", body, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["receipt_id"] == second.json()["receipt_id"]
    assert Consent.objects.filter(state=ConsentState.ACTIVE).count() == 1
    assert list(ConsentLedgerEntry.objects.values_list("kind", flat=True)
                .order_by("sequence")) == ["given", "renewed"]


def test_the_portal_renews_when_a_citizen_consents_twice(world, client, gate):
    from django.urls import reverse

    client.force_login(world.citizen)
    url = reverse("citizen-consent-give", args=[gate.id])
    for _ in range(2):
        response = client.post(url, {"purposes": ["access_control"], "notice_version": 1},
                               follow=True)
    assert "consent is renewed, not given twice" in response.content.decode()
    assert Consent.objects.filter(citizen=world.citizen, state=ConsentState.ACTIVE).count() == 1
