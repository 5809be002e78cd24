"""Access-checked reads of the recognition room."""

from typing import Any

from django.db.models import QuerySet

from governance.errors import NotFound
from governance.models import Deployment
from governance.permissions import can
from governance.selectors.deployments import deployment_list_for_user
from recognition.models import ApiKey, RecognitionEvent, VaultSubject


def api_key_list_for_deployment(*, user: Any, deployment: Deployment) -> QuerySet[ApiKey]:
    if not can(user, "deployment.manage_api_keys", deployment):
        return ApiKey.objects.none()
    return ApiKey.objects.filter(deployment=deployment)


def api_key_get_for_user(*, user: Any, api_key_id: int) -> ApiKey:
    api_key = ApiKey.objects.select_related("deployment").filter(id=api_key_id).first()
    if api_key is None or not can(user, "deployment.manage_api_keys", api_key.deployment):
        raise NotFound("No such API key.")
    return api_key


def subject_list_for_deployment(*, user: Any, deployment: Deployment) -> QuerySet[VaultSubject]:
    """Who is enrolled (refs and dates only — never template bytes)."""
    if not can(user, "deployment.view_recognition", deployment):
        return VaultSubject.objects.none()
    return deployment.vault_subjects.order_by("-enrolled_at")


def event_list_for_user(*, user: Any) -> QuerySet[RecognitionEvent]:
    """Events of every deployment the user may see the recognition activity of."""
    deployments = [d.id for d in deployment_list_for_user(user=user)
                   if can(user, "deployment.view_recognition", d)]
    return RecognitionEvent.objects.filter(deployment_id__in=deployments).select_related(
        "deployment", "api_key")
