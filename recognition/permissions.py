"""Recognition's permission rules, registered in governance's one permission module."""

from typing import Any

from governance.models import Deployment, Role
from governance.permissions import enterprises_covered_by, has_role, regulates, rule


@rule("deployment.manage_api_keys")
def _manage_api_keys(user: Any, deployment: Deployment) -> bool:
    return has_role(user, deployment.organisation, {Role.ADMIN})


@rule("deployment.view_recognition")
def _view_recognition(user: Any, deployment: Deployment) -> bool:
    """The operator's staff, and regulators with a mandate over it (never template bytes)."""
    if has_role(user, deployment.organisation, {Role.ADMIN, Role.PRIVACY_OFFICER,
                                                  Role.OPERATOR}):
        return True
    return enterprises_covered_by(user).filter(id=deployment.organisation_id).exists()


@rule("deployment.try_recognition")
def _try_recognition(user: Any, deployment: Deployment) -> bool:
    return has_role(user, deployment.organisation, {Role.ADMIN, Role.OPERATOR})


@rule("recognition.confirm_match")
def _confirm_match(user: Any, deployment: Deployment) -> bool:
    """The operator's own staff review matches; a regulator sees them but does not act."""
    return has_role(user, deployment.organisation, {Role.ADMIN, Role.PRIVACY_OFFICER,
                                                     Role.OPERATOR})


# --- accuracy and fairness evaluations ---------------------------------------------------------
# The deployment's enterprise (its managers) and the regulators whose mandate covers it run and
# read evaluations; the closest impostor pairs name people of the owner's set, so only the
# owner's staff see them.


@rule("evaluation.run")
def _evaluation_run(user: Any, deployment: Deployment) -> bool:
    return (has_role(user, deployment.organisation, {Role.ADMIN, Role.PRIVACY_OFFICER})
            or regulates(user, deployment.organisation))


@rule("evaluation.view")
def _evaluation_view(user: Any, deployment: Deployment) -> bool:
    return (has_role(user, deployment.organisation, {Role.ADMIN, Role.PRIVACY_OFFICER,
                                                       Role.OPERATOR})
            or regulates(user, deployment.organisation))


@rule("evaluation.view_closest_pairs")
def _evaluation_view_closest(user: Any, deployment: Deployment) -> bool:
    return has_role(user, deployment.organisation, {Role.ADMIN, Role.PRIVACY_OFFICER})


@rule("leak.handle")
def _leak_handle(user: Any, obj: Any) -> bool:
    """Leak tracing (issue 15) is the regulator's: open leak cases, plant canaries, intercept.
    With a deployment, only a regulator whose mandate covers it; with a leak case, a decider of
    the regulator that opened it. Never the enterprise (it cannot see or count canaries)."""
    from governance.models import OrganisationKind
    from governance.permissions import REGULATOR_DECIDERS, organisations_of

    regulators = organisations_of(user, kind=OrganisationKind.REGULATOR,
                                  roles=REGULATOR_DECIDERS)
    if obj is None:
        return regulators.exists()
    if isinstance(obj, Deployment):
        return regulates(user, obj.organisation)
    return regulators.filter(id=getattr(obj, "regulator_id", None)).exists()


# --- edge devices ------------------------------------------------------------------------------


@rule("deployment.manage_devices")
def _manage_devices(user: Any, deployment: Deployment) -> bool:
    return has_role(user, deployment.organisation, {Role.ADMIN})
