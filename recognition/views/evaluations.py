"""Evaluation pages: start one (upload or reference set) with its progress, the printable
report (DET curve, per-group table with intervals and warnings, calibration and its cost)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.errors import DomainError
from governance.selectors.deployments import deployment_get_for_user, deployments_permitting
from recognition.models import EvaluationStatus
from recognition.selectors.evaluations import (
    evaluation_det_svg,
    evaluation_get_for_user,
    evaluation_list_for_user,
    evaluation_report,
)
from recognition.services.evaluations import evaluation_request

REFUSAL_LABELS = {
    "no_face": gettext_lazy("no face found"),
    "multiple_faces": gettext_lazy("several faces"),
    "face_too_small": gettext_lazy("face too small"),
    "face_too_blurry": gettext_lazy("face too blurred"),
    "face_partial": gettext_lazy("face cut off"),
    "image_invalid": gettext_lazy("unreadable image"),
    "image_format_unsupported": gettext_lazy("unsupported format"),
    "image_too_large": gettext_lazy("image too large"),
    "image_too_big_bytes": gettext_lazy("file too large"),
}
STALE_LABELS = {"threshold_changed": gettext_lazy("the threshold changed since"),
                "engine_changed": gettext_lazy("the engine changed since")}


class EvaluationForm(forms.Form):
    deployment = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Deployment"))
    archive = forms.FileField(required=False, label=gettext_lazy(
        "Labelled set (ZIP: one folder per person, optional groups.csv)"))
    reference_set = forms.BooleanField(required=False, label=gettext_lazy(
        "Use the reference set instead"))

    def __init__(self, *args, deployments, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["deployment"].choices = [(d.id, str(d)) for d in deployments]

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("archive")) == bool(data.get("reference_set")):
            raise forms.ValidationError(_("Upload a ZIP archive or choose the reference set."))
        return data


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    deployments = deployments_permitting(user=request.user, action="evaluation.run")
    form = EvaluationForm(request.POST or None, request.FILES or None, deployments=deployments)
    if request.method == "POST" and form.is_valid():
        deployment = deployment_get_for_user(user=request.user,
                                             deployment_id=form.cleaned_data["deployment"])
        try:
            evaluation = evaluation_request(deployment=deployment, actor=request.user,
                                            archive=form.cleaned_data.get("archive"),
                                            reference_set=form.cleaned_data["reference_set"])
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            return redirect("evaluation-detail", evaluation.id)
    evaluations = evaluation_list_for_user(user=request.user)[:100]
    return render(request, "recognition/evaluations.html",
                  {"form": form, "evaluations": evaluations, "can_run": bool(deployments)})


@login_required
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = evaluation_get_for_user(user=request.user, evaluation_id=evaluation_id)
    report = evaluation_report(evaluation, user=request.user)
    done = evaluation.status == EvaluationStatus.DONE
    calibration = report["calibration"] or {}
    context = {
        "evaluation": evaluation, "report": report, "done": done,
        "running": evaluation.status in (EvaluationStatus.QUEUED, EvaluationStatus.RUNNING),
        # Built from numbers and escaped labels only (governance/platform/charts.py).
        "det_svg": mark_safe(evaluation_det_svg(evaluation)) if done else "",  # noqa: S308
        "failures": [(REFUSAL_LABELS.get(code, code), n)
                     for code, n in sorted(report["failures_to_enrol"].items())],
        "stale": [STALE_LABELS[r] for r in report["stale_reasons"]],
        "fnmr_cost": (calibration["fnmr"] - report["fnmr"]
                      if calibration.get("fnmr") is not None and report["fnmr"] is not None
                      else None),
    }
    return render(request, "recognition/evaluation_report.html", context)
