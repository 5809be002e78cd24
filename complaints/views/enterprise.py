"""The enterprise's "Complaints about us": only what the regulator forwarded, redacted by the
regulator's own summary, and the enterprise's channel with the regulator."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints.models import Channel
from complaints.selectors.cases import complaint_list_for_enterprise, messages_for
from complaints.services.messages import case_message_send
from complaints.views.common import refused
from complaints.views.forms import MessageForm
from governance.errors import DomainError, NotFound
from governance.permissions import Persona
from governance.views.pages import persona_required


@persona_required(Persona.ENTERPRISE)
def about_us(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/about_us.html",
                  {"complaints": complaint_list_for_enterprise(user=request.user)})


@persona_required(Persona.ENTERPRISE)
@require_http_methods(["GET", "POST"])
def about_us_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = complaint_list_for_enterprise(user=request.user).filter(id=complaint_id).first()
    if complaint is None:
        raise NotFound(_("No such complaint."))
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_message_send(complaint=complaint, actor=request.user,
                              body=form.cleaned_data["body"], channel=Channel.ENTERPRISE)
        except DomainError as exc:
            refused(request, exc)
        else:
            messages.success(request, _("Your answer was sent to the regulator."))
            return redirect("complaint-about-us-detail", complaint_id=complaint.id)
    return render(request, "complaints/about_us_detail.html", {
        "complaint": complaint, "form": form,
        "messages_list": messages_for(complaint=complaint, role="enterprise")})
