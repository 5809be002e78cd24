"""Reads of deployments and filings, limited to what the user may see."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from governance.errors import NotFound
from governance.models import (
    ApprovalProposal,
    ChangeState,
    Deployment,
    DeploymentChange,
    DeploymentStatus,
    Filing,
    FilingStatus,
    Role,
)
from governance.permissions import (
    can,
    enterprises_audited_by,
    enterprises_covered_by,
    organisations_of,
)

DETAIL_PREFETCH = ("purposes", "retention_rules", "notices", "threshold_changes",
                   "assessments", "filings", "decisions__regulator", "events__actor",
                   "changes__requested_by", "changes__decided_by", "changes__regulator")


def deployment_list_for_user(*, user: Any) -> QuerySet[Deployment]:
    """Own organisation's deployments, those under the user's regulatory mandate, and those
    of the enterprises the user's industry body audits (the same reach as `deployment.view`)."""
    if not user.is_authenticated:
        return Deployment.objects.none()
    qs = Deployment.objects.select_related("organisation").prefetch_related("purposes")
    if user.is_superuser:
        return qs
    own = organisations_of(user, roles=set(Role.values)).values("id")
    return qs.filter(Q(organisation__in=own)
                     | Q(organisation__in=enterprises_covered_by(user).values("id"))
                     | Q(organisation__in=enterprises_audited_by(user).values("id")))


def deployments_permitting(*, user: Any, action: str) -> list[Deployment]:
    """The visible deployments on which `user` may do `action` (a rule of governance's one
    permission module): for pickers, queues and per-deployment activity lists."""
    return [d for d in deployment_list_for_user(user=user) if can(user, action, d)]


def deployment_get_for_user(*, user: Any, deployment_id: int) -> Deployment:
    """The deployment, or NotFound — also when it exists but is not the user's to see,
    so that an outsider cannot learn which ids exist."""
    try:
        return (deployment_list_for_user(user=user).prefetch_related(*DETAIL_PREFETCH)
                .get(pk=deployment_id))
    except Deployment.DoesNotExist:
        raise NotFound(_("No such deployment.")) from None


def approval_queue_for_user(*, user: Any) -> QuerySet[Deployment]:
    """Public-interest deployments waiting for this regulator's decision, oldest first."""
    return (Deployment.objects
            .filter(status=DeploymentStatus.PENDING_APPROVAL,
                    organisation__in=enterprises_covered_by(user).values("id"))
            .select_related("organisation")
            .prefetch_related("purposes", Prefetch(
                "approval_proposals", to_attr="open_proposals",
                queryset=ApprovalProposal.objects.filter(decided_at__isnull=True)
                .select_related("proposed_by")))
            .order_by("submitted_at", "id"))


def filing_list_for_user(*, user: Any) -> QuerySet[Filing]:
    """Filings of the deployments the user may see, the earliest deadline first."""
    visible = deployment_list_for_user(user=user).values("id")
    return (Filing.objects.filter(deployment__in=visible)
            .select_related("deployment__organisation").order_by("due_at", "id"))


def filing_get_for_user(*, user: Any, filing_id: int) -> Filing:
    try:
        return filing_list_for_user(user=user).get(pk=filing_id)
    except Filing.DoesNotExist:
        raise NotFound(_("No such filing.")) from None


def filings_open(qs: QuerySet[Filing]) -> QuerySet[Filing]:
    return qs.filter(status=FilingStatus.OPEN)


def change_list_for_user(*, user: Any, deployment_id: int,
                         state: str = "") -> QuerySet[DeploymentChange]:
    """The changes of a deployment the user may see (NotFound otherwise), newest first."""
    deployment = deployment_get_for_user(user=user, deployment_id=deployment_id)
    changes = (DeploymentChange.objects.filter(deployment=deployment)
               .select_related("deployment__organisation", "requested_by", "decided_by",
                               "regulator"))
    return changes.filter(state=state) if state else changes


def change_get_for_user(*, user: Any, deployment_id: int, change_id: int) -> DeploymentChange:
    try:
        return change_list_for_user(user=user, deployment_id=deployment_id).get(pk=change_id)
    except DeploymentChange.DoesNotExist:
        raise NotFound(_("No such change request.")) from None


def change_requests_pending_for_regulator(*, user: Any) -> QuerySet[DeploymentChange]:
    """Change requests waiting for a decision, of enterprises under the user's mandate."""
    return (DeploymentChange.objects
            .filter(state=ChangeState.PENDING,
                    deployment__organisation__in=enterprises_covered_by(user).values("id"))
            .select_related("deployment__organisation", "requested_by")
            .order_by("requested_at", "id"))
