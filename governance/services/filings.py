"""Filings with the regulator (CN pack: CAC Measures 2025 Art. 15): opened by triggers,
submitted by the operator with the five materials, acknowledged by the regulator.

Only a pack with a filing threshold files (the Chinese one); EU and Illinois law know no such
filing, so their deployments never open one.

A filing is due 30 working days after its trigger (governance.platform.deadlines). The
initial filing opens when a running deployment reaches 100,000 people — declared or stored,
whichever comes first; a filed deployment then files its changes and its termination too.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import acting_as
from governance.compliance.packs import pack_for
from governance.errors import DomainError, InvalidTransition
from governance.models import (
    Deployment,
    DeploymentStatus,
    Filing,
    FilingKind,
    FilingStatus,
)
from governance.permissions import require
from governance.platform.deadlines import DeadlineKind, due_for


def _open(deployment: Deployment, kind: str, trigger: str) -> Filing:
    now = timezone.now()
    due = due_for(DeadlineKind.FILING, now, jurisdiction=deployment.jurisdiction)
    return Filing.objects.create(deployment=deployment, kind=kind, trigger=trigger,
                                 triggered_at=now, due_at=due)


def _threshold(deployment: Deployment) -> int | None:
    """How many stored people oblige the operator to file, under the deployment's law."""
    return pack_for(deployment.jurisdiction).filing_threshold


def _has_initial(deployment: Deployment) -> bool:
    return deployment.filings.filter(kind=FilingKind.INITIAL).exists()


def filing_open_for_activation(*, deployment: Deployment) -> Filing | None:
    """When a deployment starts running and already declares 100,000 people."""
    threshold = _threshold(deployment)
    if (threshold is None or deployment.expected_subjects < threshold
            or _has_initial(deployment)):
        return None
    return _open(deployment, FilingKind.INITIAL,
                 f"Declared {deployment.expected_subjects:,} people at activation")


@transaction.atomic
def deployment_stored_subjects_record(*, deployment: Deployment,
                                      stored_subjects: int) -> Filing | None:
    """Recognition reports how many people a deployment now stores; crossing 100,000 on a
    running deployment opens the initial filing. Returns the filing it opened, if any."""
    deployment = Deployment.objects.select_for_update().get(pk=deployment.pk)
    deployment.stored_subjects = stored_subjects
    deployment.save(update_fields=["stored_subjects", "updated_at"])
    threshold = _threshold(deployment)
    if (threshold is None or stored_subjects < threshold or _has_initial(deployment)
            or deployment.status != DeploymentStatus.ACTIVE):
        return None
    return _open(deployment, FilingKind.INITIAL, f"Stored {stored_subjects:,} people")


def filing_open_for_change(*, deployment: Deployment, changed: Iterable[str]) -> Filing | None:
    """A change to a filed deployment is filed too; open changes share one filing."""
    if not _has_initial(deployment):
        return None
    trigger = "Changed: " + ", ".join(sorted(changed))
    pending = deployment.filings.filter(kind=FilingKind.CHANGE, status=FilingStatus.OPEN).first()
    if pending is not None:
        pending.trigger = f"{pending.trigger}; {trigger}"[:250]
        pending.save(update_fields=["trigger"])
        return pending
    return _open(deployment, FilingKind.CHANGE, trigger)


def filing_open_for_termination(*, deployment: Deployment) -> Filing | None:
    if not _has_initial(deployment):
        return None
    return _open(deployment, FilingKind.TERMINATION, "Deployment decommissioned")


@transaction.atomic
def filing_submit(*, filing: Filing, actor: Any, handler_information: str,
                  purpose_and_method: str, security_measures: str) -> Filing:
    """The operator files the five materials; the count and the assessment are attached
    from the record, not typed in."""
    require(actor, "deployment.manage", filing.deployment)
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    if filing.status != FilingStatus.OPEN:
        raise InvalidTransition(_("This filing has already been submitted."))
    texts = {"handler_information": handler_information,
             "purpose_and_method": purpose_and_method, "security_measures": security_measures}
    missing = sorted(name for name, text in texts.items() if not text.strip())
    assessment = (filing.deployment.assessments.filter(completed_at__isnull=False)
                  .order_by("-version").first())
    if assessment is None:
        missing.append("impact_assessment")
    if missing:
        raise DomainError("Materials missing: " + ", ".join(missing) + ".",
                          code="materials_missing", missing=missing)
    for name, text in texts.items():
        setattr(filing, name, text.strip())
    filing.stored_subjects = filing.deployment.stored_subjects
    filing.impact_assessment = assessment
    filing.status = FilingStatus.SUBMITTED
    filing.submitted_at = timezone.now()
    filing.submitted_by = actor
    with acting_as(actor):
        filing.save()
    return filing


@transaction.atomic
def filing_acknowledge(*, filing: Filing, actor: Any) -> Filing:
    """The regulator confirms receipt of a submitted filing."""
    require(actor, "deployment.decide", filing.deployment)
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    if filing.status != FilingStatus.SUBMITTED:
        raise InvalidTransition(_("Only a submitted filing can be acknowledged."))
    filing.status = FilingStatus.ACKNOWLEDGED
    filing.acknowledged_at = timezone.now()
    filing.acknowledged_by = actor
    with acting_as(actor):
        filing.save()
    return filing
