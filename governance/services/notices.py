"""Publishing a deployment's notice; a material change sends consents back for renewal."""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from governance.errors import DomainError
from governance.models import Consent, ConsentState, Deployment, DeploymentNotice
from governance.permissions import require


def consents_flag_for_renewal(*, notice: DeploymentNotice) -> int:
    """Active consents given under an older version must be renewed (PIPL Art. 14: a change
    of purpose or method needs new consent). Returns how many were flagged."""
    return Consent.objects.filter(
        deployment_id=notice.deployment_id, state=ConsentState.ACTIVE,
        notice_version__lt=notice.version, needs_renewal=False,
    ).update(needs_renewal=True)


@transaction.atomic
def deployment_notice_publish(*, deployment: Deployment, actor: Any, text: str,
                              language: str = "en",
                              is_material_change: bool = True) -> DeploymentNotice:
    """Publish the next notice version. The registry's lifecycle may publish notices too; it
    should call `consents_flag_for_renewal` for a material change, as this does."""
    require(actor, "consent.publish_notice", deployment)
    if not text.strip():
        raise DomainError("The notice needs its text.", code="notice_text_required")
    deployment = Deployment.objects.select_for_update().get(pk=deployment.pk)
    latest = deployment.notices.aggregate(latest=Max("version"))["latest"] or 0
    notice = DeploymentNotice.objects.create(
        deployment=deployment, version=latest + 1, language=language, text=text.strip(),
        is_material_change=is_material_change, published_at=timezone.now())
    if is_material_change:
        consents_flag_for_renewal(notice=notice)
    return notice
