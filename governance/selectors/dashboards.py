"""The numbers on each persona's landing page, built only from access-checked selectors."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Consent, ConsentState, DeploymentStatus, FilingStatus
from governance.models.rights import OPEN_STATES
from governance.selectors.deployments import (
    approval_queue_for_user,
    deployment_list_for_user,
    filing_list_for_user,
)
from governance.selectors.rights import rights_request_list_for_user


@dataclass(frozen=True)
class Tile:
    label: str
    value: int | str
    url_name: str = ""
    alert: bool = False  # something is late: the tile is shown as a warning


# Other apps add tiles to a persona's landing page in AppConfig.ready():
# func(*, user) -> list[Tile].
_EXTRA_TILES: dict[str, list[Callable[..., list["Tile"]]]] = {}


def register_tiles(persona: str, func: Callable[..., list["Tile"]]) -> None:
    funcs = _EXTRA_TILES.setdefault(persona, [])
    if func not in funcs:
        funcs.append(func)


def extra_tiles(persona: str, *, user: Any) -> list["Tile"]:
    return [tile for func in _EXTRA_TILES.get(persona, []) for tile in func(user=user)]


def _status_counts(user: Any) -> dict[str, int]:
    rows = deployment_list_for_user(user=user).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def _overdue_filings(user: Any) -> int:
    return filing_list_for_user(user=user).filter(status=FilingStatus.OPEN,
                                                  due_at__lt=timezone.now()).count()


def enterprise_tiles(*, user: Any) -> list[Tile]:
    from governance.permissions import Persona

    statuses = _status_counts(user)
    deployments = deployment_list_for_user(user=user)
    requests = rights_request_list_for_user(user=user).filter(state__in=OPEN_STATES)
    overdue_requests = requests.filter(due_at__lt=timezone.now()).count()
    overdue_filings = _overdue_filings(user)
    return [
        Tile(_("Active deployments"), statuses.get(DeploymentStatus.ACTIVE, 0), "deployment-list"),
        Tile(_("Awaiting approval"), statuses.get(DeploymentStatus.PENDING_APPROVAL, 0),
             "deployment-list"),
        Tile(_("Active consents"), Consent.objects.filter(
            deployment__in=deployments, state=ConsentState.ACTIVE).count(),
            "enterprise-consents"),
        Tile(_("Consents to renew"), Consent.objects.filter(
            deployment__in=deployments, state=ConsentState.ACTIVE, needs_renewal=True).count(),
            "enterprise-renewals"),
        Tile(_("Open rights requests"), requests.count(), "enterprise-requests",
             alert=overdue_requests > 0),
        Tile(_("Overdue requests"), overdue_requests, "enterprise-requests",
             alert=overdue_requests > 0),
        Tile(_("Overdue filings"), overdue_filings, "deployment-list", alert=overdue_filings > 0),
        *extra_tiles(Persona.ENTERPRISE, user=user),
    ]


def regulator_tiles(*, user: Any) -> list[Tile]:
    from governance.permissions import Persona

    statuses = _status_counts(user)
    overdue_filings = _overdue_filings(user)
    return extra_tiles(Persona.REGULATOR, user=user) + [
        Tile(_("Awaiting your approval"), approval_queue_for_user(user=user).count(),
             "regulator-approvals"),
        Tile(_("Active deployments"), statuses.get(DeploymentStatus.ACTIVE, 0), "register"),
        Tile(_("Suspended"), statuses.get(DeploymentStatus.SUSPENDED, 0), "register"),
        Tile(_("Filings due"), filing_list_for_user(user=user).filter(
            status=FilingStatus.OPEN).count(), "regulator-filings"),
        Tile(_("Overdue filings"), overdue_filings, "regulator-filings",
             alert=overdue_filings > 0),
    ]

