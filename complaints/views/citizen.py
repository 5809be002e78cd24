"""The citizen's "My complaints": their own cases, the outcome and the thread."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints.models import Channel
from complaints.priority import reasons_shown
from complaints.selectors.cases import complaint_list_for_citizen, messages_for
from complaints.services.messages import case_message_send
from complaints.views.common import refused
from complaints.views.forms import MessageForm
from governance.errors import DomainError, NotFound
from governance.permissions import Persona
from governance.views.pages import persona_required


@persona_required(Persona.CITIZEN)
def my_complaints(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/mine.html",
                  {"complaints": complaint_list_for_citizen(user=request.user)})


@persona_required(Persona.CITIZEN)
@require_http_methods(["GET", "POST"])
def my_complaint(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = complaint_list_for_citizen(user=request.user).filter(id=complaint_id).first()
    if complaint is None:
        raise NotFound(_("No such complaint."))
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
        "messages_list": messages_for(complaint=complaint, role="complainant")})
