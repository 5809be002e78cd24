"""Recognition's view of governance's policy gate: one call per question it asks."""

from governance.models import Deployment
from governance.services.policy import (
    policy_check,
    policy_require,
    policy_require_active,
    policy_require_deployment,
)


def require_subject(*, deployment: Deployment, subject_ref: str, purpose: str,
                    operation: str, from_database: bool = False) -> None:
    """Raise PolicyRefusal unless the deployment may process this person for this purpose.
    `from_database`: past the gate's read caches (the re-check inside a write)."""
    policy_require(deployment=deployment, subject_ref=subject_ref, purpose=purpose,
                   operation=operation, from_database=from_database)


def require_deployment(*, deployment: Deployment, purpose: str) -> None:
    """For a 1:N search: the deployment is active and the purpose is one of its own."""
    policy_require_deployment(deployment=deployment, purpose=purpose)


def allows_subject(*, deployment: Deployment, subject_ref: str, purpose: str) -> bool:
    """Whether a person found by a 1:N search may be reported as a match, now."""
    return policy_check(deployment=deployment, subject_ref=subject_ref, purpose=purpose,
                        operation="identify").allowed


def require_active(*, deployment: Deployment) -> None:
    """For a device's own deletion: the deployment is active (stored status, read now)."""
    policy_require_active(deployment=deployment)
