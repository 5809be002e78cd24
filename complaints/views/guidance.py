"""Guidance notes and public Q&A (anyone reads; a regulator publishes) and consultations."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from complaints.permissions import RESPONDENT_STAFF
from complaints.selectors.guidance import (
    consultation_get_for_user,
    consultation_list_for_user,
    guidance_current,
    published_questions,
)
from complaints.services.guidance import (
    consultation_ask,
    consultation_message_send,
    consultation_publish,
    guidance_publish,
)
from complaints.views.common import refused
from governance.compliance.packs import all_rules
from governance.errors import DomainError, NotFound
from governance.models import OrganisationKind
from governance.permissions import can, organisations_of


def _one_rule_per_id():
    """Guidance explains a rule by id; packs share ids (the same duty in several laws), so the
    first pack's wording names it."""
    return list({r.id: r for r in reversed(all_rules())}.values())[::-1]


class GuidanceForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Guidance"), widget=forms.Textarea)
    rules = forms.MultipleChoiceField(label=gettext_lazy("Rules it explains"), required=False,
                                      choices=lambda: [(r.id, f"{r.title} ({r.reference})")
                                                       for r in _one_rule_per_id()])
    series = forms.CharField(label=gettext_lazy("Replaces the note (its short name)"),
                             required=False, max_length=80)


class AskForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    question = forms.CharField(label=gettext_lazy("Your question"), widget=forms.Textarea)


class ReplyForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    question = forms.CharField(label=gettext_lazy("Question, anonymised"), widget=forms.Textarea)
    answer = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea)


@require_http_methods(["GET", "POST"])
def guidance(request: HttpRequest) -> HttpResponse:
    may_publish = can(request.user, "guidance.publish")
    form = GuidanceForm(request.POST or None) if may_publish else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            guidance_publish(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refused(request, exc)
        else:
            messages.success(request, _("Guidance published."))
            return redirect("guidance")
    return render(request, "complaints/guidance.html", {
        "notes": guidance_current(), "questions": published_questions(), "form": form,
        "rules": {r.id: r for r in all_rules()}})


def _own_enterprises(request: HttpRequest):
    return organisations_of(request.user, kind=OrganisationKind.ENTERPRISE,
                            roles=RESPONDENT_STAFF)


@require_http_methods(["GET", "POST"])
def consultation_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    enterprise = _own_enterprises(request).order_by("id").first()
    form = AskForm(request.POST or None) if enterprise else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            consultation = consultation_ask(actor=request.user, enterprise=enterprise,
                                            **form.cleaned_data)
        except DomainError as exc:
            refused(request, exc)
        else:
            return redirect("consultation-detail", consultation_id=consultation.id)
    return render(request, "complaints/consultations.html", {
        "consultations": consultation_list_for_user(user=request.user), "form": form})


@require_http_methods(["GET", "POST"])
def consultation_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise NotFound(_("No such consultation."))
    consultation = consultation_get_for_user(user=request.user, consultation_id=consultation_id)
    regulator = can(request.user, "consultation.answer", consultation)
    reply = ReplyForm(request.POST if "reply" in request.POST else None)
    publish = PublishForm(request.POST if "publish" in request.POST else None)
    try:
        if "reply" in request.POST and reply.is_valid():
            consultation_message_send(consultation=consultation, actor=request.user,
                                      body=reply.cleaned_data["body"])
            return redirect("consultation-detail", consultation_id=consultation.id)
        if "publish" in request.POST and publish.is_valid():
            consultation_publish(consultation=consultation, actor=request.user,
                                 **publish.cleaned_data)
            messages.success(request, _("Published as a public question and answer."))
            return redirect("consultation-detail", consultation_id=consultation.id)
    except DomainError as exc:
        refused(request, exc)
    return render(request, "complaints/consultation.html", {
        "consultation": consultation, "reply": reply, "publish": publish if regulator else None,
        "thread": consultation.messages.select_related("author")})
