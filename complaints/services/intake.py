"""Receiving complaints and tips: validate, route to a regulator, compute the priority, start
the triage clock, seal the complainant's identity, log it, acknowledge it.

Nothing is stored when the input is refused: every check runs before the first write, and
the whole intake is one transaction.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import CaseKind, Category, Complaint, LogKind, Party
from complaints.models.cases import DESCRIPTION_MAX_LENGTH
from complaints.priority import priority_facts, priority_of
from complaints.receipts import receipt_hash, receipt_index, receipt_new
from complaints.services.attachments import attachments_add, attachments_check
from complaints.services.caselog import case_log_append
from governance.errors import DomainError, NotFound, NotPermitted
from governance.models import Deployment, DeploymentStatus, Organisation, OrganisationKind
from governance.permissions import is_citizen
from governance.platform.crypto import seal
from governance.platform.deadlines import DeadlineKind, due_at

IDENTITY_PURPOSE = "facegov/complaints/complainant-identity/v1"
# A complaint may concern any deployment that has run: its data may outlive its operation.
COMPLAINABLE = (DeploymentStatus.ACTIVE, DeploymentStatus.SUSPENDED,
                DeploymentStatus.DECOMMISSIONED)


@dataclass(frozen=True)
class CaseInput:
    """What a complainant or tipster says. `deployment_id` or, for an unregistered use,
    `operator_name` (and `place`)."""

    category: str
    description: str
    deployment_id: int | None = None
    operator_name: str = ""
    place: str = ""
    region: str = ""
    minors_involved: bool = False


def complaint_target_get(*, deployment_id: int) -> Deployment:
    deployment = (Deployment.objects.select_related("organisation")
                  .filter(id=deployment_id, status__in=COMPLAINABLE).first())
    if deployment is None:
        raise NotFound(_("No such deployment on the register."), code="deployment_not_found")
    return deployment


def _clean(data: CaseInput) -> tuple[Deployment | None, dict[str, Any]]:
    """Every check before anything is written; returns the deployment and the fields."""
    if data.category not in Category.values:
        raise DomainError(_("Choose what the problem is."), code="invalid_category")
    description = data.description.strip()
    if not description:
        raise DomainError(_("Describe what happened."), code="description_required")
    if len(description) > DESCRIPTION_MAX_LENGTH or "\x00" in description:
        raise DomainError(_("The description is too long or contains invalid characters."),
                          code="invalid_description")
    operator, place = data.operator_name.strip()[:200], data.place.strip()[:250]
    if "\x00" in operator + place + data.region:
        raise DomainError(_("The text contains invalid characters."), code="invalid_text")
    deployment = None
    if data.deployment_id is not None:
        deployment = complaint_target_get(deployment_id=data.deployment_id)
    elif not operator:
        raise DomainError(_("Name the deployment, or the operator and the place of an "
                            "unregistered use."), code="target_required")
    return deployment, {"category": data.category, "description": description,
                        "operator_name": "" if deployment else operator,
                        "place": "" if deployment else place,
                        "minors_involved": bool(data.minors_involved)}


# --- routing ---------------------------------------------------------------------------------


def region_for_place(place: str) -> str:
    """The region of a regulator named in the place a person gave ("… Demo Province"), the
    longest such name first; "" when none is (a nationwide regulator takes the case)."""
    regions = (Organisation.objects.filter(kind=OrganisationKind.REGULATOR)
               .exclude(region="").values_list("region", flat=True).distinct())
    lowered = place.lower()
    for region in sorted(regions, key=len, reverse=True):
        if region.lower() in lowered:
            return region
    return ""


def regulator_for_region(region: str) -> Organisation | None:
    """The regulator of that region, else a nationwide one (region "")."""
    regulators = Organisation.objects.filter(kind=OrganisationKind.REGULATOR).order_by("id")
    return ((regulators.filter(region=region).first() if region else None)
            or regulators.filter(region="").first())


def _route(deployment: Deployment | None, data: CaseInput) -> tuple[str, Organisation | None]:
    if deployment is not None:
        region = deployment.organisation.region
    else:
        known = set(Organisation.objects.filter(kind=OrganisationKind.REGULATOR)
                    .values_list("region", flat=True))
        region = data.region if data.region in known else region_for_place(data.place)
    return region, regulator_for_region(region)


# --- intake ----------------------------------------------------------------------------------


def _create(*, kind: str, deployment: Deployment | None, fields: dict[str, Any],
            data: CaseInput, **extra: Any) -> Complaint:
    now = timezone.now()
    region, regulator = _route(deployment, data)
    complaint = Complaint.objects.create(
        kind=kind, deployment=deployment,
        respondent=deployment.organisation if deployment else None, region=region,
        regulator=regulator, received_at=now, triage_due=due_at(DeadlineKind.COMPLAINT_TRIAGE,
                                                                now),
        last_news_at=now, **fields, **extra)
    reasons = priority_facts(complaint)
    complaint.priority, complaint.priority_score = priority_of(reasons)
    complaint.priority_reasons = reasons
    complaint.save(update_fields=["priority", "priority_score", "priority_reasons"])
    party = Party.TIPSTER if kind == CaseKind.TIP else Party.COMPLAINANT
    case_log_append(complaint=complaint, kind=LogKind.RECEIVED, party=party,
                    detail={"category": complaint.category, "priority": complaint.priority,
                            "reasons": [r["code"] for r in reasons]})
    case_log_append(complaint=complaint, kind=LogKind.ASSIGNED, party=Party.PLATFORM,
                    detail={"regulator_id": regulator.id if regulator else None,
                            "region": region})
    return complaint


def _identity(citizen: Any) -> bytes:
    profile = getattr(citizen, "citizen_profile", None)
    return json.dumps({"user_id": citizen.id, "username": citizen.username,
                       "display_name": getattr(profile, "display_name", ""),
                       "email": citizen.email}).encode()


def _own_records(citizen: Any, deployment: Deployment | None) -> dict[str, Any]:
    """The citizen's consents and recognition events at that deployment, without who they
    are (the identity stays sealed apart)."""
    from governance.selectors.records import citizen_records

    if deployment is None:
        return {}
    records = citizen_records(citizen=citizen, deployment=deployment)
    return {key: records[key] for key in ("consents", "refusals", "recognition_events")
            if key in records}


@transaction.atomic
def complaint_submit(*, citizen: Any, data: CaseInput, attach_own_records: bool = False,
                     files: Sequence[Any] = ()) -> Complaint:
    """A signed-in citizen's complaint; acknowledged at once (after commit)."""
    from complaints.tasks import complaint_acknowledge_task

    if not is_citizen(citizen):
        raise NotPermitted(_("Only a citizen's account can file a complaint; anyone can send "
                             "an anonymous tip."), code="not_a_citizen")
    deployment, fields = _clean(data)
    attachments_check(files)
    records = _own_records(citizen, deployment) if attach_own_records else {}
    complaint = _create(kind=CaseKind.COMPLAINT, deployment=deployment, fields=fields,
                        data=data, complainant=citizen, own_records=records)
    complaint.sealed_identity = seal(IDENTITY_PURPOSE, _identity(citizen),
                                     aad=identity_aad(complaint))
    complaint.save(update_fields=["sealed_identity"])
    attachments_add(complaint=complaint, files=files, party=Party.COMPLAINANT)
    transaction.on_commit(partial(complaint_acknowledge_task.delay, complaint.id))
    return complaint


def identity_aad(complaint: Complaint) -> bytes:
    return f"complaint|{complaint.id}".encode()


@transaction.atomic
def tip_submit(*, data: CaseInput, files: Sequence[Any] = ()) -> tuple[Complaint, str]:
    """An anonymous tip. Returns the tip and its receipt, which exists nowhere else: the caller
    shows it once. The tip is acknowledged by that receipt."""
    deployment, fields = _clean(data)
    attachments_check(files)
    receipt = receipt_new()
    tip = _create(kind=CaseKind.TIP, deployment=deployment, fields=fields, data=data,
                  receipt_hash=receipt_hash(receipt), receipt_index=receipt_index(receipt))
    tip.acknowledged_at = tip.received_at
    tip.save(update_fields=["acknowledged_at"])
    case_log_append(complaint=tip, kind=LogKind.ACKNOWLEDGED, party=Party.PLATFORM,
                    detail={"by": "receipt"})
    attachments_add(complaint=tip, files=files, party=Party.TIPSTER)
    return tip, receipt


@transaction.atomic
def case_files_add(*, complaint: Complaint, files: Sequence[Any], actor: Any = None,
                   as_tipster: bool = False) -> list[Any]:
    """More files later: by the tipster (who proved the receipt), the complainant or the
    regulator."""
    from complaints.services.caselog import complaint_lock
    from governance.permissions import can

    if as_tipster and complaint.kind == CaseKind.TIP:
        party = Party.TIPSTER
    elif can(actor, "complaint.handle", complaint):
        party = Party.REGULATOR
    elif can(actor, "complaint.view_own", complaint):
        party = Party.COMPLAINANT
    else:
        raise NotPermitted(_("You cannot add files to this case."))
    if not files:
        raise DomainError(_("Choose a file."), code="file_required")
    complaint = complaint_lock(complaint)
    return attachments_add(complaint=complaint, files=files, party=party, uploaded_by=actor)
