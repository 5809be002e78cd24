"""Revealing a complainant's identity inside the regulator: asked with reasons by one
person, approved or refused by a supervisor of the assigned regulator who is someone else.
Both steps are in the case log; the identity itself never is."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import CaseKind, Complaint, IdentityReveal, LogKind, Party, RevealStatus
from complaints.services.caselog import case_log_append, complaint_lock
from governance.errors import DomainError, InvalidTransition, NotPermitted
from governance.permissions import require


@transaction.atomic
def identity_reveal_request(*, complaint: Complaint, actor: Any,
                            reason: str) -> IdentityReveal:
    require(actor, "complaint.handle", complaint)
    complaint = complaint_lock(complaint)
    if complaint.kind != CaseKind.COMPLAINT:
        raise DomainError(_("An anonymous tip has no identity to reveal."), code="anonymous")
    if not reason.strip():
        raise DomainError(_("Say why the identity is needed."), code="reason_required")
    reveal = IdentityReveal.objects.create(complaint=complaint, requested_by=actor,
                                           reason=reason.strip())
    case_log_append(complaint=complaint, kind=LogKind.REVEAL_REQUESTED, party=Party.REGULATOR,
                    actor=actor, detail={"reveal_id": reveal.id})
    return reveal


@transaction.atomic
def identity_reveal_decide(*, reveal: IdentityReveal, actor: Any,
                           approve: bool) -> IdentityReveal:
    reveal = IdentityReveal.objects.select_for_update().get(pk=reveal.pk)
    complaint = complaint_lock(reveal.complaint)
    require(actor, "complaint.reveal_decide", complaint)
    if reveal.requested_by_id == actor.id:
        raise NotPermitted(_("Another person decides on your own request."),
                           code="same_person")
    if reveal.status != RevealStatus.REQUESTED:
        raise InvalidTransition(_("This request was already decided."))
    reveal.status = RevealStatus.APPROVED if approve else RevealStatus.REFUSED
    reveal.decided_by, reveal.decided_at = actor, timezone.now()
    reveal.save(update_fields=["status", "decided_by", "decided_at"])
    case_log_append(complaint=complaint, kind=LogKind.REVEAL_DECIDED, party=Party.REGULATOR,
                    actor=actor, detail={"reveal_id": reveal.id, "status": reveal.status})
    return reveal
