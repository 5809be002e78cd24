"""What complaints gives industry self-regulation (governance.conventions): a probe counting
upheld complaints, and the regulators' sanctions that count against a member's credit grade."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from complaints.models import Investigation, Order, Penalty
from complaints.models.investigations import OrderKind
from governance.conventions.credit_events import register_credit_event_provider
from governance.conventions.probes import Probe, ProbeAnswer, register_probe

YEAR = dt.timedelta(days=365)


def _of(organisation_id: int, deployment_ids: list[int] | None = None) -> Q:
    q = Q(respondent_id=organisation_id) | Q(deployment__organisation_id=organisation_id)
    return q | Q(deployment_id__in=deployment_ids) if deployment_ids else q


def complaints_upheld_none(*, organisation_id: int, deployment_ids: list[int],
                           now: dt.datetime) -> ProbeAnswer:
    """Investigations decided in the last 12 months that ordered a remedy or fined."""
    upheld = (Investigation.objects.filter(_of(organisation_id, deployment_ids),
                                           decision__decided_at__gte=now - YEAR)
              .filter(Q(orders__isnull=False) | Q(penalties__isnull=False)).distinct().count())
    if upheld:
        return ProbeAnswer(False, _("%(count)d complaint investigation(s) upheld in the last "
                                    "12 months.") % {"count": upheld}, {"upheld": upheld})
    return ProbeAnswer(True, _("No complaint upheld in the last 12 months."), {"upheld": 0})


def sanctions_since(*, organisation_id: int, since: dt.datetime) -> list[dict[str, Any]]:
    rows = []
    for penalty in (Penalty.objects.filter(investigation__in=Investigation.objects.filter(
            _of(organisation_id)), responsible_person="", imposed_at__gte=since)
            .select_related("investigation")):
        rows.append({"kind": "penalty", "at": penalty.imposed_at,
                     "source": penalty.investigation.title,
                     "reference": str(penalty.get_basis_display())})
    for order in (Order.objects.filter(investigation__in=Investigation.objects.filter(
            _of(organisation_id)), kind=OrderKind.SUSPENSION, issued_at__gte=since)
            .select_related("investigation")):
        rows.append({"kind": "suspension", "at": order.issued_at,
                     "source": order.investigation.title,
                     "reference": str(order.get_kind_display())})
    return rows


def register() -> None:
    register_probe(Probe("complaints_upheld_none", _l("No complaint upheld in the last 12 months"),
                         complaints_upheld_none, source="complaints"))
    register_credit_event_provider(sanctions_since)
