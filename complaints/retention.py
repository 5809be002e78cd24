"""How long complaint data is kept, and its destruction.

A case is kept while it is open; once closed (or declared inadmissible) it is kept for its
rule's period (RULES below, with their legal references) and then destroyed whole: the
complaint or tip, its messages, reveal requests, attached files and its case log (pruned from
the chain with `chain_prune`). A regulator's legal hold on the case's deployment keeps it.

Why complaints keep their own sweep rather than registering with governance's retention
registry (governance/retention/registry.py): that engine locks, holds and certifies per
deployment (DeletionCertificate is chained per deployment, RetentionSource.destroy receives the
deployment) and its categories are the operator-declared biometric ones, capped by statute;
many cases concern no registered deployment (a camera on no register), and their periods are
the regulator's own, not an operator's declaration. The principles are the same: one
transaction per case, holds defer, and the destruction is proven by a chained record — a
`CaseRetentionRecord` (its own registered ledger, heads signed and published) that carries
the case log's checkpoint, named by governance's LedgerCheckpoint as its voucher. So
`verify_ledger` reads a destroyed case's log as sanctioned, and a forged checkpoint as broken.

The investigation log (complaints.models.InvestigationLogEntry) is never pruned: an
investigation's record is kept with its decisions, orders and penalties.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import CaseKind, CaseLogEntry, CaseRetentionRecord, Complaint
from complaints.services.caselog import CASE_LEDGER
from governance.models import LedgerCheckpoint, LegalHold
from governance.platform.ledger import chain_append, chain_prune

logger = logging.getLogger(__name__)
SWEEP_BATCH_SIZE = 200
CASE_RETENTION_LEDGER = "complaint retention record"


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
    """Destroy one due case whole; False if it is gone already or no longer due.

    The case log is pruned through its last entry, and the prune is vouched for the way
    governance's engine does it: a chained CaseRetentionRecord carries the checkpoint and a
    LedgerCheckpoint names that record, so `verify_ledger` still finds the chain sound."""
    complaint = (complaints_due(now=now).select_for_update(of=("self",))
                 .filter(id=complaint_id).first())
    if complaint is None:
        return False
    files = _destroy_files(complaint)
    messages, _deleted = complaint.messages.all().delete()
    complaint.reveals.all().delete()
    last = CaseLogEntry.objects.filter(complaint_id=complaint.id).aggregate(m=Max("sequence"))
    checkpoint: dict[str, object] = {}
    if last["m"] is not None:
        start = chain_prune(model=CaseLogEntry, chain_key=complaint.id, through_sequence=last["m"])
        checkpoint = {"ledger": CASE_LEDGER, "chain_key": str(complaint.id),
                      "sequence": start.sequence, "entry_hash": start.entry_hash}
    rule = RULES[complaint.kind]
    record = chain_append(CaseRetentionRecord(
        case_id=complaint.id, case_kind=complaint.kind, closed_at=complaint.closed_at,
        rule=str(rule.description)[:300], legal_reference=rule.reference[:200],
        messages=messages, files=files, log_entries=last["m"] or 0,
        ledger_checkpoint=checkpoint, recorded_at=now))
    if checkpoint:
        LedgerCheckpoint.objects.update_or_create(
            ledger=CASE_LEDGER, chain_key=str(complaint.id),
            defaults={"sequence": checkpoint["sequence"], "entry_hash": checkpoint["entry_hash"],
                      "certificate": None, "voucher_ledger": CASE_RETENTION_LEDGER,
                      "voucher_chain_key": str(record.case_id),
                      "voucher_sequence": record.sequence, "pruned_at": now})
    complaint.delete()
    return True


def _destroy_files(complaint: Complaint) -> int:
    from complaints.services.attachments import attachments_destroy

    return attachments_destroy(complaint=complaint)


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
