"""Forms of the complaint pages; the services validate again (the API shares them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Channel, TriageDecision
from complaints.models.cases import DESCRIPTION_MAX_LENGTH
from complaints.models.messages import MESSAGE_MAX_LENGTH


class ReportForm(forms.Form):
    deployment_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("What is wrong?"), choices=Category.choices)
    operator_name = forms.CharField(label=_("Who operates it (if it is not on the register)"),
                                    required=False, max_length=200)
    place = forms.CharField(label=_("Where is it?"), required=False, max_length=250)
    description = forms.CharField(label=_("What did you see?"), widget=forms.Textarea,
                                  max_length=DESCRIPTION_MAX_LENGTH)
    minors_involved = forms.BooleanField(label=_("Children are affected"), required=False)
    anonymous = forms.BooleanField(label=_("Send it anonymously (you get a receipt instead of "
                                           "an account)"), required=False, initial=True)
    attach_own_records = forms.BooleanField(
        label=_("Attach my own records at this deployment (my consents and when it recognised "
                "me)"), required=False)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Your 16-digit receipt"), max_length=40,
                              widget=forms.PasswordInput(render_value=True,
                                                         attrs={"autocomplete": "off"}))


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=MESSAGE_MAX_LENGTH, required=False)
    channel = forms.ChoiceField(choices=Channel.choices, required=False,
                                widget=forms.HiddenInput)


class TriageForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=TriageDecision.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=5000)
    investigation_id = forms.IntegerField(label=_("Investigation (to add the case to)"),
                                          required=False)
    refer_to_id = forms.TypedChoiceField(label=_("Regulator (to refer the case to)"),
                                         required=False, coerce=int, empty_value=None)
    route_to_court = forms.CharField(label=_("Route to court (inadmissible)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    suspend = forms.BooleanField(label=_("Suspend the deployment now, for these reasons"),
                                 required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=5000)


class ForwardForm(forms.Form):
    summary = forms.CharField(label=_("What the enterprise should answer (no names)"),
                              widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    region = forms.CharField(label=_("Region"), required=False)
    deployment = forms.IntegerField(label=_("Deployment"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        from complaints.models import CaseStatus, Priority

        super().__init__(*args, **kwargs)
        blank = [("", _("Any"))]
        self.fields["status"].choices = blank + list(CaseStatus.choices)
        self.fields["priority"].choices = blank + list(Priority.choices)


class PackageVerifyForm(forms.Form):
    file = forms.FileField(label=_("The evidence package (ZIP file)"))
