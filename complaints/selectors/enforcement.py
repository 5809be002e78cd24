"""What the public register shows of a deployment's enforcement: decided cases only, with
the decision's reasons, legal basis and route of appeal, the orders and the fines on the
processor. No complaint, complainant or named responsible person leaves through here."""

from typing import Any

from django.db.models import Prefetch

from complaints.models import Complaint, Investigation, Order, Penalty


def enforcement_published(*, deployment_id: int) -> list[dict[str, Any]]:
    """Decided investigations of the deployment, as rows for the register serializer and
    page (labels in the active language, codes beside them for machines)."""
    cases = (Investigation.objects.filter(deployment_id=deployment_id, decision__isnull=False)
             .select_related("decision", "regulator")
             .prefetch_related(
                 Prefetch("orders", queryset=Order.objects.order_by("issued_at", "id")),
                 Prefetch("penalties", queryset=Penalty.objects.filter(
                     responsible_person="").order_by("imposed_at", "id"))))
    return [_row(case) for case in cases]


def _row(case: Investigation) -> dict[str, Any]:
    decision = case.decision
    return {
        "decided_at": decision.decided_at,
        "regulator": case.regulator.name,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "under_appeal": case.under_appeal,
        "reasons": decision.reasons,
        "legal_basis": decision.legal_basis,
        "appeal_route": decision.appeal_route,
        "orders": [{"kind": o.kind, "kind_label": str(o.get_kind_display()),
                    "status": o.status, "status_label": str(o.get_status_display()),
                    "due_date": o.due_date} for o in case.orders.all()],
        "penalties": [{"amount_cny": str(p.amount_cny), "basis": p.basis,
                       "basis_label": str(p.get_basis_display())}
                      for p in case.penalties.all()],
    }


def complaint_outcome(*, complaint: Complaint) -> Investigation | None:
    """The investigation the complainant's case joined, with what its complainant may read:
    findings, decision, orders and the fines on the processor (not on named persons). The
    caller has checked that the complaint is the viewer's own."""
    if complaint.investigation_id is None:
        return None
    return (Investigation.objects.filter(pk=complaint.investigation_id)
            .select_related("decision", "regulator")
            .prefetch_related(
                "findings",
                Prefetch("orders", queryset=Order.objects.order_by("issued_at", "id")),
                Prefetch("penalties", queryset=Penalty.objects.filter(
                    responsible_person="").order_by("imposed_at", "id")))
            .first())
