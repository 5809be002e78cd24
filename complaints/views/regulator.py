"""The regulator's inbox (filters, sorted by due time) and case page (timeline, triage,
messages on both channels, forwarding, identity reveal, interim suspension)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import UNTRIAGED, CaseStatus, Channel, IdentityReveal, Priority
from complaints.priority import reasons_shown
from complaints.selectors.cases import (
    case_log_for,
    complaint_get_for_user,
    complaint_identity_for_user,
    complaint_list_for_regulator,
    investigations_for_user,
    messages_for,
    reveals_awaiting,
)
from complaints.services.identity import identity_reveal_decide, identity_reveal_request
from complaints.services.messages import case_message_send, complaint_forward
from complaints.services.triage import (
    TriageInput,
    complaint_close,
    complaint_interim_suspend,
    complaint_triage,
)
from complaints.views.common import refused
from complaints.views.forms import (
    ForwardForm,
    InboxFilterForm,
    MessageForm,
    ReasonForm,
    TriageForm,
)
from governance.errors import DomainError, NotFound
from governance.models import DeploymentStatus, Organisation, OrganisationKind
from governance.permissions import Persona, can
from governance.platform.uploads import sealed_file_response
from governance.views.pages import persona_required

regulator_page = persona_required(Persona.REGULATOR)


@regulator_page
def inbox(request: HttpRequest) -> HttpResponse:
    cases = complaint_list_for_regulator(user=request.user)
    form = InboxFilterForm(request.GET or None)
    if form.is_valid():
        f = form.cleaned_data
        if f["status"]:
            cases = cases.filter(status=f["status"])
        if f["priority"]:
            cases = cases.filter(priority=f["priority"])
        if f["region"]:
            cases = cases.filter(region__iexact=f["region"].strip())
        if f["deployment"]:
            cases = cases.filter(deployment_id=f["deployment"])
        if f["overdue"]:
            cases = cases.filter(status__in=UNTRIAGED, triage_due__lt=timezone.now())
    return render(request, "complaints/inbox.html", {
        "form": form, "cases": cases.order_by("triage_due", "id")[:500], "now": timezone.now(),
        "untriaged": UNTRIAGED, "reveals": reveals_awaiting(user=request.user)})


def _triage_form(request: HttpRequest, complaint: Any, data: Any = None) -> TriageForm:
    form = TriageForm(data)
    form.fields["refer_to_id"].choices = [("", "—")] + [
        (r.id, r.name) for r in Organisation.objects.filter(kind=OrganisationKind.REGULATOR)
        .exclude(id=complaint.regulator_id)]
    return form


@regulator_page
def case_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    if not can(request.user, "complaint.handle", complaint):
        raise NotFound(_("No such complaint."))
    deployment = complaint.deployment
    return render(request, "complaints/case.html", {
        "complaint": complaint, "reasons": reasons_shown(complaint.priority_reasons),
        "timeline": case_log_for(complaint=complaint),
        "complainant_messages": messages_for(complaint=complaint, role="complainant"),
        "enterprise_messages": complaint.messages.filter(channel=Channel.ENTERPRISE),
        "attachments": complaint.attachments.select_related("sealed"),
        "identity": complaint_identity_for_user(user=request.user, complaint=complaint),
        "reveals": complaint.reveals.select_related("requested_by", "decided_by"),
        "can_decide_reveal": can(request.user, "complaint.reveal_decide", complaint),
        "triage_form": _triage_form(request, complaint),
        "investigations": investigations_for_user(user=request.user)[:50],
        "message_form": MessageForm(), "reason_form": ReasonForm(),
        "forward_form": ForwardForm(initial={"summary": complaint.forwarded_summary}),
        "can_suspend": (deployment is not None and deployment.status == DeploymentStatus.ACTIVE
                        and complaint.priority == Priority.URGENT),
        "untriaged": complaint.status in UNTRIAGED,
        "investigating": complaint.status == CaseStatus.INVESTIGATING})


def _act(request: HttpRequest, complaint_id: int, form_class: type,
         action: Callable[..., Any], done: str) -> HttpResponse:
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please complete the form."))
    else:
        try:
            action(complaint, form.cleaned_data)
        except DomainError as exc:
            refused(request, exc)
        else:
            messages.success(request, done)
    return redirect("complaint-case", complaint_id=complaint_id)


@regulator_page
@require_POST
def case_triage(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    form = _triage_form(request, complaint, request.POST)
    if not form.is_valid():
        messages.error(request, _("Please complete the form."))
        return redirect("complaint-case", complaint_id=complaint_id)
    try:
        complaint_triage(complaint=complaint, actor=request.user,
                         data=TriageInput(**form.cleaned_data))
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Triage decision recorded."))
    return redirect("complaint-case", complaint_id=complaint_id)


@regulator_page
@require_POST
def case_message(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(request, complaint_id, MessageForm, lambda c, d: case_message_send(
        complaint=c, actor=request.user, body=d["body"],
        channel=d["channel"] or Channel.COMPLAINANT), _("Message sent."))


@regulator_page
@require_POST
def case_forward(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(request, complaint_id, ForwardForm, lambda c, d: complaint_forward(
        complaint=c, actor=request.user, summary=d["summary"]),
        _("Forwarded to the enterprise."))


@regulator_page
@require_POST
def case_suspend(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(request, complaint_id, ReasonForm, lambda c, d: complaint_interim_suspend(
        complaint=c, actor=request.user, reason=d["reason"]), _("Deployment suspended."))


@regulator_page
@require_POST
def case_close(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(request, complaint_id, ReasonForm, lambda c, d: complaint_close(
        complaint=c, actor=request.user, reasons=d["reason"]), _("Case closed."))


@regulator_page
@require_POST
def case_reveal_request(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(request, complaint_id, ReasonForm, lambda c, d: identity_reveal_request(
        complaint=c, actor=request.user, reason=d["reason"]),
        _("Request sent to a supervisor."))


@regulator_page
@require_POST
def case_reveal_decide(request: HttpRequest, complaint_id: int, reveal_id: int) -> HttpResponse:
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    reveal = IdentityReveal.objects.filter(id=reveal_id, complaint=complaint).first()
    if reveal is None:
        raise NotFound(_("No such request."))
    try:
        identity_reveal_decide(reveal=reveal, actor=request.user,
                               approve=request.POST.get("approve") == "1")
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("complaint-case", complaint_id=complaint_id)


@regulator_page
def case_file(request: HttpRequest, complaint_id: int, attachment_id: int) -> HttpResponse:
    complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    if not can(request.user, "complaint.handle", complaint):
        raise NotFound(_("No such file."))
    attachment = complaint.attachments.select_related("sealed").filter(id=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such file."))
    return sealed_file_response(attachment.sealed)
