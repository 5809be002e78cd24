"""The event rows that record each change of a deployment, built in one place."""

from typing import Any

from governance.models import Deployment, DeploymentEvent


def deployment_event_record(*, deployment: Deployment, action: str, from_status: str,
                            actor: Any, reason: str = "") -> DeploymentEvent:
    """Append the event; call inside the transaction that made the change."""
    return DeploymentEvent.objects.create(
        deployment=deployment, action=action, from_status=from_status,
        to_status=deployment.status, reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None)
