"""What the deployment pages share: access-checked fetching and showing refusals.

NotFound and NotPermitted need no handling here: DomainErrorPagesMiddleware renders them."""


from django.contrib import messages
from django.http import HttpRequest

from governance.errors import DomainError, NotFound, NotPermitted, RuleViolations
from governance.models import Deployment
from governance.selectors.deployments import deployment_get_for_user


def get_deployment(request: HttpRequest, deployment_id: int) -> Deployment:
    return deployment_get_for_user(user=request.user, deployment_id=deployment_id)


def report(request: HttpRequest, exc: DomainError) -> list[dict[str, str]]:
    """Show a refused action; return the rule violations for the page to list."""
    if isinstance(exc, NotPermitted | NotFound):
        raise exc
    messages.error(request, exc.detail)
    return exc.extra.get("violations", []) if isinstance(exc, RuleViolations) else []
