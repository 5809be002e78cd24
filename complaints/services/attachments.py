"""Files on a case, through the platform's upload service (sealed at rest, type checked from
the content). The enterprise never sees them; the regulator downloads them through an
access-checked view."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from complaints.models import CaseAttachment, Complaint, LogKind, Party
from complaints.services.caselog import case_log_append
from governance.errors import DomainError
from governance.platform.uploads import DOCUMENT_POLICY, upload_destroy, upload_store

MAX_FILES = 5
PURPOSE = "complaint_attachment"


def attachments_check(files: Sequence[Any]) -> None:
    if len(files) > MAX_FILES:
        raise DomainError(_("Attach at most %(n)s files.") % {"n": MAX_FILES},
                          code="too_many_files")


def attachments_add(*, complaint: Complaint, files: Sequence[Any], party: str,
                    uploaded_by: Any = None) -> list[CaseAttachment]:
    """Seal and attach; the caller holds the case's lock in its transaction. A refused file
    (413/415/400) rolls the caller's transaction back: nothing of the case is stored."""
    attachments_check(files)
    added = []
    for file in files:
        sealed = upload_store(file=file, policy=DOCUMENT_POLICY, purpose=PURPOSE,
                              uploaded_by=uploaded_by if party == Party.REGULATOR else None)
        added.append(CaseAttachment.objects.create(complaint=complaint, party=party,
                                                   sealed=sealed))
    if added:
        case_log_append(complaint=complaint, kind=LogKind.ATTACHMENT, party=party,
                        actor=uploaded_by, detail={"files": len(added)})
    return added


@transaction.atomic
def attachments_destroy(*, complaint: Complaint) -> int:
    rows = list(complaint.attachments.select_related("sealed"))
    for row in rows:
        upload_destroy(sealed=row.sealed)
    CaseAttachment.objects.filter(id__in=[r.id for r in rows]).delete()
    return len(rows)
