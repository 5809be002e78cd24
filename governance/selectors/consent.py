"""Access-checked reads of deployments (for consent), consents and refusals.

An object the user may not see answers NotFound, exactly like one that does not exist.
"""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from governance.errors import NotFound
from governance.models import Consent, Deployment, DeploymentStatus, SealedFile
from governance.permissions import can, is_citizen, visible_enterprise_ids


def deployment_get_for_consent(*, user: Any, deployment_id: int) -> Deployment:
    """A deployment the user may record or give consent (or a refusal) to: their own
    organisation's as staff; an active one as a citizen (it is on the public register)."""
    deployment = (Deployment.objects.select_related("organisation")
                  .filter(id=deployment_id).first())
    if deployment is None:
        raise NotFound(_("No such deployment."))
    if can(user, "consent.record", deployment) or can(user, "consent.list", deployment):
        return deployment
    if is_citizen(user) and deployment.status in (DeploymentStatus.ACTIVE,
                                                  DeploymentStatus.SUSPENDED,
                                                  DeploymentStatus.DECOMMISSIONED):
        return deployment
    raise NotFound(_("No such deployment."))


def deployments_open_to_citizens() -> QuerySet[Deployment]:
    return (Deployment.objects.filter(status=DeploymentStatus.ACTIVE)
            .select_related("organisation").prefetch_related("purposes"))


def consent_get_for_user(*, user: Any, receipt_id: uuid.UUID | str) -> Consent:
    """The consent with this receipt id, if the user may see it. A receipt id that is not a
    UUID names no consent (and never reaches the database, which would refuse it)."""
    try:
        receipt = receipt_id if isinstance(receipt_id, uuid.UUID) else uuid.UUID(receipt_id)
        consent = (Consent.objects.select_related("deployment__organisation", "notice",
                                               "evidence_upload")
                   .get(receipt_id=receipt))
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such consent.")) from None
    if not can(user, "consent.view", consent):
        raise NotFound(_("No such consent."))
    return consent


def consent_evidence_get(*, consent: Consent) -> SealedFile:
    """The signed form of a consent the caller already fetched with consent_get_for_user."""
    sealed = consent.evidence_upload
    if sealed is None or sealed.is_destroyed:
        raise NotFound(_("This consent has no signed form on file."))
    return sealed


def consent_list_for_user(*, user: Any, deployment: Deployment | None = None,
                          subject_ref: str = "", needs_renewal: bool | None = None
                          ) -> QuerySet[Consent]:
    """Consent records for enterprise staff (their organisations) and regulators (their
    mandate); search by exact subject_ref."""
    organisations = visible_enterprise_ids(user)
    consents = Consent.objects.filter(deployment__organisation__in=organisations)
    if deployment is not None:
        consents = consents.filter(deployment=deployment)
    if subject_ref:
        consents = consents.filter(subject_ref=subject_ref.strip())
    if needs_renewal is not None:
        consents = consents.filter(needs_renewal=needs_renewal)
    return consents.select_related("deployment__organisation").prefetch_related("purposes")
