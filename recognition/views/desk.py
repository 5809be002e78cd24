"""Desk enrolment (enterprise): record a person's signed consent at the counter and enrol
their photo, through the services the API uses (recognition.services.desk)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.middleware import permissions_policy
from governance.errors import DomainError
from governance.models import ConsentMethod, DeploymentStatus
from governance.permissions import Persona
from governance.selectors.deployments import deployment_get_for_user, deployments_permitting
from governance.views.pages import persona_required
from recognition.services.desk import desk_enrol

NEW, ON_RECORD = "new", "on_record"
DESK_METHODS = [(ConsentMethod.WRITTEN_SIGNATURE, gettext_lazy("Signed on paper, in person")),
                (ConsentMethod.ELECTRONIC_SIGNATURE,
                 gettext_lazy("Signed on a signature pad, in person"))]


class DeskEnrolForm(forms.Form):
    deployment = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Deployment"))
    subject_ref = forms.CharField(
        max_length=128, label=gettext_lazy("The person's reference"),
        help_text=gettext_lazy("How this deployment knows the person (a resident or staff "
                               "number); never their name or ID number."))
    purpose = forms.ChoiceField(label=gettext_lazy("Enrol for the purpose"))
    consent = forms.ChoiceField(
        widget=forms.RadioSelect, label=gettext_lazy("Consent"), initial=NEW,
        choices=[(NEW, gettext_lazy("Record the consent the person signed now")),
                 (ON_RECORD, gettext_lazy("The person's consent is already on record"))])
    method = forms.ChoiceField(choices=DESK_METHODS, required=False,
                               label=gettext_lazy("How the person consented"))
    consent_purposes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False,
        label=gettext_lazy("Purposes the person consented to"))
    signed_form = forms.FileField(
        required=False, label=gettext_lazy("The signed consent form (scan or photo)"),
        help_text=gettext_lazy("PDF, JPEG, PNG or WebP; sealed and kept as the evidence."))
    central_storage = forms.BooleanField(
        required=False, label=gettext_lazy("The person separately consented to central "
                                           "storage of their template"))
    subject_minor = forms.BooleanField(
        required=False, label=gettext_lazy("The person is a child; a guardian signed"))
    guardian_name = forms.CharField(required=False, max_length=200,
                                    label=gettext_lazy("Guardian's name"))
    guardian_relationship = forms.CharField(required=False, max_length=100,
                                            label=gettext_lazy("Guardian's relationship"))
    photo = forms.FileField(label=gettext_lazy("Photo of the person's face"),
                            help_text=gettext_lazy("One face, looking at the camera."))

    def __init__(self, *args: Any, deployments: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deployments = {d.id: d for d in deployments}
        self.fields["deployment"].choices = [(d.id, d.name) for d in deployments]
        purposes = sorted({(p.code, p.name) for d in deployments for p in d.purposes.all()},
                          key=lambda p: p[1])
        self.fields["purpose"].choices = purposes
        self.fields["consent_purposes"].choices = purposes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("consent") == NEW:
            if not data.get("signed_form"):
                self.add_error("signed_form", _("Upload the form the person signed: without "
                                                "it no consent is recorded."))
            if not data.get("method"):
                self.add_error("method", _("Say how the person consented."))
            if data.get("purpose") and data.get("purpose") not in (
                    data.get("consent_purposes") or []):
                data["consent_purposes"] = [*(data.get("consent_purposes") or []),
                                            data["purpose"]]
        return data

    def consent_kwargs(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data["consent"] != NEW:
            return None
        return {"purposes": data["consent_purposes"], "method": data["method"],
                "central_storage": data["central_storage"],
                "subject_minor": data["subject_minor"],
                "guardian_name": data["guardian_name"],
                "guardian_relationship": data["guardian_relationship"]}


@permissions_policy(camera=["self"])  # the photo may come straight from the camera
@persona_required(Persona.ENTERPRISE)
def desk_enrol_page(request: HttpRequest) -> HttpResponse:
    deployments = [d for d in deployments_permitting(user=request.user,
                                                     action="deployment.try_recognition")
                   if d.status == DeploymentStatus.ACTIVE]
    form = DeskEnrolForm(request.POST or None, request.FILES or None, deployments=deployments)
    error = None
    if request.method == "POST" and form.is_valid():
        deployment = deployment_get_for_user(user=request.user,
                                             deployment_id=form.cleaned_data["deployment"])
        photo = form.cleaned_data["photo"]
        try:
            done = desk_enrol(
                deployment=deployment, actor=request.user,
                subject_ref=form.cleaned_data["subject_ref"].strip(),
                purpose=form.cleaned_data["purpose"], photo=photo.read(),
                photo_content_type=photo.content_type or "",
                consent=form.consent_kwargs(), signed_form=form.cleaned_data["signed_form"])
        except DomainError as exc:
            error = exc
        else:
            text = _("%(ref)s is enrolled at %(deployment)s.") % {
                "ref": done.enrolment.subject_ref, "deployment": deployment.name}
            if done.consent is not None:
                url = reverse("consent-receipt-page", args=[done.consent.receipt_id])
                messages.success(request, format_html(
                    '{} <a href="{}">{}</a>', text, url, _("Their consent receipt")))
            else:
                messages.success(request, text)
            return redirect("desk-enrol")
    return render(request, "recognition/desk_enrol.html",
                  {"form": form, "error": error, "has_deployments": bool(deployments)})
