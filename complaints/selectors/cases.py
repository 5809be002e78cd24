"""Access-checked reads of cases. The identity is never part of these: see
`complaint_identity_for_user`."""

import datetime as dt
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    UNTRIAGED,
    CaseLogEntry,
    CaseMessage,
    Channel,
    Complaint,
    IdentityReveal,
    Investigation,
    RevealStatus,
)
from complaints.permissions import RESPONDENT_STAFF, handled_q, regulators_of
from governance.errors import NotFound
from governance.permissions import can, organisations_of
from governance.platform.crypto import unseal

_RELATED = ("deployment__organisation", "regulator", "respondent", "investigation")


def complaint_list_for_regulator(*, user: Any) -> QuerySet[Complaint]:
    q = handled_q(user)
    if q is None:
        return Complaint.objects.none()
    return Complaint.objects.filter(q).select_related(*_RELATED)


def complaint_list_for_citizen(*, user: Any) -> QuerySet[Complaint]:
    if not user.is_authenticated:
        return Complaint.objects.none()
    return (Complaint.objects.filter(complainant=user).select_related(*_RELATED)
            .order_by("-received_at"))


def complaint_list_for_enterprise(*, user: Any) -> QuerySet[Complaint]:
    """Cases the regulator forwarded to one of the user's enterprises."""
    own = organisations_of(user, roles=RESPONDENT_STAFF)
    return (Complaint.objects.filter(respondent__in=own, forwarded_at__isnull=False)
            .select_related(*_RELATED).order_by("-forwarded_at"))


def complaint_list_for_user(*, user: Any) -> QuerySet[Complaint]:
    """Every case the user may open: handled, own, or forwarded to their enterprise."""
    if not user.is_authenticated:
        return Complaint.objects.none()
    q = Q(complainant=user) | Q(respondent__in=organisations_of(user, roles=RESPONDENT_STAFF),
                                forwarded_at__isnull=False)
    handled = handled_q(user)
    if handled is not None:
        q |= handled
    return Complaint.objects.filter(q).select_related(*_RELATED).distinct()


def complaint_get_for_user(*, user: Any, complaint_id: int) -> Complaint:
    complaint = complaint_list_for_user(user=user).filter(id=complaint_id).first()
    if complaint is None:
        raise NotFound(_("No such complaint."), code="complaint_not_found")
    return complaint


def viewer_role(*, user: Any, complaint: Complaint) -> str:
    """How the user sees the case: "regulator", "complainant" or "enterprise"."""
    if can(user, "complaint.handle", complaint):
        return "regulator"
    if can(user, "complaint.view_own", complaint):
        return "complainant"
    if can(user, "complaint.respond", complaint):
        return "enterprise"
    raise NotFound(_("No such complaint."), code="complaint_not_found")


def channels_for(role: str) -> tuple[str, ...]:
    return {"regulator": (Channel.COMPLAINANT, Channel.ENTERPRISE),
            "complainant": (Channel.COMPLAINANT,), "tipster": (Channel.COMPLAINANT,),
            "enterprise": (Channel.ENTERPRISE,)}[role]


def messages_for(*, complaint: Complaint, role: str) -> QuerySet[CaseMessage]:
    return complaint.messages.filter(channel__in=channels_for(role)).select_related("author")


def case_log_for(*, complaint: Complaint) -> QuerySet[CaseLogEntry]:
    """The timeline (regulator only: callers check complaint.handle)."""
    return CaseLogEntry.objects.filter(complaint_id=complaint.id).select_related(
        "actor").order_by("sequence")


def complaint_identity_for_user(*, user: Any, complaint: Complaint) -> dict[str, Any] | None:
    """Who complained — only for a regulator's staff member whose own reveal request a
    supervisor approved. None for everyone else (and for tips: there is nobody to reveal)."""
    from complaints.services.intake import IDENTITY_PURPOSE, identity_aad

    if not complaint.sealed_identity or not can(user, "complaint.handle", complaint):
        return None
    approved = IdentityReveal.objects.filter(complaint=complaint, requested_by=user,
                                             status=RevealStatus.APPROVED).exists()
    if not approved:
        return None
    return json.loads(unseal(IDENTITY_PURPOSE, bytes(complaint.sealed_identity),
                             aad=identity_aad(complaint)))


def reveals_awaiting(*, user: Any) -> QuerySet[IdentityReveal]:
    """Reveal requests a supervisor may decide (never their own)."""
    q = handled_q(user, {"supervisor"})
    if q is None:
        return IdentityReveal.objects.none()
    cases = Complaint.objects.filter(q).values("id")
    return (IdentityReveal.objects.filter(complaint__in=cases, status=RevealStatus.REQUESTED)
            .exclude(requested_by=user).select_related("complaint", "requested_by"))


def investigation_get_for_user(*, user: Any, investigation_id: int) -> Investigation:
    found = Investigation.objects.filter(id=investigation_id,
                                         regulator__in=regulators_of(user)).first()
    if found is None:
        raise NotFound(_("No such investigation."), code="investigation_not_found")
    return found


def investigations_for_user(*, user: Any) -> QuerySet[Investigation]:
    return Investigation.objects.filter(regulator__in=regulators_of(user))


# --- figures ---------------------------------------------------------------------------------


def untriaged_overdue(*, queryset: QuerySet[Complaint], now: dt.datetime | None = None) -> int:
    return queryset.filter(status__in=UNTRIAGED, triage_due__lt=now or timezone.now()).count()


def triaged_in_time_share(*, queryset: QuerySet[Complaint],
                          now: dt.datetime | None = None) -> float | None:
    """Of the cases whose triage window has closed (or that were triaged), the share triaged
    within 24 hours; None when there is none yet."""
    now = now or timezone.now()
    decided = queryset.filter(Q(triaged_at__isnull=False) | Q(triage_due__lt=now))
    total = decided.count()
    if not total:
        return None
    in_time = decided.filter(triaged_at__isnull=False,
                             triaged_at__lte=_first_due_expression()).count()
    return in_time / total


def _first_due_expression() -> Any:
    from django.db.models import ExpressionWrapper, F
    from django.db.models.fields import DateTimeField

    from governance.platform.deadlines import DeadlineKind, due_at

    # The first window is 24 hours from receipt (a referral opens a new one at the next
    # regulator, but the channel's promise is measured from receipt).
    window = due_at(DeadlineKind.COMPLAINT_TRIAGE, timezone.now()) - timezone.now()
    return ExpressionWrapper(F("received_at") + window, output_field=DateTimeField())


def own_records_for_page(*, complaint: Complaint) -> dict[str, list[dict[str, Any]]]:
    """The citizen's attached own records in words: labels for states, operations and
    outcomes, purpose names, and dates as datetimes (the template shows them in local form).
    The stored rows stay the JSON codes the citizen attached."""
    from governance.selectors.exports import export_for_page
    from recognition.models import Operation, Outcome

    records = complaint.own_records or {}
    if not records:
        return {}
    shown = export_for_page(records)
    for row, event in zip(shown["recognition_events"], records.get("recognition_events", []),
                          strict=True):
        row["what"] = _choice_label(Operation, event.get("operation")) or row["what"]
        row["outcome"] = _choice_label(Outcome, event.get("outcome")) or row["outcome"]
    return {key: shown[key] for key in ("consents", "refusals", "recognition_events")}


def _choice_label(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value in choices.values else ""


def complaints_for_decision(*, deployment: Any, user: Any) -> dict[str, Any]:
    """The decision page's complaints panel (governance.selectors.decision): the complaints
    and tips about the deployment that this regulator user handles, newest first; never who
    complained."""
    cases = (complaint_list_for_regulator(user=user).filter(deployment=deployment)
             .order_by("-received_at"))
    rows = [{"id": c.id, "kind": c.get_kind_display(), "category": c.get_category_display(),
             "status": c.get_status_display(), "priority": c.get_priority_display(),
             "received_at": c.received_at} for c in cases[:20]]
    return {"rows": rows, "total": cases.count()}
