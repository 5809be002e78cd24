"""Evidence with chain of custody.

Every item is sealed by the platform's upload service (AES-GCM at rest, SHA-256 recorded)
and never edited: there is no update path. Its custody — collected, viewed, exported, by
whom — is written to the investigation's hash-chained log.

"Platform evidence in one action" collects what the platform itself holds about a deployment
as a snapshot: the deployment record and its history, the notice versions, threshold history,
the rule checks as they stand, the consent ledger entries of named subjects with their proofs
against the signed heads, their recognition events in a window, deletion certificates and
filings. It is JSON, sealed like an upload.
"""

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import EvidenceItem, EvidenceKind, Investigation, InvestigationLogKind
from complaints.services.investigations import investigation_lock, investigation_log_append
from governance.compliance.rules import evaluate
from governance.errors import DomainError
from governance.models import (
    ConsentLedgerEntry,
    DeletionCertificate,
    Deployment,
    DeploymentDecision,
    DeploymentEvent,
    DeploymentNotice,
    Filing,
    ThresholdChange,
)
from governance.permissions import require
from governance.platform.ledger import ChainedEntry, canonical_value
from governance.platform.ledger_proof import entry_proof
from governance.platform.uploads import (
    DOCUMENT_POLICY,
    TEXT,
    UploadPolicy,
    upload_read,
    upload_store,
)

SNAPSHOT_FORMAT = "facegov-platform-evidence/v1"
SNAPSHOT_POLICY = UploadPolicy("evidence_snapshot", 512 * 1024 * 1024, frozenset({TEXT}))
SUBJECTS_MAX = 100
EVENTS_MAX = 100_000


def _record_collected(investigation: Investigation, item: EvidenceItem, actor: Any,
                      reason: str) -> None:
    investigation_log_append(investigation=investigation,
                             kind=InvestigationLogKind.EVIDENCE_COLLECTED, actor=actor,
                             reason=reason, detail={"evidence_id": item.id, "kind": item.kind,
                                                    "sha256": item.sha256})


@transaction.atomic
def evidence_upload(*, investigation: Investigation, actor: Any, file: Any, title: str
                    ) -> EvidenceItem:
    """A document or photo the inspector adds (type and size checked from its content by the
    upload service: 413/415/400 and nothing stored)."""
    require(actor, "investigation.handle", investigation)
    investigation = investigation_lock(investigation)
    sealed = upload_store(file=file, policy=DOCUMENT_POLICY, purpose="evidence",
                          uploaded_by=actor, organisation=investigation.regulator)
    item = EvidenceItem.objects.create(
        investigation=investigation, kind=EvidenceKind.UPLOAD, sealed=sealed,
        sha256=sealed.sha256, collected_by=actor, collected_at=timezone.now(),
        title=(title.strip() or sealed.name or _("Uploaded file"))[:250])
    _record_collected(investigation, item, actor, _("Uploaded by the inspector"))
    return item


def _rows(entries: Sequence[ChainedEntry]) -> list[dict[str, Any]]:
    return [{**e.chain_fields(), "entry_hash": e.entry_hash} for e in entries]


def _plain(values: Any) -> list[dict[str, Any]]:
    return [{k: canonical_value(v) for k, v in row.items()} for row in values]


def platform_snapshot(*, deployment: Deployment, subject_refs: Sequence[str],
                      since: dt.datetime | None, until: dt.datetime | None) -> dict[str, Any]:
    """What the platform holds about the deployment (and the named subjects), as it stands."""
    from recognition.models import RecognitionEvent

    now = timezone.now()
    until = until or now
    events = RecognitionEvent.objects.filter(deployment=deployment,
                                             subject_ref__in=subject_refs,
                                             recorded_at__lte=until).order_by("sequence")
    if since:
        events = events.filter(recorded_at__gte=since)
    consents = ConsentLedgerEntry.objects.filter(deployment=deployment,
                                                 subject_ref__in=subject_refs).order_by("sequence")
    return {
        "format": SNAPSHOT_FORMAT,
        "collected_at": now.isoformat(),
        "window": {"since": since.isoformat() if since else None, "until": until.isoformat()},
        "subjects": list(subject_refs),
        "deployment": _plain(Deployment.objects.filter(pk=deployment.pk).values())[0],
        "history": _plain(DeploymentEvent.objects.filter(deployment=deployment)
                          .order_by("id").values()),
        "decisions": _plain(DeploymentDecision.objects.filter(deployment=deployment)
                            .order_by("id").values()),
        "notices": _plain(DeploymentNotice.objects.filter(deployment=deployment)
                          .order_by("id").values()),
        "threshold_history": _plain(ThresholdChange.objects.filter(deployment=deployment)
                                    .order_by("id").values()),
        "rule_checks": [{"rule": f.rule, "reference": f.reference, "severity": f.severity,
                         "passed": f.passed, "message": str(f.message)}
                        for f in evaluate(deployment)],
        "consent_ledger": [entry_proof(e) for e in consents],
        "recognition_events": _rows(list(events[:EVENTS_MAX])),
        "deletion_certificates": _rows(list(DeletionCertificate.objects.filter(
            deployment=deployment).order_by("sequence"))),
        "filings": _plain(Filing.objects.filter(deployment=deployment).order_by("id").values()),
    }


def snapshot_bytes(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, sort_keys=True, indent=1, ensure_ascii=False,
                      default=canonical_value).encode()


@transaction.atomic
def evidence_collect_platform(*, investigation: Investigation, actor: Any,
                              subject_refs: Sequence[str] = (),
                              since: dt.datetime | None = None,
                              until: dt.datetime | None = None) -> EvidenceItem:
    """Collect the platform's own records about the investigated deployment in one action,
    sealed and immutable from then on."""
    require(actor, "investigation.handle", investigation)
    investigation = investigation_lock(investigation)
    if investigation.deployment is None:
        raise DomainError(_("This investigation concerns no registered deployment."),
                          code="no_deployment")
    refs = sorted({r.strip() for r in subject_refs if r.strip()})
    if len(refs) > SUBJECTS_MAX:
        raise DomainError(_("Name at most %(n)s people.") % {"n": SUBJECTS_MAX},
                          code="too_many_subjects")
    data = snapshot_bytes(platform_snapshot(deployment=investigation.deployment,
                                            subject_refs=refs, since=since, until=until))
    sealed = upload_store(file=data, policy=SNAPSHOT_POLICY, purpose="evidence",
                          uploaded_by=actor, organisation=investigation.regulator,
                          name=f"platform-evidence-{investigation.id}.json")
    item = EvidenceItem.objects.create(
        investigation=investigation, kind=EvidenceKind.PLATFORM, sealed=sealed,
        sha256=sealed.sha256, collected_by=actor, collected_at=timezone.now(),
        title=_("Platform evidence: %(name)s") % {"name": investigation.deployment.name})
    _record_collected(investigation, item, actor,
                      _("Collected from the platform's records (%(n)s people named)")
                      % {"n": len(refs)})
    return item


@transaction.atomic
def evidence_open(*, item: EvidenceItem, actor: Any, export: bool = False) -> bytes:
    """The item's bytes (checked against its SHA-256 by the upload service); the custody log
    records who viewed or exported it."""
    require(actor, "investigation.handle", item.investigation)
    investigation = investigation_lock(item.investigation)
    data = upload_read(sealed=item.sealed)
    kind = (InvestigationLogKind.EVIDENCE_EXPORTED if export
            else InvestigationLogKind.EVIDENCE_VIEWED)
    investigation_log_append(investigation=investigation, kind=kind, actor=actor,
                             detail={"evidence_id": item.id, "sha256": item.sha256})
    return data


def custody_log(*, item: EvidenceItem) -> list[Any]:
    """The item's custody entries, oldest first."""
    from complaints.models import InvestigationLogEntry

    return [e for e in InvestigationLogEntry.objects.filter(
        investigation_id=item.investigation_id, kind__startswith="evidence_").order_by("sequence")
        if e.detail.get("evidence_id") == item.id]

