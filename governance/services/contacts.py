"""A citizen links their account to subjects by proving a contact the enterprise recorded.

The contact is never stored: the proof keeps its keyed hash (the same one the consent
carries) and the one-time code as a keyed hash bound to that contact.
"""

import datetime as dt
import hmac
import logging
import secrets
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import DomainError, NotFound, NotPermitted
from governance.models import Consent, ContactProof, LinkVia, SubjectLink
from governance.permissions import is_citizen
from governance.platform.crypto import KeyPurpose, keyed_hash
from governance.platform.notifications import mail_send_later
from governance.services.consent import contact_hash, contact_normalize

logger = logging.getLogger(__name__)

CODE_VALID_FOR = dt.timedelta(minutes=15)
MAX_ATTEMPTS = 5
MAX_PROOFS_PER_HOUR = 5


def _code_hash(hashed_contact: str, code: str) -> str:
    return keyed_hash(KeyPurpose.CONTACT_PROOF_CODE, f"{hashed_contact}:{code}")


def _deliver_code(contact: str, code: str) -> None:
    """Email is queued in the mail outbox (sent after commit by a task: a mail server that is
    down never fails the request). No SMS gateway is configured on this platform yet, so phone
    codes go to the log after commit (an operator relays them)."""
    text = _("Your FaceGov code is %(code)s. It is valid for 15 minutes.") % {"code": code}
    if "@" in contact:
        mail_send_later(to=contact, subject=_("Your FaceGov verification code"), body=text)
    else:
        transaction.on_commit(partial(logger.info, "SMS outbox to %s: %s", contact, text))


@transaction.atomic
def contact_proof_start(*, citizen: Any, contact: str) -> ContactProof:
    """Send a one-time code to `contact` (after commit); the proof stores hashes only."""
    if not is_citizen(citizen):
        raise NotPermitted(_("Only a citizen account links itself to subjects."))
    normalized = contact_normalize(contact)
    recent = ContactProof.objects.filter(
        citizen=citizen, created_at__gte=timezone.now() - dt.timedelta(hours=1))
    if recent.count() >= MAX_PROOFS_PER_HOUR:
        raise DomainError(_("Too many codes requested; try again in an hour."),
                          code="too_many_attempts")
    code = f"{secrets.randbelow(10**6):06d}"
    hashed = contact_hash(normalized)
    proof = ContactProof.objects.create(citizen=citizen, contact_hash=hashed,
                                        code_hash=_code_hash(hashed, code),
                                        expires_at=timezone.now() + CODE_VALID_FOR)
    _deliver_code(normalized, code)
    return proof


def contact_proof_confirm(*, citizen: Any, proof_id: int, code: str) -> list[SubjectLink]:
    """Check the code; on success link every subject recorded with that contact."""
    proof = ContactProof.objects.filter(id=proof_id, citizen=citizen).first()
    if proof is None:
        raise NotFound(_("No such contact proof."))
    if proof.verified_at or proof.expires_at <= timezone.now() or proof.attempts >= MAX_ATTEMPTS:
        raise DomainError(_("This code can no longer be used; ask for a new one."),
                          code="code_expired")
    # Count the attempt in its own write, so a wrong code is counted even though we raise.
    ContactProof.objects.filter(id=proof.id).update(attempts=F("attempts") + 1)
    if not hmac.compare_digest(proof.code_hash, _code_hash(proof.contact_hash, code.strip())):
        raise DomainError(_("That code is not right."), code="invalid_code")
    return _link_subjects(proof=proof)


@transaction.atomic
def _link_subjects(*, proof: ContactProof) -> list[SubjectLink]:
    proof = ContactProof.objects.select_for_update().get(id=proof.id)
    if proof.verified_at:
        raise DomainError(_("This code was already used."), code="code_expired")
    proof.verified_at = timezone.now()
    proof.save(update_fields=["verified_at"])
    links = []
    subjects = (Consent.objects.filter(contact_hash=proof.contact_hash)
                .values_list("deployment_id", "subject_ref").distinct())
    for deployment_id, subject_ref in subjects:
        link, _created = SubjectLink.objects.get_or_create(
            deployment_id=deployment_id, subject_ref=subject_ref,
            defaults={"citizen": proof.citizen, "via": LinkVia.CONTACT_PROOF})
        if link.citizen_id == proof.citizen_id:
            links.append(link)
        else:  # someone else already holds this pseudonym: never hand it to a second account
            logger.warning("Subject %s of deployment %s is linked to another account",
                           subject_ref, deployment_id)
    return links
