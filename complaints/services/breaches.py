"""Breach reports: the enterprise files what happened; the 72-hour clock runs from discovery
(GDPR Art. 33; PIPL Art. 57) and a late report is flagged; the regulator reviews and may open
an investigation; people on the platform whose data is affected are told, in-app and by mail
(PIPL Art. 57; GDPR Art. 34)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import BreachReport, BreachStatus, Investigation, Origin
from complaints.permissions import RESPONDENT_STAFF
from governance.errors import DomainError, InvalidTransition
from governance.models import Deployment, SubjectLink
from governance.permissions import organisations_of, require
from governance.platform.deadlines import DeadlineKind, due_at
from governance.platform.notifications import notify


@dataclass(frozen=True)
class BreachInput:
    discovered_at: dt.datetime
    description: str
    deployment_ids: Sequence[int]
    people_affected: int
    data_categories: Sequence[str] = field(default_factory=list)
    measures: str = ""


def _deployments(actor: Any, ids: Sequence[int]) -> list[Deployment]:
    ids = sorted(set(ids))
    found = list(Deployment.objects.select_related("organisation").filter(
        id__in=ids, organisation__in=organisations_of(actor, roles=RESPONDENT_STAFF)))
    if not ids or len(found) != len(ids) or len({d.organisation_id for d in found}) != 1:
        raise DomainError(_("Name the deployments of your organisation that were affected."),
                          code="invalid_deployments")
    return found


@transaction.atomic
def breach_report(*, actor: Any, data: BreachInput) -> BreachReport:
    deployments = _deployments(actor, data.deployment_ids)
    organisation = deployments[0].organisation
    require(actor, "breach.report", organisation)
    now = timezone.now()
    if data.discovered_at > now:
        raise DomainError(_("The discovery cannot be in the future."), code="discovered_future")
    if not data.description.strip():
        raise DomainError(_("Describe what happened."), code="description_required")
    notify_due = due_at(DeadlineKind.BREACH_NOTICE, data.discovered_at)
    breach = BreachReport.objects.create(
        organisation=organisation, reported_by=actor, discovered_at=data.discovered_at,
        reported_at=now, notify_due=notify_due, late=now > notify_due,
        description=data.description.strip(), data_categories=list(data.data_categories),
        people_affected=data.people_affected, measures=data.measures.strip())
    breach.deployments.add(*deployments)
    from complaints.tasks import breach_notify_subjects_task

    transaction.on_commit(partial(breach_notify_subjects_task.delay, breach.id))
    return breach


def breach_notify_subjects(*, breach_id: int) -> int:
    """Tell every platform user linked to an affected deployment (idempotent: once)."""
    with transaction.atomic():
        breach = BreachReport.objects.select_for_update().filter(id=breach_id).first()
        if breach is None or breach.people_notified:
            return 0
        citizens = {link.citizen for link in SubjectLink.objects.filter(
            deployment__in=breach.deployments.all()).select_related("citizen")}
        for citizen in citizens:
            notify(recipient=citizen,
                   subject=lambda: _("Your face data may have been affected by a breach"),
                   body=lambda: _("%(operator)s reported a breach on %(date)s: %(what)s\nMeasures "
                          "taken: %(measures)s\nWhat you can do: withdraw your consent, ask "
                          "for deletion, or complain to the regulator on FaceGov.")
                   % {"operator": breach.organisation.name,
                      "date": timezone.localtime(breach.discovered_at).date().isoformat(),
                      "what": breach.description, "measures": breach.measures or "—"},
                   link=reverse("complaint-mine"))
        breach.people_notified = len(citizens)
        breach.save(update_fields=["people_notified"])
        return len(citizens)


@transaction.atomic
def breach_review(*, breach: BreachReport, actor: Any, note: str,
                  open_investigation: bool = False) -> BreachReport:
    """The regulator reviews; it may open an investigation on the affected deployments."""
    require(actor, "breach.review", breach)
    breach = BreachReport.objects.select_for_update().get(pk=breach.pk)
    if breach.status == BreachStatus.INVESTIGATING:
        raise InvalidTransition(_("An investigation is already open."), code="already_open")
    if not note.strip():
        raise DomainError(_("Write the review."), code="note_required")
    breach.review_note, breach.reviewed_by, breach.reviewed_at = (note.strip(), actor,
                                                                  timezone.now())
    breach.status = BreachStatus.REVIEWED
    if open_investigation:
        breach.investigation = _open_from(breach, actor, note)
        breach.status = BreachStatus.INVESTIGATING
    breach.save()
    return breach


def _open_from(breach: BreachReport, actor: Any, note: str) -> Investigation:
    from complaints.services.investigations import investigation_open

    deployments = list(breach.deployments.order_by("id"))
    return investigation_open(
        actor=actor, deployment=deployments[0], respondent=breach.organisation,
        origin=Origin.BREACH, reason=note, extra_deployments=deployments[1:],
        title=_("Breach reported by %(operator)s") % {"operator": breach.organisation.name})
