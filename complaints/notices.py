"""Who is told what about a case, through the platform's notifications (in-app and email).

Mail is less private than the platform: messages say that there is news and where to read
it, never the complaint's content, and nothing ever goes to a tipster (there is no address,
by design) or names a complainant to anyone else.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.models import CaseMessage, Channel, Complaint, Party
from complaints.permissions import RESPONDENT_STAFF
from governance.models import Membership, OrganisationKind, Role
from governance.platform.notifications import Text, notify


def _send(users: Any, *, subject: Text, body: Text, link: str) -> int:
    sent = 0
    for user in users:
        notify(recipient=user, subject=subject, body=body, link=link)
        sent += 1
    return sent


def _regulator_staff(complaint: Complaint, roles: set[str]) -> list[Any]:
    memberships = Membership.objects.filter(organisation__kind=OrganisationKind.REGULATOR,
                                            role__in=roles).select_related("user")
    if complaint.regulator_id:
        memberships = memberships.filter(organisation_id=complaint.regulator_id)
    return list({m.user for m in memberships})


def tell_complainant(*, complaint_id: int, subject: Text, body: Text) -> int:
    complaint = Complaint.objects.select_related("complainant").filter(id=complaint_id).first()
    if complaint is None or complaint.complainant is None:
        return 0
    return _send([complaint.complainant], subject=subject, body=body,
                 link=reverse("complaint-mine-detail", args=[complaint.id]))


def tell_supervisors(*, complaint_id: int, subject: Text, body: Text) -> int:
    complaint = Complaint.objects.filter(id=complaint_id).first()
    if complaint is None:
        return 0
    return _send(_regulator_staff(complaint, {Role.SUPERVISOR}), subject=subject, body=body,
                 link=reverse("complaint-case", args=[complaint.id]))


def tell_regulator(*, complaint_id: int, subject: Text, body: Text) -> int:
    complaint = Complaint.objects.filter(id=complaint_id).first()
    if complaint is None:
        return 0
    return _send(_regulator_staff(complaint, {Role.INSPECTOR, Role.SUPERVISOR}),
                 subject=subject, body=body,
                 link=reverse("complaint-case", args=[complaint.id]))


def tell_enterprise(*, complaint_id: int, subject: Text, body: Text) -> int:
    complaint = Complaint.objects.filter(id=complaint_id).first()
    if complaint is None or complaint.respondent_id is None:
        return 0
    staff = {m.user for m in Membership.objects.filter(
        organisation_id=complaint.respondent_id, role__in=RESPONDENT_STAFF).select_related("user")}
    return _send(staff, subject=subject, body=body,
                 link=reverse("complaint-about-us-detail", args=[complaint.id]))


def message_notify(*, message_id: int) -> int:
    """The other side of the message's channel is told there is a new message."""
    message = CaseMessage.objects.select_related("complaint").filter(id=message_id).first()
    if message is None:
        return 0
    case_id = message.complaint_id

    def subject() -> str:
        return _("New message on case %(id)s") % {"id": case_id}

    def body() -> str:
        return _("There is a new message on case %(id)s. Sign in to read it.") % {"id": case_id}

    if message.party in (Party.COMPLAINANT, Party.TIPSTER, Party.ENTERPRISE):
        return tell_regulator(complaint_id=case_id, subject=subject, body=body)
    if message.channel == Channel.ENTERPRISE:
        return tell_enterprise(complaint_id=case_id, subject=subject, body=body)
    return tell_complainant(complaint_id=case_id, subject=subject, body=body)


def outcome_notify(*, complaint_id: int) -> int:
    complaint = Complaint.objects.filter(id=complaint_id).first()
    if complaint is None:
        return 0
    return tell_complainant(
        complaint_id=complaint.id,
        subject=lambda: _("Decision on your complaint %(id)s") % {"id": complaint.id},
        body=lambda: _("Your complaint %(id)s: %(status)s. Sign in to read the reasons.")
        % {"id": complaint.id, "status": complaint.get_status_display()})


def forward_notify(*, complaint_id: int) -> int:
    return tell_enterprise(
        complaint_id=complaint_id,
        subject=lambda: _("The regulator forwarded a complaint about you"),
        body=lambda: _("The regulator asks you to answer case %(id)s. Sign in to read it.")
        % {"id": complaint_id})


def investigation_respondent_notify(*, investigation_id: int) -> int:
    """The respondent's staff are told there is news on an investigation of them (never who
    complained, never the content: they read it signed in)."""
    from complaints.models import Investigation

    investigation = Investigation.objects.filter(id=investigation_id).first()
    if investigation is None or investigation.respondent_id is None:
        return 0
    staff = {m.user for m in Membership.objects.filter(
        organisation_id=investigation.respondent_id, role__in=RESPONDENT_STAFF)
        .select_related("user")}
    return _send(staff,
                 subject=lambda: _("News on investigation %(id)s") % {"id": investigation.id},
                 body=lambda: _("The regulator has a new step on investigation %(id)s: "
                                "%(status)s. Sign in to read it and answer.")
                 % {"id": investigation.id, "status": investigation.get_status_display()},
                 link=reverse("enterprise-investigations"))
