"""Forms of the deployment pages. They only shape input; services decide."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.compliance.questionnaire import QUESTIONS, SECTIONS
from governance.models import (
    DataCategory,
    Deployment,
    Interest,
    LegalBasis,
    Mode,
    PlaceType,
    Purpose,
    RetentionTrigger,
    Scenario,
    Storage,
)
from governance.thresholds import threshold_range

DESCRIBE_FIELDS = ("name", "description", "location", "scenario", "mode", "place_type",
                   "is_public_place", "has_signage", "interest", "legal_basis", "storage",
                   "central_storage_separate_consent", "expected_subjects",
                   "non_face_alternative", "keeps_images", "keeps_images_justification",
                   "threshold", "requires_liveness", "two_person_confirmation")


class DescribeForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    location = forms.CharField(max_length=250, required=False)
    scenario = forms.ChoiceField(choices=Scenario.choices)
    mode = forms.ChoiceField(choices=Mode.choices)
    place_type = forms.ChoiceField(choices=PlaceType.choices, label=_("Place"))
    is_public_place = forms.BooleanField(required=False, label=_("It is a public place"))
    has_signage = forms.BooleanField(required=False, label=_("Signs announce face recognition"))
    # No default: whether a deployment serves the public interest (and so waits for the
    # regulator's prior approval) is a choice the operator makes, never a preselected one.
    interest = forms.ChoiceField(choices=[("", _("— choose —")), *Interest.choices],
                                 label=_("Interest"))
    # A choice from the purpose taxonomy (governance.purposes), never a typed code.
    purposes = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, choices=(),
                                         label=_("Purposes"))
    legal_basis = forms.ChoiceField(choices=[("", _("— choose —")), *LegalBasis.choices],
                                    label=_("Legal basis"))
    storage = forms.ChoiceField(choices=Storage.choices)
    central_storage_separate_consent = forms.BooleanField(
        required=False, label=_("Separate consent is collected for central storage"))
    expected_subjects = forms.IntegerField(min_value=0, initial=0,
                                           label=_("Expected number of people"))
    non_face_alternative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False,
        label=_("Non-face alternative"),
        help_text=_("How someone who refuses gets the same service."))
    keeps_images = forms.BooleanField(required=False, label=_("Raw face images are kept"))
    keeps_images_justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False,
        label=_("Why images are kept"))
    threshold = forms.FloatField(min_value=0.01, initial=0.6,
                                 label=_("Decision threshold (distance)"))
    threshold_change_reason = forms.CharField(required=False,
                                              label=_("Reason for a threshold change"))
    change_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False,
        label=_("Why this change (once submitted)"),
        help_text=_("Published with the change. A change that makes an approved public-interest "
                    "deployment less safe waits for the regulator, who reads this."))
    requires_liveness = forms.BooleanField(required=False, label=_("Liveness check required"))
    two_person_confirmation = forms.BooleanField(
        required=False, label=_("Matches are confirmed by two people"))
    notice = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             label=_("Public notice"),
                             help_text=_("What people read before they consent."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purposes"].choices = [(p.code, gettext(p.name))
                                           for p in Purpose.objects.all()]
        # The ceiling is the engine's calibrated range, not a number fixed in this form.
        ceiling = threshold_range().maximum
        self.fields["threshold"].max_value = ceiling
        self.fields["threshold"].widget.attrs["max"] = ceiling
        self.fields["threshold"].validators.append(MaxValueValidator(ceiling))
        self.fields["threshold"].help_text = _(
            "Lower is stricter; at most %(max)s, the range the recognition engine is "
            "calibrated for.") % {"max": ceiling}

    @classmethod
    def initial_for(cls, deployment: Deployment) -> dict:
        data = {name: getattr(deployment, name) for name in DESCRIBE_FIELDS}
        data["purposes"] = [p.code for p in deployment.purposes.all()]
        latest = deployment.notices.order_by("-version").first()
        data["notice"] = latest.text if latest else ""
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {"purposes": data.pop("purposes"), "notice_text": data.pop("notice"),
                "threshold_reason": data.pop("threshold_change_reason"),
                "reason": data.pop("change_reason"), "fields": data}


class RetentionForm(forms.Form):
    """One optional declaration per data category; empty means the default or cap applies."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category, label in DataCategory.choices:
            self.fields[f"{category}_days"] = forms.IntegerField(
                min_value=0, max_value=36500, required=False, label=f"{label}: days")
            self.fields[f"{category}_trigger"] = forms.ChoiceField(
                choices=[("", "—"), *RetentionTrigger.choices], required=False,
                label=f"{label}: counted")

    @classmethod
    def initial_for(cls, deployment: Deployment) -> dict:
        return {key: value for rule in deployment.retention_rules.all() for key, value in (
            (f"{rule.category}_days", rule.period_days),
            (f"{rule.category}_trigger", rule.trigger))}

    def clean(self) -> dict:
        data = super().clean()
        for category in DataCategory.values:
            if (data.get(f"{category}_days") is None) != (not data.get(f"{category}_trigger")):
                self.add_error(f"{category}_days",
                               _("Give both the days and the trigger, or neither."))
        return data

    def rules(self) -> list[dict]:
        data = self.cleaned_data
        return [{"category": c, "period_days": data[f"{c}_days"], "trigger": data[f"{c}_trigger"]}
                for c in DataCategory.values if data.get(f"{c}_days") is not None]


class AssessmentForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text, widget=forms.RadioSelect, required=False,
                choices=[(value, label) for value, label, _ in question.choices])
        for key, title in SECTIONS:
            self.fields[f"{key}_summary"] = forms.CharField(
                label=f"{title}: summary", required=False,
                widget=forms.Textarea(attrs={"rows": 2}))

    def sections(self) -> list[dict]:
        return [{"title": title,
                 "fields": [self[q.key] for q in QUESTIONS if q.section == key]
                 + [self[f"{key}_summary"]]} for key, title in SECTIONS]


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             label=_("Reasons"))
    legal_basis = forms.CharField(required=False, label=_("Legal basis (approval)"))


class DecommissionForm(forms.Form):
    """Decommissioning destroys the biometric data: it needs its reason and a confirmation."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reasons"),
                             help_text=_("Kept in the deployment's history."))
    confirm = forms.BooleanField(
        label=_("I understand that this ends the deployment for good and destroys its face "
                "templates and images"))


class FilingForm(forms.Form):
    handler_information = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}),
                                          label=_("Basic information about your organisation"))
    purpose_and_method = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}),
                                         label=_("Purpose and method of processing"))
    security_measures = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}),
                                        label=_("Security measures"))


# Labels in the reader's language for the fields that had only their (English) names.
_DESCRIBE_LABELS = {"name": _("Name"), "description": _("Description"),
                    "location": _("Location"), "scenario": _("Scenario"), "mode": _("Mode"),
                    "interest": _("Interest"), "purposes": _("Purposes"),
                    "storage": _("Storage")}
for _field_name, _label in _DESCRIBE_LABELS.items():
    if _field_name in DescribeForm.base_fields and not DescribeForm.base_fields[_field_name].label:
        DescribeForm.base_fields[_field_name].label = _label
