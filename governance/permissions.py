"""The one place that answers "may this user do this (to this object)?".

Both the API and the pages ask `can(user, action, obj)`; services call `require(...)`, which
raises `NotPermitted`. Each action is a small rule function registered by name, so later
rooms add their actions here without touching callers.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from governance.errors import NotPermitted
from governance.models import Membership, Organisation, OrganisationKind, Role

Rule = Callable[[Any, Any], bool]
_RULES: dict[str, Rule] = {}


class Persona:
    ANONYMOUS = "anonymous"
    CITIZEN = "citizen"
    ENTERPRISE = "enterprise"
    REGULATOR = "regulator"
    INDUSTRY_BODY = "industry_body"
    PLATFORM_STAFF = "platform_staff"


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(func: Rule) -> Rule:
        if action in _RULES:
            raise ValueError(f"Permission rule {action!r} registered twice")
        _RULES[action] = func
        return func

    return register


def can(user: Any, action: str, obj: Any = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return _RULES[action](user, obj)


def require(user: Any, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise NotPermitted("You are not allowed to do this.", code="permission_denied")


# --- who is who ------------------------------------------------------------------------------


def is_citizen(user: Any) -> bool:
    return user.is_authenticated and hasattr(user, "citizen_profile")


def memberships(user: Any, *, kind: str | None = None, roles: set[str] | None = None
                ) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    qs = Membership.objects.filter(user=user).select_related("organisation")
    if kind:
        qs = qs.filter(organisation__kind=kind)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs


def organisations_of(user: Any, *, kind: str | None = None, roles: set[str] | None = None
                     ) -> QuerySet[Organisation]:
    ids = memberships(user, kind=kind, roles=roles).values("organisation_id")
    return Organisation.objects.filter(id__in=ids)


def has_role(user: Any, organisation: Organisation, roles: set[str]) -> bool:
    return memberships(user, roles=roles).filter(organisation=organisation).exists()


def personas_of(user: Any) -> list[str]:
    """Every persona the user can act as, most specific first (a landing page for each)."""
    if not user.is_authenticated:
        return [Persona.ANONYMOUS]
    found: list[str] = []
    kinds = set(memberships(user).values_list("organisation__kind", flat=True))
    for kind, persona in (
        (OrganisationKind.ENTERPRISE, Persona.ENTERPRISE),
        (OrganisationKind.REGULATOR, Persona.REGULATOR),
        (OrganisationKind.INDUSTRY_BODY, Persona.INDUSTRY_BODY),
    ):
        if kind in kinds:
            found.append(persona)
    if is_citizen(user):
        found.append(Persona.CITIZEN)
    if user.is_staff:
        found.append(Persona.PLATFORM_STAFF)
    return found


def regulator_covers(regulator: Organisation, enterprise: Organisation) -> bool:
    """A regulator's mandate: the enterprises of its region (a nationwide one has region "")."""
    return regulator.kind == OrganisationKind.REGULATOR and (
        regulator.region == "" or regulator.region == enterprise.region
    )


def enterprises_covered_by(user: Any) -> QuerySet[Organisation]:
    """Every enterprise that one of the user's regulators has a mandate over."""
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
    regions = set(organisations_of(user, kind=OrganisationKind.REGULATOR)
                  .values_list("region", flat=True))
    if not regions:
        return enterprises.none()
    if "" in regions:
        return enterprises
    return enterprises.filter(region__in=regions)


def enterprises_audited_by(user: Any) -> QuerySet[Organisation]:
    """The member enterprises of every industry body the user belongs to."""
    bodies = organisations_of(user, kind=OrganisationKind.INDUSTRY_BODY)
    return Organisation.objects.filter(industry_bodies__industry_body__in=bodies).distinct()


# --- rules -----------------------------------------------------------------------------------


@rule("organisation.view")
def _organisation_view(user: Any, organisation: Organisation) -> bool:
    if user.is_superuser or has_role(user, organisation, set(Role.values)):
        return True
    if organisation.kind != OrganisationKind.ENTERPRISE:
        return False
    return (
        enterprises_covered_by(user).filter(id=organisation.id).exists()
        or enterprises_audited_by(user).filter(id=organisation.id).exists()
    )


@rule("organisation.manage_members")
def _organisation_manage_members(user: Any, organisation: Organisation) -> bool:
    managers = {Role.ADMIN, Role.SUPERVISOR, Role.SECRETARIAT}
    return user.is_superuser or has_role(user, organisation, managers)


# --- deployments, assessments, filings (deployment registry) ---------------------------------
# Managing a deployment is for the enterprise's admins and privacy officers; operators run the
# gates but do not change what is declared. Decisions belong to regulators whose mandate
# covers the operator; industry auditors may read their members' deployments.

DEPLOYMENT_MANAGERS = {Role.ADMIN, Role.PRIVACY_OFFICER}
REGULATOR_DECIDERS = {Role.INSPECTOR, Role.SUPERVISOR}


def regulates(user: Any, enterprise: Organisation) -> bool:
    """The user decides for a regulator whose mandate covers the enterprise."""
    regulators = organisations_of(user, kind=OrganisationKind.REGULATOR, roles=REGULATOR_DECIDERS)
    return any(regulator_covers(regulator, enterprise) for regulator in regulators)


@rule("deployment.view")
def _deployment_view(user: Any, deployment: Any) -> bool:
    owner = deployment.organisation
    return (
        user.is_superuser
        or has_role(user, owner, set(Role.values))
        or regulates(user, owner)
        or enterprises_audited_by(user).filter(id=owner.id).exists()
    )


@rule("deployment.create")
def _deployment_create(user: Any, organisation: Organisation) -> bool:
    return (organisation.kind == OrganisationKind.ENTERPRISE
            and has_role(user, organisation, DEPLOYMENT_MANAGERS))


@rule("deployment.manage")
def _deployment_manage(user: Any, deployment: Any) -> bool:
    """Edit, assess, submit, decommission and file for the deployment."""
    return has_role(user, deployment.organisation, DEPLOYMENT_MANAGERS)


@rule("deployment.decide")
def _deployment_decide(user: Any, deployment: Any) -> bool:
    """Approve, reject, suspend and resume; acknowledge filings."""
    return regulates(user, deployment.organisation)
