"""Two-person confirmation of 1:N matches (EU pack: AI Act Art. 14(5); elsewhere declared).

On a deployment that declares `two_person_confirmation`, every match an identification
returns opens a confirmation; the match may lead to action only once two different people of
the operator have confirmed it. Either reviewer may reject it, which closes it.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import DomainError, InvalidTransition
from governance.models import Deployment
from governance.permissions import require
from recognition.models import ConfirmationStatus, MatchConfirmation, RecognitionEvent


def confirmations_open(*, deployment: Deployment, event: RecognitionEvent,
                       matches: list[tuple[str, float]]) -> list[MatchConfirmation]:
    """Called inside the identification's transaction; nothing when not required."""
    if not deployment.two_person_confirmation or not matches:
        return []
    return MatchConfirmation.objects.bulk_create(
        MatchConfirmation(event=event, deployment=deployment, subject_ref=ref, distance=d)
        for ref, d in matches)


@transaction.atomic
def match_confirm(*, confirmation: MatchConfirmation, actor: Any,
                  agree: bool) -> MatchConfirmation:
    confirmation = (MatchConfirmation.objects.select_for_update()
                    .select_related("deployment__organisation").get(pk=confirmation.pk))
    require(actor, "recognition.confirm_match", confirmation.deployment)
    if confirmation.status != ConfirmationStatus.PENDING:
        raise InvalidTransition(_("This match was already decided."), code="already_decided")
    now = timezone.now()
    if not agree:
        confirmation.status = ConfirmationStatus.REJECTED
        confirmation.decided_at = now
        if confirmation.first_by is None:
            confirmation.first_by, confirmation.first_at = actor, now
        else:
            confirmation.second_by = actor
    elif confirmation.first_by is None:
        confirmation.first_by, confirmation.first_at = actor, now
    elif confirmation.first_by_id == actor.id:
        raise DomainError(_("The second confirmation must come from another person."),
                          code="same_reviewer")
    else:
        confirmation.second_by, confirmation.decided_at = actor, now
        confirmation.status = ConfirmationStatus.CONFIRMED
    confirmation.save()
    return confirmation
