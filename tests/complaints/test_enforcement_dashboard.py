"""The regulator's enforcement dashboard: cases by state (a labelled SVG chart and a table),
overdue RFIs and orders listed and linked, penalties listed with totals — and a regional
regulator sees only the investigations it runs."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import (
    InformationRequest,
    InvestigationStatus,
    Order,
    OrderKind,
    Penalty,
    PenaltyBasis,
)
from complaints.services.investigations import investigation_open
from governance.models import OrganisationKind, Role
from tests.factories import MembershipFactory, OrganisationFactory, active_gate

DASHBOARD = "/regulator/enforcement/"


def late_rfi(investigation, user, questions):
    now = timezone.now()
    return InformationRequest.objects.create(
        investigation=investigation, questions=questions, sent_by=user,
        sent_at=now - dt.timedelta(days=20), due_date=now - dt.timedelta(days=1))


def order(investigation, user, text, *, days, kind=OrderKind.RECTIFICATION):
    now = timezone.now()
    return Order.objects.create(investigation=investigation, kind=kind, text=text,
                                due_date=now + dt.timedelta(days=days), issued_by=user,
                                issued_at=now - dt.timedelta(days=30))


def fine(investigation, user, amount, person=""):
    # Rows as penalty_impose stores them (its tier checks are tested in test_investigations).
    return Penalty.objects.create(investigation=investigation, basis=PenaltyBasis.ORDINARY,
                                  amount_cny=Decimal(amount), cap_cny=Decimal("1000000"),
                                  responsible_person=person, imposed_by=user,
                                  imposed_at=timezone.now())


@pytest.fixture
def cases(world):
    """Two investigations of the regulator (one opened, one decided) and one of the distant
    regulator, each with late work and fines."""
    gate = active_gate(world.acme, name="Block A gate")
    near = investigation_open(actor=world.inspector, deployment=gate, title="Block A consent")
    other_gate = active_gate(world.other_enterprise, name="Globex lobby")
    decided = investigation_open(actor=world.inspector, deployment=other_gate,
                                 title="Globex lobby signage")
    decided.status = InvestigationStatus.DECIDED
    decided.save(update_fields=["status"])
    far_firm = OrganisationFactory(name="FarCo", kind=OrganisationKind.ENTERPRISE,
                                   region="Far Province")
    MembershipFactory(organisation=far_firm, role=Role.ADMIN)
    far = investigation_open(actor=world.distant_inspector,
                             deployment=active_gate(far_firm, name="FarCo gate"),
                             title="FarCo gate")
    late_rfi(near, world.inspector, "Show the consent records of Block A.")
    late_rfi(far, world.distant_inspector, "Show the FarCo records.")
    answered = late_rfi(near, world.inspector, "Answered question.")
    answered.answered_at, answered.answer = timezone.now(), "Here."
    answered.save()
    order(decided, world.inspector, "Put up signs at the lobby.", days=-2)
    order(decided, world.inspector, "Not yet due order.", days=10)
    order(decided, world.inspector, "A warning past its date.", days=-2, kind=OrderKind.WARNING)
    order(far, world.distant_inspector, "FarCo order.", days=-2)
    fine(decided, world.inspector, "50000")
    fine(decided, world.inspector, "20000", person="Wang Wei, store manager")
    fine(far, world.distant_inspector, "999999")
    return near, decided, far


def test_the_dashboard_shows_cases_by_state_late_work_and_fines_of_the_own_region(
        world, cases, client):
    near, decided, far = cases
    client.force_login(world.inspector)
    html = client.get(DASHBOARD).content.decode()

    # cases by state: a labelled chart and the same counts in a table
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert "<title>Investigations by state</title>" in svg
    for text in ("State of the investigation", ">Investigations<",
                 "Investigations in this state", "Opened: 1", "Decided: 1", "Closed: 0"):
        assert text in svg, text
    assert re.search(r'id="state-opened"><td>Opened</td><td>1</td>', html)
    assert re.search(r'id="state-decided"><td>Decided</td><td>1</td>', html)
    assert re.search(r'id="state-closed"><td>Closed</td><td>0</td>', html)

    # overdue work, linked to its case; the answered RFI, the order not yet due, the warning
    # and the other region's work are not listed
    rfis = re.search(r'id="overdue-rfis".*?</section>', html, re.S).group(0)
    assert "Show the consent records of Block A." in rfis
    assert reverse("investigation-case", args=[near.id]) in rfis
    assert "Answered question" not in rfis and "FarCo" not in rfis
    orders = re.search(r'id="overdue-orders".*?</section>', html, re.S).group(0)
    assert "Put up signs at the lobby." in orders
    assert reverse("investigation-case", args=[decided.id]) in orders
    for absent in ("Not yet due order", "A warning past its date", "FarCo order"):
        assert absent not in orders

    # penalties: the list and the totals, the enterprise's and the persons' kept apart
    penalties = re.search(r'id="penalties".*?</section>', html, re.S).group(0)
    assert re.search(r'id="penalty-count">2<', penalties)
    assert "70000.00 CNY" in penalties
    assert re.search(r'id="penalty-processors">50000.00 CNY<', penalties)
    assert re.search(r'id="penalty-persons">20000.00 CNY<', penalties)
    assert "Wang Wei, store manager" in penalties and "999999" not in penalties
    assert "FarCo" not in html


def test_the_distant_regulator_sees_only_its_own_region(world, cases, client):
    near, decided, far = cases
    client.force_login(world.distant_inspector)
    html = client.get(DASHBOARD).content.decode()
    assert "Show the FarCo records." in html and "FarCo order." in html
    assert "999999.00 CNY" in html
    assert re.search(r'id="state-opened"><td>Opened</td><td>1</td>', html)
    assert re.search(r'id="state-decided"><td>Decided</td><td>0</td>', html)
    for absent in ("Block A", "Globex", "Wang Wei", "70000"):
        assert absent not in html, absent


@pytest.mark.parametrize("persona", ["acme_admin", "citizen", "auditor"])
def test_only_regulators_open_the_dashboard(world, cases, client, persona):
    client.force_login(world.user(persona))
    response = client.get(DASHBOARD)
    assert response.status_code == 403
    assert b"Show the consent records" not in response.content


def test_an_empty_dashboard_says_so(world, client):
    client.force_login(world.inspector)
    html = client.get(DASHBOARD).content.decode()
    assert "No request is overdue." in html and "No order is overdue." in html
    assert "No fines." in html and 'id="penalty-total">0 CNY<' in html
