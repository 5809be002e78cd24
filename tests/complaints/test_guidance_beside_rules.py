"""A regulator's published guidance appears beside the rule it explains, on the deployment
wizard's review step and on the compliance panels (governance asks its provider registry;
complaints fills it)."""

import re

from django.urls import reverse

from complaints.services.guidance import guidance_publish
from governance.compliance.rules import evaluate
from tests.factories import ready_deployment


def row_of(page: str, rule_title: str) -> str:
    """The table row of the rule's finding (its title opens the row)."""
    rows = re.findall(r"<tr><td>(.*?)</tr>", page, flags=re.S)
    return next(row for row in rows if row.startswith(str(rule_title)))


def test_a_published_note_appears_next_to_its_rule_on_every_compliance_page(
        world, gate, client):
    draft = ready_deployment(organisation=world.acme)
    finding = evaluate(draft)[0]
    other = next(f for f in evaluate(draft) if f.rule != finding.rule)
    note = guidance_publish(actor=world.inspector, title="How we read this rule",
                            body="Our reading of the rule.", rules=[finding.rule])
    guidance_publish(actor=world.distant_inspector, title="Another region's reading",
                     body="Not Acme's regulator.", rules=[finding.rule])

    client.force_login(world.acme_admin)
    for url in (reverse("deployment-submit", args=[draft.id]),
                reverse("deployment-status", args=[draft.id])):
        page = client.get(url).content.decode()
        row = row_of(page, finding.title)
        assert "How we read this rule" in row
        assert f'{reverse("guidance")}#note-{note.id}' in row
        assert "Another region&#x27;s reading" not in page  # not this operator's regulator
        assert "How we read this rule" not in row_of(page, other.title)
    client.force_login(world.inspector)
    page = client.get(reverse("regulator-deployment", args=[draft.id])).content.decode()
    assert "How we read this rule" in row_of(page, finding.title)
    # The note's anchor exists on the guidance page.
    assert f'id="note-{note.id}"' in client.get(reverse("guidance")).content.decode()


def test_the_compliance_api_keeps_its_fixed_shape(world, gate, api_as):
    guidance_publish(actor=world.inspector, title="A note", body="Text.",
                     rules=[evaluate(gate)[0].rule])
    body = api_as(world.acme_admin).get(f"/api/v1/deployments/{gate.id}/compliance/").json()
    assert all("guidance" not in result for result in body["results"])
