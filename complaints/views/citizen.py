"""The citizen's "My complaints": their own cases, the outcome of the investigation, the
evidence package for court (request, progress, download) and the thread."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from complaints.models import Channel, Complaint, EvidencePackage, PackageStatus
from complaints.priority import reasons_shown
from complaints.selectors.cases import complaint_list_for_citizen, messages_for
from complaints.selectors.enforcement import complaint_outcome
from complaints.services.messages import case_message_send
from complaints.services.packages import evidence_package_request
from complaints.views.common import refused
from complaints.views.forms import MessageForm
from governance.errors import DomainError, NotFound
from governance.permissions import Persona, can
from governance.platform.uploads import sealed_file_response
from governance.views.pages import persona_required


def _own_complaint(request: HttpRequest, complaint_id: int) -> Complaint:
    complaint = complaint_list_for_citizen(user=request.user).filter(id=complaint_id).first()
    if complaint is None:
        raise NotFound(_("No such complaint."))
    return complaint


def _latest_package(request: HttpRequest, complaint: Complaint) -> EvidencePackage | None:
    return EvidencePackage.objects.filter(complaint=complaint,
                                          requested_by=request.user).first()


@persona_required(Persona.CITIZEN)
def my_complaints(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/mine.html",
                  {"complaints": complaint_list_for_citizen(user=request.user)})


@persona_required(Persona.CITIZEN)
@require_http_methods(["GET", "POST"])
def my_complaint(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _own_complaint(request, complaint_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_message_send(complaint=complaint, actor=request.user,
                              body=form.cleaned_data["body"], channel=Channel.COMPLAINANT)
        except DomainError as exc:
            refused(request, exc)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("complaint-mine-detail", complaint_id=complaint.id)
    return render(request, "complaints/mine_detail.html", {
        "complaint": complaint, "form": form, "reasons": reasons_shown(complaint.priority_reasons),
        "messages_list": messages_for(complaint=complaint, role="complainant"),
        "outcome": complaint_outcome(complaint=complaint),
        "package": _latest_package(request, complaint),
        "package_allowed": can(request.user, "evidence_package.request", complaint),
        "package_pending": (PackageStatus.QUEUED, PackageStatus.RUNNING)})


@persona_required(Persona.CITIZEN)
@require_POST
def my_complaint_package_request(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Queue the evidence package for court (built by a worker; the page shows progress)."""
    complaint = _own_complaint(request, complaint_id)
    try:
        evidence_package_request(complaint=complaint, actor=request.user)
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Your evidence package is being prepared."))
    return redirect("complaint-mine-detail", complaint_id=complaint.id)


@persona_required(Persona.CITIZEN)
def my_complaint_package_download(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The finished package: only ever the requesting complainant's own."""
    complaint = _own_complaint(request, complaint_id)
    package = _latest_package(request, complaint)
    if package is None or package.status != PackageStatus.DONE or package.sealed_id is None:
        raise NotFound(_("No finished evidence package yet."))
    return sealed_file_response(package.sealed)
