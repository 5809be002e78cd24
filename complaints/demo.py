"""Demo: alice's complaint about the Block A gate, and an anonymous tip about a camera in a
shopping mall that is on no register. Idempotent; the tip's receipt exists only once, so the
demo keeps it in var/ (demo data only) to print it on every start."""

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.text import slugify

from complaints.models import CaseKind, Category, Complaint
from complaints.receipts import receipt_display
from complaints.services.intake import CaseInput, complaint_submit, tip_submit
from governance.models import Deployment, User

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
    receipt = _seed_tip()
    if not receipt:
        return []
    return [f"  Demo tip receipt (open /tips/status/): {receipt_display(receipt)}"]
