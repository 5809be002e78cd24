"""Messages on a case and forwarding to the enterprise.

Two channels that never mix: the complainant (or the tipster, through the receipt) with the
regulator, and the regulator with the respondent enterprise. The enterprise reads only what
the regulator forwards: a summary the regulator writes, never the complaint itself.
"""

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import CaseKind, CaseMessage, CaseStatus, Channel, Complaint, LogKind, Party
from complaints.models.messages import MESSAGE_MAX_LENGTH
from complaints.services.caselog import case_log_append, complaint_lock
from governance.errors import DomainError, NotPermitted
from governance.permissions import can, require


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise DomainError(_("Write a message."), code="body_required")
    if len(body) > MESSAGE_MAX_LENGTH or "\x00" in body:
        raise DomainError(_("The message is too long or contains invalid characters."),
                          code="invalid_body")
    return body


def _party_of(complaint: Complaint, actor: Any, channel: str) -> str:
    """Who the actor speaks as on this channel; refuses anyone else."""
    if can(actor, "complaint.handle", complaint):
        return Party.REGULATOR
    if channel == Channel.COMPLAINANT and can(actor, "complaint.view_own", complaint):
        return Party.COMPLAINANT
    if channel == Channel.ENTERPRISE and can(actor, "complaint.respond", complaint):
        return Party.ENTERPRISE
    raise NotPermitted(_("You cannot write on this case."), code="permission_denied")


def _post(complaint: Complaint, *, channel: str, party: str, body: str,
          author: Any = None) -> CaseMessage:
    from complaints.tasks import case_message_notify_task

    complaint = complaint_lock(complaint)
    if complaint.status == CaseStatus.CLOSED:
        raise DomainError(_("This case is closed."), code="case_closed")
    if channel == Channel.ENTERPRISE and complaint.respondent_id is None:
        raise DomainError(_("An unregistered use has no enterprise to write to."),
                          code="no_respondent")
    message = CaseMessage.objects.create(complaint=complaint, channel=channel, party=party,
                                         author=author if party in (Party.REGULATOR,
                                                                    Party.ENTERPRISE) else None,
                                         body=body)
    if party == Party.REGULATOR and channel == Channel.COMPLAINANT:
        complaint.last_news_at = message.created_at
        complaint.save(update_fields=["last_news_at"])
    case_log_append(complaint=complaint, kind=LogKind.MESSAGE, party=party, actor=author,
                    detail={"channel": channel, "message_id": message.id})
    transaction.on_commit(partial(case_message_notify_task.delay, message.id))
    return message


@transaction.atomic
def case_message_send(*, complaint: Complaint, actor: Any, body: str,
                      channel: str = Channel.COMPLAINANT) -> CaseMessage:
    """A signed-in party writes: the regulator on either channel, the complainant on theirs,
    the enterprise's staff on theirs."""
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), code="invalid_channel")
    body = _clean_body(body)
    party = _party_of(complaint, actor, channel)
    return _post(complaint, channel=channel, party=party, body=body, author=actor)


@transaction.atomic
def tip_message_send(*, tip: Complaint, body: str) -> CaseMessage:
    """The tipster answers. The caller proved the receipt (complaints/selectors/tips.py)."""
    if tip.kind != CaseKind.TIP:
        raise NotPermitted(_("Only a tip is answered with its receipt."))
    return _post(tip, channel=Channel.COMPLAINANT, party=Party.TIPSTER,
                 body=_clean_body(body))


@transaction.atomic
def tip_reply(*, tip: Complaint, body: str, files: list[Any]) -> None:
    """The tipster's answer through the receipt: a message, files, or both, at once."""
    from complaints.services.intake import case_files_add

    if body.strip():
        tip_message_send(tip=tip, body=body)
    if files:
        case_files_add(complaint=tip, files=files, as_tipster=True)


@transaction.atomic
def complaint_forward(*, complaint: Complaint, actor: Any, summary: str) -> Complaint:
    """Tell the respondent what it must answer, in the regulator's words: never who
    complained, never the complaint itself."""
    from complaints.tasks import complaint_forward_notify_task

    require(actor, "complaint.handle", complaint)
    complaint = complaint_lock(complaint)
    if complaint.respondent_id is None:
        raise DomainError(_("An unregistered use has no enterprise to forward to."),
                          code="no_respondent")
    summary = summary.strip()
    if not summary or "\x00" in summary or len(summary) > MESSAGE_MAX_LENGTH:
        raise DomainError(_("Write what the enterprise should see."), code="summary_required")
    complaint.forwarded_summary, complaint.forwarded_at = summary, timezone.now()
    complaint.save(update_fields=["forwarded_summary", "forwarded_at"])
    case_log_append(complaint=complaint, kind=LogKind.FORWARDED, party=Party.REGULATOR,
                    actor=actor)
    transaction.on_commit(partial(complaint_forward_notify_task.delay, complaint.id))
    return complaint
