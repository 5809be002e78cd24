"""Demo: alice's complaint about the Block A gate, triaged into an investigation with one
request for information answered by Acme and one finding citing the platform's own evidence;
and an anonymous tip about a camera in a shopping mall that is on no register. Idempotent;
the tip's receipt exists only once, so the demo keeps it in var/ (demo data only) to print
it on every start."""

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.text import slugify

from complaints.models import CaseKind, Category, Complaint, InvestigationStatus, TriageDecision
from complaints.receipts import receipt_display
from complaints.services.enforcement import finding_record, rfi_answer, rfi_send
from complaints.services.evidence import evidence_collect_platform
from complaints.services.intake import CaseInput, complaint_submit, tip_submit
from complaints.services.investigations import TransitionInput, investigation_transition
from complaints.services.triage import TriageInput, complaint_triage
from governance.models import Deployment, SubjectLink, User

BLOCK_A = "Residential gate — Block A"
MALL_OPERATOR = "Riverside Mall management"


def _receipt_path() -> Path:
    # One file per database, so a test database's demo never overwrites `make run`'s.
    database = slugify(str(connection.settings_dict["NAME"]))[-60:]
    return Path(settings.VAR_DIR) / f"demo-tip-receipt.{database}.txt"


def _seed_complaint() -> None:
    alice = User.objects.filter(username="alice").first()
    block_a = Deployment.objects.filter(name=BLOCK_A).first()
    if alice is None or block_a is None or Complaint.objects.filter(complainant=alice).exists():
        return
    complaint_submit(citizen=alice, attach_own_records=True, data=CaseInput(
        category=Category.NO_ALTERNATIVE, deployment_id=block_a.id,
        description="The guard at Block A told me the face gate is the only way in since "
                    "March; my resident card no longer opens the side door."))


def _seed_investigation() -> None:
    """Alice's complaint → an investigation gathering evidence: Acme has answered one RFI and
    the inspector recorded one finding linked to the platform snapshot."""
    complaint = Complaint.objects.filter(complainant__username="alice").first()
    inspector = User.objects.filter(username="reg_inspector").first()
    acme_admin = User.objects.filter(username="acme_admin").first()
    if complaint is None or inspector is None or acme_admin is None or complaint.investigation_id:
        return
    complaint = complaint_triage(complaint=complaint, actor=inspector, data=TriageInput(
        decision=TriageDecision.INVESTIGATE,
        reasons="A resident has no way in without the face gate; the law requires one."))
    investigation = complaint.investigation
    investigation_transition(investigation=investigation, actor=inspector, data=TransitionInput(
        to=InvestigationStatus.GATHERING_EVIDENCE, reason="Ask Acme and collect the records."))
    rfi = rfi_send(investigation=investigation, actor=inspector,
                   questions="Which entrances of Block A open without face recognition, and "
                             "since when is the side door closed to resident cards?")
    rfi_answer(rfi=rfi, actor=acme_admin,
               answer="The side door was switched to the face gate in March during a "
                      "refit; resident cards will be re-enabled.")
    refs = list(SubjectLink.objects.filter(citizen=complaint.complainant,
                                           deployment=complaint.deployment)
                .values_list("subject_ref", flat=True))
    snapshot = evidence_collect_platform(investigation=investigation, actor=inspector,
                                         subject_refs=refs)
    finding_record(investigation=investigation, actor=inspector,
                   rule_reference="PIPL Art. 16; CAC Measures 2025 Art. 10",
                   text="Residents who refuse face recognition have no other way in: the "
                        "side door no longer takes resident cards (Acme's answer to the "
                        "request for information).", evidence_ids=[snapshot.id])


def _seed_tip() -> str:
    path = _receipt_path()
    exists = Complaint.objects.filter(kind=CaseKind.TIP, operator_name=MALL_OPERATOR).exists()
    if exists and path.exists():
        return path.read_text().strip()
    if exists:
        return ""
    _, receipt = tip_submit(data=CaseInput(
        category=Category.UNREGISTERED, operator_name=MALL_OPERATOR,
        place="Riverside Mall, ground floor entrance, Demo Province",
        description="A camera above the entrance shows each shopper's face on a screen with "
                    "a 'member recognised' label. There is no sign and nothing on the "
                    "register."))
    path.write_text(receipt + "\n")
    return receipt


def seed_complaints_demo(*, password: str) -> list[str]:
    _seed_complaint()
    _seed_investigation()
    receipt = _seed_tip()
    if not receipt:
        return []
    return [f"  Demo tip receipt (open /tips/status/): {receipt_display(receipt)}"]
