"""The one place that answers "may this user do this (to this object)?".

Both the API and the pages ask `can(user, action, obj)`; services call `require(...)`, which
raises `NotPermitted`. Each action is a small rule function registered by name, so later
rooms add their actions here without touching callers.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

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
        raise NotPermitted(_("You are not allowed to do this."), code="permission_denied")


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


def must_use_two_factor(user: Any) -> bool:
    """Who must sign in with a second factor when FACEGOV_REQUIRE_2FA is on: regulators,
    enterprise administrators and superusers (whoever can approve, suspend, or change who
    may act for an organisation)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (memberships(user, kind=OrganisationKind.REGULATOR).exists()
            or memberships(user, kind=OrganisationKind.ENTERPRISE, roles={Role.ADMIN}).exists())


def regulator_covers(regulator: Organisation, enterprise: Organisation) -> bool:
    """A regulator's mandate: the enterprises of its region (a nationwide one has region ""),
    never beyond its jurisdiction (a Chinese regulator does not oversee an EU operator)."""
    return (regulator.kind == OrganisationKind.REGULATOR
            and regulator.jurisdiction == enterprise.jurisdiction
            and (regulator.region == "" or regulator.region == enterprise.region))


def enterprises_covered_by(user: Any) -> QuerySet[Organisation]:
    """Every enterprise that one of the user's regulators has a mandate over."""
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
    mandates = set(organisations_of(user, kind=OrganisationKind.REGULATOR)
                   .values_list("jurisdiction", "region"))
    if not mandates:
        return enterprises.none()
    covered = Q()
    for jurisdiction, region in mandates:
        covered |= (Q(jurisdiction=jurisdiction, region=region) if region
                    else Q(jurisdiction=jurisdiction))
    return enterprises.filter(covered)


def enterprises_audited_by(user: Any) -> QuerySet[Organisation]:
    """The member enterprises of every industry body the user belongs to (accepted members
    only: an applicant or a former member is no longer the body's to audit)."""
    bodies = organisations_of(user, kind=OrganisationKind.INDUSTRY_BODY)
    return Organisation.objects.filter(industry_bodies__industry_body__in=bodies,
                                       industry_bodies__status="active").distinct()


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
    """Reject, suspend and resume; acknowledge filings; propose an approval."""
    return regulates(user, deployment.organisation)


REGULATOR_APPROVERS = {Role.SUPERVISOR}


@rule("deployment.approve")
def _deployment_approve(user: Any, deployment: Any) -> bool:
    """The second pair of eyes on a public-interest approval: a supervisor of a regulator
    whose mandate covers the operator (the proposer is someone else, see services.approvals)."""
    regulators = organisations_of(user, kind=OrganisationKind.REGULATOR,
                                  roles=REGULATOR_APPROVERS)
    return any(regulator_covers(r, deployment.organisation) for r in regulators)
# --- consent, refusals and citizens' rights requests -------------------------------------------
# Enterprise staff act for their own organisation's deployments; a regulator sees (never
# changes) what its mandate covers; a citizen sees what is linked to their own account.

ENTERPRISE_STAFF = {Role.ADMIN, Role.PRIVACY_OFFICER, Role.OPERATOR}
RIGHTS_HANDLERS = {Role.ADMIN, Role.PRIVACY_OFFICER}


def is_linked_subject(user: Any, deployment_id: int, subject_ref: str) -> bool:
    """Is `user` the citizen the deployment knows as `subject_ref`?"""
    from governance.models import SubjectLink

    return is_citizen(user) and SubjectLink.objects.filter(
        citizen=user, deployment_id=deployment_id, subject_ref=subject_ref).exists()


def visible_enterprise_ids(user: Any) -> set[int]:
    """Enterprises whose consent records and requests the user sees: staff of their own,
    regulators those of their mandate."""
    own = organisations_of(user, roles=ENTERPRISE_STAFF).values_list("id", flat=True)
    return set(own) | set(enterprises_covered_by(user).values_list("id", flat=True))


def _regulator_sees(user: Any, organisation: Organisation) -> bool:
    return enterprises_covered_by(user).filter(id=organisation.id).exists()


@rule("consent.record")
def _consent_record(user: Any, deployment: Any) -> bool:
    """Record a consent or refusal that the enterprise collected (any subject)."""
    return has_role(user, deployment.organisation, ENTERPRISE_STAFF)


@rule("consent.give_as_citizen")
def _consent_give_as_citizen(user: Any, deployment: Any) -> bool:
    """A citizen consents (or refuses) for themselves, only to a deployment that is running."""
    from governance.models import DeploymentStatus

    return is_citizen(user) and deployment.status == DeploymentStatus.ACTIVE


@rule("consent.list")
def _consent_list(user: Any, deployment: Any) -> bool:
    organisation = deployment.organisation
    return has_role(user, organisation, ENTERPRISE_STAFF) or _regulator_sees(user, organisation)


@rule("consent.view")
def _consent_view(user: Any, consent: Any) -> bool:
    return (_consent_list(user, consent.deployment)
            or is_linked_subject(user, consent.deployment_id, consent.subject_ref))


@rule("consent.change")
def _consent_change(user: Any, consent: Any) -> bool:
    """Withdraw or renew: the person themselves, or staff recording what the person said."""
    return (has_role(user, consent.deployment.organisation, ENTERPRISE_STAFF)
            or is_linked_subject(user, consent.deployment_id, consent.subject_ref))


@rule("consent.publish_notice")
def _consent_publish_notice(user: Any, deployment: Any) -> bool:
    return has_role(user, deployment.organisation, RIGHTS_HANDLERS)


@rule("rights_request.file")
def _rights_request_file(user: Any, deployment: Any) -> bool:
    """Against any deployment that has ever run: its data may outlive its operation."""
    from governance.models import DeploymentStatus

    ran = {DeploymentStatus.ACTIVE, DeploymentStatus.SUSPENDED, DeploymentStatus.DECOMMISSIONED}
    return is_citizen(user) and deployment.status in ran


@rule("rights_request.view")
def _rights_request_view(user: Any, request: Any) -> bool:
    organisation = request.deployment.organisation
    return (request.citizen_id == user.id
            or has_role(user, organisation, ENTERPRISE_STAFF)
            or _regulator_sees(user, organisation))


@rule("rights_request.handle")
def _rights_request_handle(user: Any, request: Any) -> bool:
    return has_role(user, request.deployment.organisation, RIGHTS_HANDLERS)


@rule("records.view_own")
def _records_view_own(user: Any, _: Any) -> bool:
    return is_citizen(user)


# --- retention: deletion certificates and legal holds ----------------------------------------
# Certificates are seen by the operator's staff, regulators within their mandate, and the
# citizen they are about (through the selector); holds are placed and read by regulators only.


@rule("retention.view")
def _retention_view(user: Any, deployment: Any) -> bool:
    organisation = deployment.organisation
    return (user.is_superuser or has_role(user, organisation, ENTERPRISE_STAFF)
            or _regulator_sees(user, organisation))


@rule("legal_hold.place")
def _legal_hold_place(user: Any, deployment: Any) -> bool:
    return regulates(user, deployment.organisation)


@rule("legal_hold.list")
def _legal_hold_list(user: Any, _: Any) -> bool:
    return organisations_of(user, kind=OrganisationKind.REGULATOR,
                            roles=REGULATOR_DECIDERS).exists()
