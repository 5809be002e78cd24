"""Access-checked reads of the recognition room."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from governance.errors import NotFound
from governance.models import Deployment
from governance.permissions import can
from governance.selectors.deployments import deployments_permitting
from governance.selectors.records import citizen_links
from recognition.models import (
    ApiKey,
    MatchConfirmation,
    RecognitionEvent,
    Template,
    VaultSubject,
)


def api_key_list_for_deployment(*, user: Any, deployment: Deployment) -> QuerySet[ApiKey]:
    if not can(user, "deployment.manage_api_keys", deployment):
        return ApiKey.objects.none()
    return ApiKey.objects.filter(deployment=deployment)


def api_key_get_for_user(*, user: Any, api_key_id: int) -> ApiKey:
    api_key = ApiKey.objects.select_related("deployment").filter(id=api_key_id).first()
    if api_key is None or not can(user, "deployment.manage_api_keys", api_key.deployment):
        raise NotFound(_("No such API key."))
    return api_key


def subject_list_for_deployment(*, user: Any, deployment: Deployment) -> QuerySet[VaultSubject]:
    """Who is enrolled (refs and dates only — never template bytes)."""
    if not can(user, "deployment.view_recognition", deployment):
        return VaultSubject.objects.none()
    return deployment.vault_subjects.order_by("-enrolled_at")


def event_list_for_user(*, user: Any) -> QuerySet[RecognitionEvent]:
    """Events of every deployment the user may see the recognition activity of."""
    deployments = [d.id for d in deployments_permitting(user=user,
                                                        action="deployment.view_recognition")]
    return RecognitionEvent.objects.filter(deployment_id__in=deployments).select_related(
        "deployment", "api_key")


def events_for_citizen(*, user: Any) -> QuerySet[RecognitionEvent]:
    """Every event that names or matched one of the citizen's linked subjects."""
    links = citizen_links(citizen=user)
    q = Q(pk__in=[])
    for link in links:
        q |= Q(deployment_id=link.deployment_id, subject_ref=link.subject_ref)
        q |= Q(deployment_id=link.deployment_id, matches__subject_ref=link.subject_ref)
    return (RecognitionEvent.objects.filter(q).distinct()
            .select_related("deployment__organisation", "device").order_by("-recorded_at"))


def event_rows_for_subject(*, deployment_id: int, subject_ref: str) -> list[dict[str, Any]]:
    """The person's recognition events, JSON-ready, for "my records" and access exports."""
    events = (RecognitionEvent.objects
              .filter(Q(subject_ref=subject_ref) | Q(matches__subject_ref=subject_ref),
                      deployment_id=deployment_id).distinct().order_by("sequence"))
    return [{"deployment_id": deployment_id, "sequence": e.sequence,
             "time": e.recorded_at.isoformat(), "operation": e.operation, "purpose": e.purpose,
             "operation_label": str(e.get_operation_display()),
             "outcome_label": str(e.get_outcome_display()),
             "outcome": e.outcome, "refusal_code": e.refusal_code, "distance": e.distance,
             "threshold": e.threshold, "liveness": e.liveness,
             "liveness_cues": e.liveness_cues} for e in events]


def templates_held_for_subject(*, deployment_id: int, subject_ref: str) -> int:
    """How many templates the vault holds for the person (a count, never the bytes)."""
    return Template.objects.filter(subject__deployment_id=deployment_id,
                                   subject__subject_ref=subject_ref).count()


def confirmation_list_for_user(*, user: Any) -> QuerySet[MatchConfirmation]:
    """Matches awaiting (or past) two-person review, of deployments the user may confirm on."""
    deployments = [d.id for d in deployments_permitting(user=user,
                                                        action="recognition.confirm_match")]
    return (MatchConfirmation.objects.filter(deployment_id__in=deployments)
            .select_related("deployment", "first_by", "second_by").order_by("-created_at"))


def confirmation_get_for_user(*, user: Any, confirmation_id: int) -> MatchConfirmation:
    confirmation = confirmation_list_for_user(user=user).filter(id=confirmation_id).first()
    if confirmation is None:
        raise NotFound(_("No such match to confirm."))
    return confirmation
