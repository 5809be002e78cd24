"""The complaint channel's permission rules, registered in governance's one permission module.

A case is handled by the regulator it is assigned to (and by nationwide regulators); an
unassigned case by every regulator, so that nobody is silenced. The complainant sees their
own case; the respondent enterprise only what the regulator forwarded; a tipster is no user at
all (the receipt opens the tip, complaints/selectors/tips.py).
"""

from typing import Any

from django.db.models import Q, QuerySet

from governance.models import Organisation, OrganisationKind, Role
from governance.permissions import (
    REGULATOR_DECIDERS,
    has_role,
    is_citizen,
    organisations_of,
    rule,
)

# Who answers for the enterprise: the same people who handle citizens' rights requests.
RESPONDENT_STAFF = {Role.ADMIN, Role.PRIVACY_OFFICER}


def regulators_of(user: Any, roles: set[str] = REGULATOR_DECIDERS) -> QuerySet[Organisation]:
    return organisations_of(user, kind=OrganisationKind.REGULATOR, roles=roles)


def handled_q(user: Any, roles: set[str] = REGULATOR_DECIDERS) -> Q | None:
    """Which cases the user's regulators handle, as a filter on Complaint; None: none."""
    regulators = list(regulators_of(user, roles))
    if not regulators:
        return None
    if any(r.region == "" for r in regulators):
        return Q(pk__isnull=False)  # a nationwide regulator handles every case
    return Q(regulator__in=regulators) | Q(regulator__isnull=True)


def _handles(user: Any, complaint: Any, roles: set[str] = REGULATOR_DECIDERS) -> bool:
    q = handled_q(user, roles)
    return q is not None and type(complaint).objects.filter(q, pk=complaint.pk).exists()


@rule("complaint.file")
def _file(user: Any, _: Any) -> bool:
    return is_citizen(user)


@rule("complaint.handle")
def _handle(user: Any, complaint: Any) -> bool:
    """Read everything but the identity, triage, message both sides, forward, suspend."""
    return _handles(user, complaint)


@rule("complaint.view_own")
def _view_own(user: Any, complaint: Any) -> bool:
    return complaint.complainant_id is not None and complaint.complainant_id == user.id


@rule("complaint.respond")
def _respond(user: Any, complaint: Any) -> bool:
    """The respondent's staff: what was forwarded, and their channel with the regulator."""
    return (complaint.respondent_id is not None and complaint.forwarded_at is not None
            and has_role(user, complaint.respondent, RESPONDENT_STAFF))


@rule("complaint.reveal_decide")
def _reveal_decide(user: Any, complaint: Any) -> bool:
    return _handles(user, complaint, {Role.SUPERVISOR})


@rule("guidance.publish")
def _guidance_publish(user: Any, _: Any) -> bool:
    return regulators_of(user).exists()


@rule("consultation.ask")
def _consultation_ask(user: Any, enterprise: Organisation) -> bool:
    return (enterprise.kind == OrganisationKind.ENTERPRISE
            and has_role(user, enterprise, RESPONDENT_STAFF))


@rule("consultation.answer")
def _consultation_answer(user: Any, consultation: Any) -> bool:
    return regulators_of(user).filter(id=consultation.regulator_id).exists()
