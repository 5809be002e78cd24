"""Access and portability exports: built by a Celery task, sealed at rest, kept 7 days."""

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import DomainError
from governance.models import RightsExport, RightsRequest
from governance.platform.crypto import KeyPurpose, seal, unseal
from governance.selectors.records import citizen_records
from governance.services.rights import rights_request_mark_fulfilled_by_export

EXPORT_AVAILABLE_FOR = dt.timedelta(days=7)
EXPORT_SCHEMA = "facegov.subject-export/1"
ERASE_BATCH_SIZE = 500


def _aad(request_id: int) -> bytes:
    # Binds the ciphertext to its request: a sealed export moved to another row won't open.
    return f"rights-export:{request_id}".encode()


def rights_export_document(*, request: RightsRequest) -> dict[str, Any]:
    records = citizen_records(citizen=request.citizen, deployment=request.deployment)
    return {"schema": EXPORT_SCHEMA, "request": {"id": request.id, "type": request.type,
                                                 "deployment_id": request.deployment_id},
            **records}


def rights_export_build(*, request_id: int) -> RightsExport:
    """Build and seal the export, then mark the request fulfilled. Idempotent: a second run
    (a retried task) returns the existing export."""
    with transaction.atomic():
        request = (RightsRequest.objects.select_for_update()
                   .select_related("citizen", "deployment").get(id=request_id))
        existing = RightsExport.objects.filter(request=request).first()
        if existing:
            return existing
        document = json.dumps(rights_export_document(request=request), sort_keys=True,
                              ensure_ascii=False).encode()
        now = timezone.now()
        export = RightsExport.objects.create(
            request=request, sealed=seal(KeyPurpose.RIGHTS_EXPORT, document,
                                         aad=_aad(request.id)),
            created_at=now, expires_at=now + EXPORT_AVAILABLE_FOR)
        rights_request_mark_fulfilled_by_export(request_id=request.id)
    return export


def rights_export_open(*, export: RightsExport, now: dt.datetime | None = None
                       ) -> dict[str, Any]:
    """The decrypted document, while it is available."""
    if export.erased_at or not export.sealed or export.expires_at <= (now or timezone.now()):
        raise DomainError(_("This download has expired; file a new request."),
                          code="export_expired")
    plaintext = unseal(KeyPurpose.RIGHTS_EXPORT, bytes(export.sealed),
                       aad=_aad(export.request_id))
    return json.loads(plaintext)


def rights_exports_erase_expired(*, now: dt.datetime | None = None) -> int:
    """The sweep: destroy expired exports' ciphertext (the row stays as the record)."""
    now = now or timezone.now()
    ids = list(RightsExport.objects.filter(erased_at__isnull=True, expires_at__lte=now)
               .values_list("id", flat=True)[:ERASE_BATCH_SIZE])
    return RightsExport.objects.filter(id__in=ids).update(sealed=None, erased_at=now)
