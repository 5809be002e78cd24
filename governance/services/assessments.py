"""Impact assessments: answer the questionnaire, compute the risk, lock on submit."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import acting_as
from governance.compliance import questionnaire
from governance.errors import InvalidTransition
from governance.models import Deployment, DeploymentStatus, ImpactAssessment
from governance.models.assessments import RETENTION_YEARS
from governance.permissions import require

KEEP_FOR = dt.timedelta(days=365 * RETENTION_YEARS + 1)  # "at least three years", leap day incl.


@transaction.atomic
def impact_assessment_save(*, deployment: Deployment, actor: Any,
                           answers: Mapping[str, Any]) -> ImpactAssessment:
    """Save answers to the open version, or start a new version when the latest is locked.
    The assessment is complete when every question and section summary is answered."""
    require(actor, "deployment.manage", deployment)
    if deployment.status == DeploymentStatus.DECOMMISSIONED:
        raise InvalidTransition(_("A decommissioned deployment is not assessed any more."))
    latest = (ImpactAssessment.objects.select_for_update().filter(deployment=deployment)
              .order_by("-version").first())
    now = timezone.now()
    if latest is None or latest.is_locked:
        latest = ImpactAssessment(deployment=deployment,
                                  version=(latest.version + 1) if latest else 1,
                                  keep_until=now + KEEP_FOR)
    cleaned, missing = questionnaire.clean_answers(dict(answers))
    latest.answers = cleaned
    latest.author = actor
    latest.score = questionnaire.score(deployment, cleaned)
    latest.risk_level = questionnaire.risk_level(latest.score) if not missing else ""
    latest.completed_at = None if missing else now
    with acting_as(actor):
        latest.save()
    return latest


def impact_assessment_missing(assessment: ImpactAssessment | None) -> list[str]:
    """The questions still unanswered (all of them when there is no assessment yet)."""
    return questionnaire.clean_answers(assessment.answers if assessment else {})[1]


def impact_assessment_lock(*, assessment: ImpactAssessment, at: dt.datetime,
                           actor: Any) -> ImpactAssessment:
    """Freeze the version a submission rests on; keep it three years from now on.
    Called inside the submit transaction."""
    if assessment.is_locked:
        return assessment
    assessment.locked_at = at
    assessment.keep_until = max(assessment.keep_until, at + KEEP_FOR)
    with acting_as(actor):
        assessment.save(update_fields=["locked_at", "keep_until", "updated_at"])
    return assessment
