"""Publishing a deployment's notice; a material change sends consents back for renewal."""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import DomainError
from governance.models import Consent, ConsentState, Deployment, DeploymentNotice
from governance.permissions import require
from governance.services.policy import policy_facts_changed


def consents_flag_for_renewal(*, notice: DeploymentNotice) -> int:
    """Active consents given under an older version must be renewed (PIPL Art. 14: a change
    of purpose or method needs new consent). Returns how many were flagged."""
    flagged = Consent.objects.filter(
        deployment_id=notice.deployment_id, state=ConsentState.ACTIVE,
        notice_version__lt=notice.version, needs_renewal=False,
    ).update(needs_renewal=True)
    # update() sends no signal: retire the gate's cached consents of the whole deployment.
    policy_facts_changed(deployment_id=notice.deployment_id)
    return flagged


@transaction.atomic
def deployment_notice_publish(*, deployment: Deployment, actor: Any, text: str,
                              language: str = "en",
                              is_material_change: bool = True) -> DeploymentNotice:
    """Publish the next notice version on behalf of `actor`."""
    require(actor, "consent.publish_notice", deployment)
    deployment = Deployment.objects.select_for_update().get(pk=deployment.pk)
    return notice_publish(deployment=deployment, text=text, language=language,
                          is_material_change=is_material_change)


def notice_publish(*, deployment: Deployment, text: str, language: str = "en",
                   is_material_change: bool = True) -> DeploymentNotice:
    """The one way a notice version is published (the registry's create/update call it too).
    The caller has checked permission and holds the deployment's row lock. The first notice
    is always material; a material change sends consents back for renewal."""
    if not text.strip():
        raise DomainError(_("The notice needs its text."), code="notice_text_required")
    latest = deployment.notices.aggregate(latest=Max("version"))["latest"] or 0
    material = is_material_change or latest == 0
    notice = DeploymentNotice.objects.create(
        deployment=deployment, version=latest + 1, language=language, text=text.strip(),
        is_material_change=material, published_at=timezone.now())
    if material:
        consents_flag_for_renewal(notice=notice)
    return notice
