"""How long complaint data is kept, and its destruction.

A case is kept while it is open; once closed (or declared inadmissible) it is kept for its
rule's period and then destroyed whole: the complaint, its messages, reveal requests, files
and its case log (pruned from the chain with `chain_prune`). A regulator's legal hold on the
deployment keeps it. Governance's retention engine certifies per deployment and its rule
table knows only biometric categories, while many cases concern no registered deployment
(a camera on no register); so complaint data is swept here, by the same principles.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import CaseKind, CaseLogEntry, Complaint
from governance.models import LegalHold
from governance.platform.ledger import chain_prune

logger = logging.getLogger(__name__)
SWEEP_BATCH_SIZE = 200


@dataclass(frozen=True)
class CaseRetentionRule:
    kind: str
    period: dt.timedelta
    description: object
    reference: str


RULES = {
    CaseKind.COMPLAINT: CaseRetentionRule(
        CaseKind.COMPLAINT, dt.timedelta(days=3 * 365),
        _("Closed complaints, with their messages, files and case log: 3 years after closure"),
        "PIPL Art. 19; kept while a court may review the outcome (GDPR Art. 78)"),
    CaseKind.TIP: CaseRetentionRule(
        CaseKind.TIP, dt.timedelta(days=365),
        _("Closed anonymous tips, with their messages, files and case log: 1 year after "
          "closure"),
        "PIPL Art. 19 (shortest time necessary)"),
}


def complaint_retention_schedule(*, complaint: Complaint) -> Complaint:
    """The case closed: it is due its rule's period later. In the caller's transaction."""
    complaint.delete_after = complaint.closed_at + RULES[complaint.kind].period
    complaint.save(update_fields=["delete_after"])
    return complaint


def complaints_due(*, now: dt.datetime) -> QuerySet[Complaint]:
    """Due cases no active legal hold (on their deployment, whole or any category) keeps."""
    held = LegalHold.objects.filter(released_at__isnull=True, expires_at__gt=now,
                                    subject_ref="").values("deployment_id")
    return Complaint.objects.filter(delete_after__lte=now).exclude(deployment_id__in=held)


@transaction.atomic
def complaint_destroy(*, complaint_id: int, now: dt.datetime) -> bool:
    """Destroy one due case whole; False if it is gone already or no longer due."""
    complaint = (complaints_due(now=now).select_for_update(of=("self",))
                 .filter(id=complaint_id).first())
    if complaint is None:
        return False
    _destroy_files(complaint)
    complaint.messages.all().delete()
    complaint.reveals.all().delete()
    last = CaseLogEntry.objects.filter(complaint_id=complaint.id).aggregate(m=Max("sequence"))
    if last["m"] is not None:
        chain_prune(model=CaseLogEntry, chain_key=complaint.id, through_sequence=last["m"])
    complaint.delete()
    return True


def _destroy_files(complaint: Complaint) -> None:
    from complaints.services.attachments import attachments_destroy

    attachments_destroy(complaint=complaint)


def complaint_retention_sweep(*, now: dt.datetime | None = None) -> int:
    """Destroy every due case, one transaction each; returns how many."""
    now = now or timezone.now()
    destroyed = 0
    while True:
        ids = list(complaints_due(now=now).order_by("delete_after", "id")
                   .values_list("id", flat=True)[:SWEEP_BATCH_SIZE])
        batch = sum(complaint_destroy(complaint_id=i, now=now) for i in ids)
        destroyed += batch
        if not ids or not batch:
            break
    if destroyed:
        logger.info("Complaint retention: %s cases destroyed", destroyed)
    return destroyed
