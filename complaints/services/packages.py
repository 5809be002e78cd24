"""The complainant's evidence package for court: a ZIP the platform signs.

It holds only the requesting citizen's data: their complaint and its timeline, their own
records at that deployment (consents with chain proofs, recognition events, deletion
certificates), the deployment record and the notice in force, the findings and decision, and
a readable summary. `manifest.json` lists every file's SHA-256 and the chain heads that cover
the records; `manifest.sig` is its Ed25519 signature under the platform's package key. Any
changed, missing or added file is named by `package_verify`.
"""

import base64
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    CaseLogEntry,
    Complaint,
    EvidencePackage,
    Investigation,
    PackageStatus,
)
from complaints.services.caselog import CASE_LEDGER
from governance.errors import DomainError
from governance.models import ConsentLedgerEntry, DeploymentNotice, SubjectLink
from governance.permissions import require
from governance.platform import signing
from governance.platform.crypto import KeyPurpose
from governance.platform.ledger import canonical_value
from governance.platform.ledger_heads import head_copy_newest
from governance.platform.ledger_proof import entry_proof
from governance.platform.uploads import ARCHIVE_POLICY, upload_store

PACKAGE_FORMAT = "facegov-evidence-package/v1"
PURPOSE = KeyPurpose.EVIDENCE_PACKAGE_SIGNING
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"


def _json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False,
                      default=canonical_value).encode()


@transaction.atomic
def evidence_package_request(*, complaint: Complaint, actor: Any) -> EvidencePackage:
    """Queue a build (the citizen's own case, once investigated); a build already queued or
    running is returned instead of starting another."""
    from complaints.tasks import evidence_package_build_task

    require(actor, "evidence_package.request", complaint)
    running = EvidencePackage.objects.filter(
        complaint=complaint, requested_by=actor,
        status__in=[PackageStatus.QUEUED, PackageStatus.RUNNING]).first()
    if running:
        return running
    package = EvidencePackage.objects.create(complaint=complaint, requested_by=actor)
    transaction.on_commit(partial(evidence_package_build_task.delay, package.id))
    return package


def _progress(package: EvidencePackage, percent: int, status: str = PackageStatus.RUNNING
              ) -> None:
    EvidencePackage.objects.filter(pk=package.pk).update(status=status, progress=percent)


def _entries(qs: Any) -> list[dict[str, Any]]:
    return [{**e.chain_fields(), "entry_hash": e.entry_hash} for e in qs]


def _own_records(complaint: Complaint) -> tuple[dict[str, Any], dict[str, Any]]:
    """The complainant's records at the deployment (only theirs), and the chain heads."""
    from governance.selectors.retention import certificate_rows_for_subject
    from recognition.models import RecognitionEvent

    deployment = complaint.deployment
    refs = list(SubjectLink.objects.filter(citizen_id=complaint.complainant_id,
                                           deployment=deployment)
                .values_list("subject_ref", flat=True)) if deployment else []
    consents = ConsentLedgerEntry.objects.filter(deployment=deployment, subject_ref__in=refs)
    events = RecognitionEvent.objects.filter(deployment=deployment, subject_ref__in=refs)
    records = {
        "subject_refs": refs,
        "consents": [entry_proof(e) for e in consents.order_by("sequence")],
        "recognition_events": _entries(events.order_by("sequence").iterator(chunk_size=2000)),
        "deletion_certificates": [row for ref in refs for row in certificate_rows_for_subject(
            deployment_id=deployment.id, subject_ref=ref)],
    }
    heads: dict[str, Any] = {}
    if deployment:
        for name in ("consent", "recognition events", "deletion certificates"):
            head = head_copy_newest(ledger=name, chain_key=str(deployment.id))
            heads[name] = head.as_dict() if head else None
    case_head = head_copy_newest(ledger=CASE_LEDGER, chain_key=str(complaint.id))
    heads[CASE_LEDGER] = case_head.as_dict() if case_head else None
    return records, heads


def _complaint(complaint: Complaint) -> dict[str, Any]:
    return {
        "id": complaint.id, "category": complaint.category,
        "category_label": str(complaint.get_category_display()),
        "description": complaint.description, "received_at": complaint.received_at,
        "status": str(complaint.get_status_display()),
        "triage_reasons": complaint.triage_reasons, "closing_reasons": complaint.closing_reasons,
        "timeline": _entries(CaseLogEntry.objects.filter(complaint_id=complaint.id)
                             .order_by("sequence")),
    }


def _deployment(complaint: Complaint) -> dict[str, Any]:
    deployment = complaint.deployment
    if deployment is None:
        return {"operator_name": complaint.operator_name, "place": complaint.place}
    notice = (DeploymentNotice.objects.filter(deployment=deployment,
                                              published_at__lte=complaint.received_at)
              .order_by("-published_at").values().first())
    return {"deployment": {"id": deployment.id, "name": deployment.name,
                           "operator": deployment.organisation.name,
                           "status": deployment.status, "place": getattr(deployment, "place", ""),
                           "threshold": getattr(deployment, "threshold", None)},
            "notice_in_force": notice}


def _outcome(investigation: Investigation | None) -> dict[str, Any]:
    if investigation is None:
        return {}
    decision = getattr(investigation, "decision", None)
    return {
        "investigation_id": investigation.id,
        "status": str(investigation.get_status_display()),
        "findings": list(investigation.findings.values("rule_reference", "text", "recorded_at")),
        "decision": {"reasons": decision.reasons, "legal_basis": decision.legal_basis,
                     "appeal_route": decision.appeal_route,
                     "decided_at": decision.decided_at} if decision else None,
        "orders": list(investigation.orders.values("kind", "text", "due_date", "status")),
        "penalties": list(investigation.penalties.filter(responsible_person="")
                          .values("basis", "amount_cny")),
    }


def _summary(complaint: Complaint, outcome: dict[str, Any]) -> bytes:
    lines = [
        _("Evidence package for complaint %(id)s") % {"id": complaint.id}, "",
        _("This package was assembled by FaceGov from the platform's own tamper-evident "
          "records. manifest.json lists the SHA-256 of every file and the signed heads of the "
          "ledgers the records come from; manifest.sig is the platform's Ed25519 signature of "
          "manifest.json. Any change to any file is detected by the public verification page."),
        "", _("Outcome: %(status)s")
        % {"status": outcome.get("status", complaint.get_status_display())},
        "", _("What helps in court:"),
        _("- PIPL Art. 50: if the processor refuses your request to exercise your rights, you "
          "may sue it before a people's court."),
        _("- PIPL Art. 69: where processing infringes your rights and causes harm, the "
          "processor that cannot prove it was not at fault bears liability for damages."),
        _("- PIPL Art. 70: the people's procuratorate, consumer organisations and bodies named "
          "by the cyberspace department may bring an action in the public interest where many "
          "people's rights are infringed."),
        _("- SPC 2021 interpretation on face recognition (Fa Shi [2021] No. 15), Art. 6: the "
          "information processor bears the burden of proving the facts it relies on — for "
          "instance the consent it claims, or an exception that would excuse its liability."),
    ]
    return ("\n".join(str(line) for line in lines) + "\n").encode()


def evidence_package_files(complaint: Complaint) -> tuple[dict[str, bytes], dict[str, Any]]:
    records, heads = _own_records(complaint)
    outcome = _outcome(complaint.investigation)
    files = {
        "complaint.json": _json(_complaint(complaint)),
        "own_records.json": _json(records),
        "deployment.json": _json(_deployment(complaint)),
        "decision.json": _json(outcome),
        "summary.txt": _summary(complaint, outcome),
    }
    return files, heads


def package_zip(files: dict[str, bytes], heads: dict[str, Any], *, complaint_id: int) -> bytes:
    """The ZIP with its signed manifest."""
    manifest = _json({
        "format": PACKAGE_FORMAT, "complaint_id": complaint_id,
        "created_at": timezone.now().isoformat(),
        "files": [{"name": name, "sha256": hashlib.sha256(data).hexdigest(),
                   "size": len(data)} for name, data in sorted(files.items())],
        "chain_heads": heads, "algorithm": signing.ALGORITHM,
        "key_id": signing.key_id(PURPOSE), "public_key": signing.public_key_b64(PURPOSE),
    })
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr(MANIFEST, manifest)
        archive.writestr(SIGNATURE, signing.sign(manifest, purpose=PURPOSE))
    return buffer.getvalue()


def evidence_package_build(*, package_id: int) -> str:
    """Build, seal and store the package (idempotent: a finished build is left alone)."""
    package = EvidencePackage.objects.select_related("complaint__deployment__organisation",
                                                     "complaint__investigation").get(
        pk=package_id)
    if package.status == PackageStatus.DONE:
        return package.status
    _progress(package, 10)
    try:
        files, heads = evidence_package_files(package.complaint)
        _progress(package, 60)
        data = package_zip(files, heads, complaint_id=package.complaint_id)
        _progress(package, 80)
        with transaction.atomic():
            sealed = upload_store(file=data, policy=ARCHIVE_POLICY, purpose="evidence-package",
                                  uploaded_by=package.requested_by,
                                  name=f"evidence-package-{package.complaint_id}.zip")
            package.sealed, package.status, package.progress = sealed, PackageStatus.DONE, 100
            package.manifest_sha256 = hashlib.sha256(data).hexdigest()
            package.finished_at = timezone.now()
            package.save()
    except DomainError as exc:
        EvidencePackage.objects.filter(pk=package.pk).update(
            status=PackageStatus.FAILED, error=str(exc.detail)[:300], finished_at=timezone.now())
        return PackageStatus.FAILED
    return package.status


@dataclass(frozen=True)
class PackageVerdict:
    valid: bool
    first_altered: str | None
    detail: str


def package_verify(data: bytes) -> PackageVerdict:
    """Check the signature of manifest.json, then every listed file's SHA-256 in manifest
    order; name the first file that is altered, missing, or not in the manifest."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        contents = {name: archive.read(name) for name in names}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return PackageVerdict(False, None, _("This is not a readable ZIP file."))
    manifest, signature = contents.get(MANIFEST), contents.get(SIGNATURE)
    if manifest is None:
        return PackageVerdict(False, MANIFEST, _("manifest.json is missing."))
    if signature is None:
        return PackageVerdict(False, SIGNATURE, _("manifest.sig is missing."))
    if not signing.verify(manifest, signature.decode("ascii", "replace").strip(),
                          purpose=PURPOSE):
        # Which of the two was changed cannot be told apart: name the manifest unless the
        # signature is not even well-formed.
        culprit = SIGNATURE if not _well_formed(signature) else MANIFEST
        return PackageVerdict(False, culprit, _("The manifest's signature does not match."))
    try:
        listed = json.loads(manifest)["files"]
    except (ValueError, KeyError, TypeError):
        return PackageVerdict(False, MANIFEST, _("manifest.json cannot be read."))
    for item in listed:
        body = contents.get(item["name"])
        if body is None:
            return PackageVerdict(False, item["name"], _("A listed file is missing."))
        if hashlib.sha256(body).hexdigest() != item["sha256"]:
            return PackageVerdict(False, item["name"], _("A file was altered."))
    extra = sorted(set(names) - {i["name"] for i in listed} - {MANIFEST, SIGNATURE})
    if extra:
        return PackageVerdict(False, extra[0], _("A file was added."))
    return PackageVerdict(True, None, _("Every file is as the platform signed it."))


def _well_formed(signature: bytes) -> bool:
    try:
        return len(base64.b64decode(signature.strip(), validate=True)) == 64
    except ValueError:
        return False
