"""Citizens' rights requests: filing, the deadline, one extension, and the answers.

States: received → in_progress → fulfilled | rejected; `extended` once (with a reason the
citizen is told); `overdue` set by the sweep when the due time passes unanswered. Every
change appends a RightsRequestEvent in the same transaction.
"""

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import DomainError, InvalidTransition
from governance.models import (
    Deployment,
    ProcessingRestriction,
    RequestState,
    RequestType,
    RightsRequest,
    RightsRequestEvent,
    SubjectLink,
)
from governance.models.rights import EXPORT_TYPES
from governance.permissions import require
from governance.platform.deadlines import DeadlineKind, due_for
from governance.platform.notifications import Text, notify
from governance.purge import PurgeReason, subject_purge_schedule
from governance.services.consent import actor_label
from governance.services.policy import consent_facts_changed

OVERDUE_BATCH_SIZE = 500
ANSWERABLE = {RequestState.RECEIVED, RequestState.IN_PROGRESS, RequestState.EXTENDED,
              RequestState.OVERDUE}
NEEDS_DETAILS = {RequestType.CORRECTION, RequestType.EXPLANATION, RequestType.RESTRICTION}


def rights_request_event(*, request: RightsRequest, actor: Any, note: str = ""
                         ) -> RightsRequestEvent:
    return RightsRequestEvent.objects.create(request=request, state=request.state, note=note,
                                             actor=actor_label(actor), at=timezone.now())


def _transition(request: RightsRequest, allowed: set[str], target: str) -> None:
    if request.state not in allowed:
        raise InvalidTransition(_("A request that is %(state)s cannot become %(target)s.") % {
            "state": request.get_state_display().lower(),
            "target": RequestState(target).label.lower()})
    request.state = target


def _lock(request: RightsRequest) -> RightsRequest:
    return (RightsRequest.objects.select_for_update()
            .select_related("deployment__organisation", "citizen").get(pk=request.pk))


def _tell_citizen(request: RightsRequest, subject: Text, text: Text) -> None:
    """In-app always, by mail too when the citizen gave an address (sent after commit)."""
    notify(recipient=request.citizen, subject=subject, body=text,
           link=reverse("citizen-request-detail", args=[request.id]))


@transaction.atomic
def rights_request_file(*, citizen: Any, deployment: Deployment, type: str,
                        details: str = "") -> RightsRequest:
    require(citizen, "rights_request.file", deployment)
    if type not in RequestType.values:
        raise DomainError(_("Unknown request type %(type)r.") % {"type": type}, code="invalid_type")
    if type in NEEDS_DETAILS and not details.strip():
        raise DomainError(_("Say what should be corrected, explained or restricted."),
                          code="details_required")
    now = timezone.now()
    refs = sorted(SubjectLink.objects.filter(citizen=citizen, deployment=deployment)
                  .values_list("subject_ref", flat=True))
    request = RightsRequest.objects.create(
        citizen=citizen, deployment=deployment, subject_refs=refs, type=type,
        details=details.strip(), received_at=now,
        due_at=due_for(DeadlineKind.RIGHTS_REQUEST, now, jurisdiction=deployment.jurisdiction))
    rights_request_event(request=request, actor=citizen, note="Request received.")
    return request


@transaction.atomic
def rights_request_start(*, request: RightsRequest, actor: Any) -> RightsRequest:
    request = _lock(request)
    require(actor, "rights_request.handle", request)
    _transition(request, {RequestState.RECEIVED}, RequestState.IN_PROGRESS)
    request.save(update_fields=["state"])
    rights_request_event(request=request, actor=actor, note=_("Work on the request started."))
    return request


@transaction.atomic
def rights_request_extend(*, request: RightsRequest, actor: Any, reason: str) -> RightsRequest:
    """One extension, before the deadline, with a reason the citizen is told; its length is the
    deployment's pack's (GDPR Art. 12(3): two further months; elsewhere the platform's)."""
    request = _lock(request)
    require(actor, "rights_request.handle", request)
    if not reason.strip():
        raise DomainError(_("An extension needs its reason; the citizen is told."),
                          code="reason_required")
    if request.extended_at:
        raise InvalidTransition(_("A request can be extended only once."), code="already_extended")
    _transition(request, {RequestState.RECEIVED, RequestState.IN_PROGRESS},
                RequestState.EXTENDED)
    request.extended_at, request.extension_reason = timezone.now(), reason.strip()
    request.due_at = due_for(DeadlineKind.RIGHTS_REQUEST_EXTENSION, request.due_at,
                             jurisdiction=request.deployment.jurisdiction)
    request.save(update_fields=["state", "extended_at", "extension_reason", "due_at"])
    note = f"Extended to {request.due_at:%Y-%m-%d}: {request.extension_reason}"
    rights_request_event(request=request, actor=actor, note=note)
    _tell_citizen(request, lambda: _("Your request to FaceGov was extended"), note)
    return request


@transaction.atomic
def rights_request_fulfil(*, request: RightsRequest, actor: Any,
                          response: str = "") -> RightsRequest:
    """Answer the request. Access and portability are answered by an export that a Celery
    task builds after commit (it marks the request fulfilled); deletion runs the purge hook."""
    from governance.tasks import rights_export_task

    request = _lock(request)
    require(actor, "rights_request.handle", request)
    if request.state not in ANSWERABLE:
        raise InvalidTransition(_("A request that is %(state)s cannot be answered.")
            % {"state": request.get_state_display().lower()})
    if request.type in EXPORT_TYPES:
        request.state = RequestState.IN_PROGRESS
        request.response = response.strip()
        request.save(update_fields=["state", "response"])
        rights_request_event(request=request, actor=actor, note=_("Preparing your download."))
        transaction.on_commit(partial(rights_export_task.delay, request.id))
        return request
    if request.type != RequestType.DELETION and not response.strip():
        raise DomainError(_("Write the answer the citizen will read."), code="response_required")
    if request.type == RequestType.DELETION:
        for subject_ref in request.subject_refs:
            subject_purge_schedule(deployment=request.deployment, subject_ref=subject_ref,
                                   reason=PurgeReason.DELETION_REQUEST)
        response = response.strip() or _("Your data in this deployment is being deleted.")
    if request.type == RequestType.RESTRICTION:
        _restrict(request)
    request = _close(request, actor=actor, state=RequestState.FULFILLED, response=response)
    _tell_citizen(request, lambda: _("Your request to FaceGov was answered"), request.response)
    return request


def _restrict(request: RightsRequest) -> None:
    """Granting a restriction puts it in force for each of the person's pseudonyms there
    (those named at filing and any linked since); the policy gate refuses from now on."""
    refs = set(request.subject_refs) | set(
        SubjectLink.objects.filter(citizen=request.citizen, deployment=request.deployment)
        .values_list("subject_ref", flat=True))
    in_force = set(ProcessingRestriction.objects.filter(
        deployment=request.deployment, subject_ref__in=refs, lifted_at__isnull=True)
        .values_list("subject_ref", flat=True))
    now = timezone.now()
    ProcessingRestriction.objects.bulk_create(
        ProcessingRestriction(request=request, deployment=request.deployment, subject_ref=ref,
                              started_at=now)
        for ref in sorted(refs - in_force))
    for ref in refs - in_force:  # bulk_create sends no signal: the gate's cache must know
        consent_facts_changed(deployment_id=request.deployment_id, subject_ref=ref)


@transaction.atomic
def rights_restriction_lift(*, request: RightsRequest, actor: Any,
                            reason: str) -> RightsRequest:
    """End a granted restriction, with its reason, which the person is told (GDPR Art.
    18(3)); recognition of them is possible again from the next call."""
    request = _lock(request)
    require(actor, "rights_request.handle", request)
    if not reason.strip():
        raise DomainError(_("Say why the restriction ends; the person is told."),
                          code="reason_required")
    in_force = ProcessingRestriction.objects.select_for_update().filter(
        request=request, lifted_at__isnull=True)
    if request.type != RequestType.RESTRICTION or not in_force.exists():
        raise InvalidTransition(_("No restriction of this request is in force."),
                                code="restriction_not_in_force")
    lifted = list(in_force.values_list("deployment_id", "subject_ref"))
    in_force.update(lifted_at=timezone.now(), lift_reason=reason.strip(),
                    lifted_by=actor_label(actor))
    for deployment_id, subject_ref in lifted:  # update() sends no signal
        consent_facts_changed(deployment_id=deployment_id, subject_ref=subject_ref)
    note = _("Restriction lifted: %(reason)s") % {"reason": reason.strip()}
    rights_request_event(request=request, actor=actor, note=note)
    _tell_citizen(request, lambda: _("The restriction you asked for was lifted"), note)
    return request


def _close(request: RightsRequest, *, actor: Any, state: str, response: str = "",
           note: str = "") -> RightsRequest:
    request.state, request.closed_at = state, timezone.now()
    request.response = response.strip()
    request.save(update_fields=["state", "closed_at", "response", "rejection_reason",
                                "court_route"])
    rights_request_event(request=request, actor=actor, note=note or request.response)
    return request


@transaction.atomic
def rights_request_mark_fulfilled_by_export(*, request_id: int) -> RightsRequest:
    """Called by the export service once the download exists; idempotent."""
    request = _lock(RightsRequest(pk=request_id))
    if request.state == RequestState.FULFILLED:
        return request
    request = _close(request, actor=None, state=RequestState.FULFILLED,
                     response=request.response or _("Your download is ready for 7 days."))
    _tell_citizen(request, lambda: _("Your download from FaceGov is ready"), request.response)
    return request


@transaction.atomic
def rights_request_reject(*, request: RightsRequest, actor: Any, reason: str,
                          court_route: str) -> RightsRequest:
    """PIPL Art. 50: a refusal states its reasons and the route to court."""
    request = _lock(request)
    require(actor, "rights_request.handle", request)
    if not reason.strip() or not court_route.strip():
        raise DomainError(_("A rejection needs its reasons and the route to court."),
                          code="reasons_required")
    if request.state not in ANSWERABLE:
        raise InvalidTransition(_("A request that is %(state)s cannot be rejected.")
            % {"state": request.get_state_display().lower()})
    request.rejection_reason, request.court_route = reason.strip(), court_route.strip()
    request = _close(request, actor=actor, state=RequestState.REJECTED,
                     note=f"Rejected: {request.rejection_reason}")
    _tell_citizen(request, lambda: _("Your request to FaceGov was rejected"),
                  lambda: _("Reasons: %(reasons)s\nRoute to court: %(court)s")
                  % {"reasons": request.rejection_reason, "court": request.court_route})
    return request


def rights_requests_mark_overdue(*, now: dt.datetime | None = None) -> int:
    """The sweep: open requests past their due time become overdue (one transaction each)."""
    now = now or timezone.now()
    late = RightsRequest.objects.filter(
        state__in=[RequestState.RECEIVED, RequestState.IN_PROGRESS, RequestState.EXTENDED],
        due_at__lt=now).values_list("id", flat=True)[:OVERDUE_BATCH_SIZE]
    return sum(_mark_overdue(request_id=i, now=now) for i in list(late))


@transaction.atomic
def _mark_overdue(*, request_id: int, now: dt.datetime) -> bool:
    request = _lock(RightsRequest(pk=request_id))
    if request.state not in ANSWERABLE or request.state == RequestState.OVERDUE \
            or request.due_at >= now:
        return False
    request.state = RequestState.OVERDUE
    request.save(update_fields=["state"])
    rights_request_event(request=request, actor=None, note=_("The deadline passed unanswered."))
    return True
