"""Recognition pages: enterprise activity, keys, subjects, try-it; the citizen's own events."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.middleware import permissions_policy
from governance.errors import DomainError
from governance.permissions import Persona, can, require
from governance.platform.charts import bar_chart_svg, daily_bars
from governance.selectors.deployments import deployment_get_for_user, deployments_permitting
from governance.views.pages import persona_required
from recognition.models import Operation, Outcome
from recognition.selectors import (
    api_key_get_for_user,
    api_key_list_for_deployment,
    confirmation_get_for_user,
    confirmation_list_for_user,
    event_list_for_user,
    events_for_citizen,
    subject_list_for_deployment,
)
from recognition.services.apikeys import api_key_create, api_key_revoke
from recognition.services.confirmations import match_confirm
from recognition.services.recognition import Caller, recognition_verify

CHART_DAYS = 30


@persona_required(Persona.ENTERPRISE)
def activity(request: HttpRequest) -> HttpResponse:
    events = event_list_for_user(user=request.user)
    filters = {key: request.GET.get(key, "") for key in ("deployment", "operation", "outcome")}
    if filters["deployment"].isdigit():
        events = events.filter(deployment_id=int(filters["deployment"]))
    if filters["operation"] in Operation.values:
        events = events.filter(operation=filters["operation"])
    if filters["outcome"] in Outcome.values:
        events = events.filter(outcome=filters["outcome"])
    today = timezone.localdate()
    since = timezone.now() - dt.timedelta(days=CHART_DAYS)
    per_day = dict(events.filter(recorded_at__gte=since).annotate(day=TruncDate("recorded_at"))
                   .values_list("day").annotate(n=Count("id")).values_list("day", "n"))
    chart = bar_chart_svg(daily_bars(per_day, days=CHART_DAYS, today=today),
                          title=_("Recognition calls per day, last %(days)d days") % {
                              "days": CHART_DAYS},
                          x_label=_("Day"), y_label=_("Calls"), legend=_("Recognition calls"))
    deployments = deployments_permitting(user=request.user,
                                         action="deployment.view_recognition")
    context = {"events": events.order_by("-recorded_at")[:200], "chart": chart,
               "filters": filters, "deployments": deployments,
               "operations": Operation.choices, "outcomes": Outcome.choices}
    return render(request, "recognition/activity.html", context)


@persona_required(Persona.ENTERPRISE)
def deployment_keys(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
    new_key = None
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                api_key = api_key_get_for_user(user=request.user,
                                               api_key_id=int(request.POST["revoke"]))
                api_key_revoke(api_key=api_key, actor=request.user)
                messages.success(request, f"Key {api_key.prefix}… revoked.")
            else:
                _, new_key = api_key_create(deployment=deployment, actor=request.user,
                                            name=request.POST.get("name") or "Device key")
        except DomainError as exc:
            messages.error(request, exc.detail)
    context = {"deployment": deployment, "new_key": new_key,
               "keys": api_key_list_for_deployment(user=request.user, deployment=deployment),
               "subjects": subject_list_for_deployment(user=request.user,
                                                       deployment=deployment)[:500],
               "can_manage": can(request.user, "deployment.manage_api_keys", deployment)}
    return render(request, "recognition/deployment_keys.html", context)


class TryItForm(forms.Form):
    deployment = forms.TypedChoiceField(coerce=int)
    subject_ref = forms.CharField(max_length=128, label=gettext_lazy("Subject reference"))
    purpose = forms.SlugField(max_length=60)
    image = forms.ImageField(label=gettext_lazy("Photo to verify"))

    def __init__(self, *args, deployments, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["deployment"].choices = [(d.id, str(d)) for d in deployments]


@permissions_policy(camera=["self"])  # the photo may come straight from the camera
@persona_required(Persona.ENTERPRISE)
def try_it(request: HttpRequest) -> HttpResponse:
    """Verify an uploaded photo against an enrolled subject, through the same gate as devices."""
    deployments = deployments_permitting(user=request.user, action="deployment.try_recognition")
    form = TryItForm(request.POST or None, request.FILES or None, deployments=deployments)
    result = error = None
    if request.method == "POST" and form.is_valid():
        deployment = deployment_get_for_user(user=request.user,
                                             deployment_id=form.cleaned_data["deployment"])
        require(request.user, "deployment.try_recognition", deployment)
        try:
            result = recognition_verify(
                caller=Caller(deployment=deployment, api_key=None),
                subject_ref=form.cleaned_data["subject_ref"],
                purpose=form.cleaned_data["purpose"], image=form.cleaned_data["image"].read())
        except DomainError as exc:
            error = exc
    return render(request, "recognition/try_it.html",
                  {"form": form, "result": result, "error": error})


@persona_required(Persona.CITIZEN)
def my_events(request: HttpRequest) -> HttpResponse:
    return render(request, "recognition/my_events.html",
                  {"events": events_for_citizen(user=request.user)[:500]})


@persona_required(Persona.ENTERPRISE)
def confirmations(request: HttpRequest) -> HttpResponse:
    """The two-person review queue: confirm or reject each match before anyone acts on it."""
    if request.method == "POST":
        confirmation = confirmation_get_for_user(
            user=request.user, confirmation_id=int(request.POST.get("confirmation", 0)))
        try:
            match_confirm(confirmation=confirmation, actor=request.user,
                          agree=request.POST.get("decision") == "confirm")
        except DomainError as exc:
            messages.error(request, exc.detail)
        return redirect("recognition-confirmations")
    rows = confirmation_list_for_user(user=request.user)[:200]
    return render(request, "recognition/confirmations.html", {"confirmations": rows})


@persona_required(Persona.PLATFORM_STAFF)
def gallery_shards(request: HttpRequest) -> HttpResponse:
    """The shard map: which shard worker holds which part of which gallery, how fresh and how
    big, against the plan (each deployment's parts and their queues)."""
    from django.conf import settings

    from recognition.selectors.shards import shard_map

    return render(request, "recognition/gallery_shards.html", {
        "map": shard_map(), "shards": settings.FACEGOV_GALLERY_SHARDS,
        "memory_mb": settings.FACEGOV_SHARD_MEMORY_MB,
        "timeout": settings.FACEGOV_SHARD_TIMEOUT})
