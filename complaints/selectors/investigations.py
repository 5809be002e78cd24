"""Access-checked reads of investigations: the regulator that runs them (regional ones only
their own), the respondent's staff (never who complained), the complainant (the outcome)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    BreachReport,
    EvidencePackage,
    InformationRequest,
    Investigation,
    InvestigationStatus,
    Order,
    OrderKind,
    OrderStatus,
    Penalty,
)
from complaints.permissions import RESPONDENT_STAFF, investigations_handled_q, regulators_of
from governance.errors import NotFound
from governance.permissions import can, organisations_of


def investigation_list_for_user(*, user: Any) -> QuerySet[Investigation]:
    if not getattr(user, "is_authenticated", False):
        return Investigation.objects.none()
    q = investigations_handled_q(user) or Q(pk__in=[])
    respondents = organisations_of(user, roles=RESPONDENT_STAFF)
    return (Investigation.objects.filter(q | Q(respondent__in=respondents))
            .select_related("deployment", "respondent", "regulator").distinct())


def investigation_get_for_user(*, user: Any, investigation_id: int) -> Investigation:
    found = investigation_list_for_user(user=user).filter(pk=investigation_id).first()
    if found is None:
        raise NotFound(_("No such investigation."), code="investigation_not_found")
    return found


def inspector_get(*, user_id: int) -> Any:
    """A user named as an inspector to assign (the assign service checks their regulator)."""
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        raise NotFound(_("No such inspector."), code="inspector_not_found")
    return found


def inspectors_of_regulator(*, investigation: Investigation) -> QuerySet[Any]:
    """Staff of the investigation's regulator (who may be assigned to it)."""
    from django.contrib.auth import get_user_model

    from governance.permissions import REGULATOR_DECIDERS

    return (get_user_model().objects.filter(
        is_active=True, memberships__organisation_id=investigation.regulator_id,
        memberships__role__in=REGULATOR_DECIDERS)
        .distinct().order_by("username"))


def viewer_is_regulator(*, user: Any, investigation: Investigation) -> bool:
    return can(user, "investigation.handle", investigation)


def rfi_get_for_user(*, user: Any, rfi_id: int) -> InformationRequest:
    rfi = (InformationRequest.objects.select_related("investigation")
           .filter(pk=rfi_id, investigation__in=investigation_list_for_user(user=user)).first())
    if rfi is None:
        raise NotFound(_("No such request for information."), code="rfi_not_found")
    return rfi


def order_get_for_user(*, user: Any, order_id: int) -> Order:
    """An order of an investigation the user handles or answers for (else 404)."""
    order = (Order.objects.select_related("investigation")
             .filter(pk=order_id, investigation__in=investigation_list_for_user(user=user))
             .first())
    if order is None:
        raise NotFound(_("No such order."), code="order_not_found")
    return order


def breach_list_for_user(*, user: Any) -> QuerySet[BreachReport]:
    if not getattr(user, "is_authenticated", False):
        return BreachReport.objects.none()
    own = Q(organisation__in=organisations_of(user, roles=RESPONDENT_STAFF))
    regulators = list(regulators_of(user))
    covered = [r for r in regulators if r.region == ""]
    if covered:
        return BreachReport.objects.all()
    regions = [r.region for r in regulators]
    return BreachReport.objects.filter(own | Q(organisation__region__in=regions)).distinct()


def breach_get_for_user(*, user: Any, breach_id: int) -> BreachReport:
    found = breach_list_for_user(user=user).filter(pk=breach_id).first()
    if found is None:
        raise NotFound(_("No such breach report."), code="breach_not_found")
    return found


def evidence_package_latest(*, user: Any, complaint: Any) -> EvidencePackage:
    package = EvidencePackage.objects.filter(complaint=complaint, requested_by=user).first()
    if package is None:
        raise NotFound(_("No evidence package was requested yet."), code="package_not_found")
    return package




@dataclass(frozen=True)
class EnforcementDashboard:
    """What the regulator's dashboard shows, for the investigations the user's regulators run
    (a regional regulator only its own region's)."""

    by_state: list[tuple[str, str, int]]  # (status, its label, count), every status
    overdue_rfis: list[InformationRequest]
    overdue_orders: list[Order]
    penalties: list[Penalty]
    processor_total: Decimal
    persons_total: Decimal

    @property
    def penalty_total(self) -> Decimal:
        return self.processor_total + self.persons_total


def enforcement_dashboard(*, user: Any, now: dt.datetime | None = None) -> EnforcementDashboard:
    now = now or timezone.now()
    q = investigations_handled_q(user)
    handled = Investigation.objects.filter(q) if q is not None else Investigation.objects.none()
    counts = dict(handled.order_by().values_list("status").annotate(n=Count("id")))
    by_state = [(value, str(label), counts.get(value, 0))
                for value, label in InvestigationStatus.choices]
    overdue_rfis = list(InformationRequest.objects.filter(
        investigation__in=handled, answered_at__isnull=True, due_date__lt=now)
        .select_related("investigation__respondent").order_by("due_date"))
    overdue_orders = list(Order.objects.filter(
        investigation__in=handled, status=OrderStatus.ISSUED, due_date__lt=now)
        .exclude(kind=OrderKind.WARNING)
        .select_related("investigation__respondent").order_by("due_date"))
    penalties = list(Penalty.objects.filter(investigation__in=handled)
                     .select_related("investigation__respondent").order_by("-imposed_at"))
    persons = sum((p.amount_cny for p in penalties if p.responsible_person), Decimal(0))
    processor = sum((p.amount_cny for p in penalties if not p.responsible_person), Decimal(0))
    return EnforcementDashboard(by_state=by_state, overdue_rfis=overdue_rfis,
                                overdue_orders=overdue_orders, penalties=penalties,
                                processor_total=processor, persons_total=persons)
