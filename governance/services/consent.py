"""Writes of the consent ledger: give, withdraw, renew, expire, refuse.

Each service locks the deployment row (which serialises its ledger chain), changes the
consent's current state and appends the ledger entry in the same transaction. Validation
happens before the first write, so a refused call stores nothing.
"""

import datetime as dt
import secrets
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.compliance.packs import pack_for
from governance.errors import DomainError, InvalidTransition, PolicyRefusal
from governance.models import (
    Consent,
    ConsentLedgerEntry,
    ConsentMethod,
    ConsentState,
    Deployment,
    DeploymentNotice,
    DeploymentStatus,
    LedgerEntryKind,
    LinkVia,
    Purpose,
    Refusal,
    SealedFile,
    SubjectLink,
)
from governance.permissions import is_citizen, require
from governance.platform.crypto import KeyPurpose, keyed_hash
from governance.platform.ledger import chain_append
from governance.platform.uploads import DOCUMENT_POLICY, upload_store
from governance.purge import PurgeReason, subject_purge_schedule

# Enterprises may collect consent before launch; never for a deployment that was stopped.
CONSENT_OPEN_STATUSES = {DeploymentStatus.DRAFT, DeploymentStatus.PENDING_APPROVAL,
                         DeploymentStatus.ACTIVE}
SIGNED_METHODS = {ConsentMethod.WRITTEN_SIGNATURE, ConsentMethod.ELECTRONIC_SIGNATURE}
CLICK_RECORD_FIELDS = ("time", "ip", "user_agent")
EXPIRY_BATCH_SIZE = 500
CONSENT_EVIDENCE_PURPOSE = "consent_evidence"


def actor_label(actor: Any) -> str:
    """How a ledger names who acted: stable text, never a foreign key that could change."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    return f"user:{actor.pk}:{actor.username}"


def contact_normalize(contact: str) -> str:
    """An email address in lower case, or a phone number as + and digits only."""
    contact = contact.strip()
    if "@" in contact:
        local, _at, domain = contact.rpartition("@")
        if local and "." in domain:
            return f"{local}@{domain}".lower()
    digits = "".join(ch for ch in contact if ch.isdigit())
    if 6 <= len(digits) <= 15 and not any(ch.isalpha() for ch in contact):
        return ("+" if contact.startswith("+") else "") + digits
    raise DomainError(_("Give an email address or a phone number."), code="invalid_contact")


def contact_hash(contact: str) -> str:
    return keyed_hash(KeyPurpose.CONTACT_HASH, contact_normalize(contact))


def _lock(deployment: Deployment) -> Deployment:
    return Deployment.objects.select_related("organisation").select_for_update().get(
        pk=deployment.pk)


def consent_ledger_append(*, deployment: Deployment, kind: str, subject_ref: str,
                          actor: Any, payload: dict[str, Any], consent: Consent | None = None,
                          refusal: Refusal | None = None) -> ConsentLedgerEntry:
    """Append one entry; the caller holds the deployment lock in its transaction."""
    entry = ConsentLedgerEntry(deployment=deployment, kind=kind, subject_ref=subject_ref,
                               consent=consent, refusal=refusal, actor=actor_label(actor),
                               payload=payload, recorded_at=timezone.now())
    return chain_append(entry)


def current_notice(deployment: Deployment) -> DeploymentNotice | None:
    return (deployment.notices.filter(published_at__isnull=False)
            .order_by("-version").first())


def _resolve_notice(deployment: Deployment, notice_version: int | None) -> DeploymentNotice:
    notice = current_notice(deployment)
    if notice is None:
        raise DomainError(_("The deployment has no published notice; consent cannot be informed."),
                          code="no_published_notice")
    if notice_version is not None and notice_version != notice.version:
        raise DomainError(_("Consent must be given under the current notice (version %(version)s).")
                          % {"version": notice.version}, code="notice_outdated",
                          current_version=notice.version)
    return notice


def _resolve_purposes(deployment: Deployment, codes: list[str]) -> list[Purpose]:
    if not codes:
        raise DomainError(_("Name at least one purpose."), code="purposes_required")
    allowed = {p.code: p for p in deployment.purposes.all()}
    unknown = sorted(set(codes) - set(allowed))
    if unknown:
        raise PolicyRefusal(_("Not purposes of this deployment: %(purposes)s.")
                            % {"purposes": ", ".join(unknown)},
                            code="purpose_not_allowed")
    return [allowed[code] for code in sorted(set(codes))]


def _check_evidence(*, method: str, evidence: dict[str, Any],
                    evidence_file: UploadedFile | None) -> None:
    if method not in ConsentMethod.values:
        raise DomainError(_("Unknown consent method %(method)r.") % {"method": method},
                          code="invalid_method")
    if method in SIGNED_METHODS and evidence_file is None:
        raise DomainError(_("A signed consent needs the signed form as evidence."),
                          code="evidence_required")
    if method == ConsentMethod.IN_APP_EXPLICIT and not all(evidence.get(k)
                                                           for k in CLICK_RECORD_FIELDS):
        raise DomainError(_("An in-app consent needs its click record: time, IP, user agent."),
                          code="evidence_required")


def _is_minor(deployment: Deployment, *, minor: bool, age: int | None) -> bool:
    """Below the guardian age of the deployment's pack (PIPL Art. 31: 14; GDPR Art. 8(1):
    16 or the member state's 13–15; Illinois: 18), by the declared flag or the age."""
    if age is not None and age < 0:
        raise DomainError(_("An age cannot be negative."), code="invalid_age")
    pack = pack_for(deployment.jurisdiction)
    return minor or (age is not None and pack.needs_guardian(age))


def _check_guardian(deployment: Deployment, minor: bool, guardian_name: str,
                    guardian_relationship: str) -> None:
    if minor and not (guardian_name.strip() and guardian_relationship.strip()):
        pack = pack_for(deployment.jurisdiction)
        raise DomainError(
            _("For a person under %(age)d the guardian consents: give their name and "
              "relationship (%(reference)s).") % {
                "age": pack.guardian_age, "reference": pack.guardian_citation.reference},
            code="guardian_required")


def citizen_subject_ref(*, citizen: Any, deployment: Deployment) -> str:
    """The pseudonym this deployment knows the citizen by, creating one on first consent."""
    link = SubjectLink.objects.filter(citizen=citizen, deployment=deployment).first()
    if link:
        return link.subject_ref
    subject_ref = f"c-{secrets.token_hex(8)}"
    SubjectLink.objects.create(citizen=citizen, deployment=deployment, subject_ref=subject_ref,
                               via=LinkVia.PORTAL)
    return subject_ref


def _given_payload(consent: Consent, purposes: list[Purpose]) -> dict[str, Any]:
    return {
        "receipt_id": str(consent.receipt_id),
        "purposes": [p.code for p in purposes],
        "notice_version": consent.notice_version,
        "language": consent.language,
        "storage": consent.deployment.storage,
        "central_storage_consent": consent.central_storage,
        "method": consent.method,
        "evidence": consent.evidence,
        "evidence_sha256": consent.evidence_sha256,
        "expires_at": consent.expires_at.isoformat() if consent.expires_at else None,
        "subject_minor": consent.subject_minor,
        "guardian_age": pack_for(consent.deployment.jurisdiction).guardian_age,
        "guardian": ({"name": consent.guardian_name,
                      "relationship": consent.guardian_relationship}
                     if consent.subject_minor else None),
        "contact_hash": consent.contact_hash,
    }


@transaction.atomic
def consent_give(*, deployment: Deployment, actor: Any, purposes: list[str],
                 method: str, subject_ref: str = "", notice_version: int | None = None,
                 central_storage: bool = False, evidence: dict[str, Any] | None = None,
                 evidence_file: UploadedFile | None = None,
                 expires_at: dt.datetime | None = None, subject_minor: bool = False,
                 subject_age: int | None = None, subject_under_14: bool = False,
                 guardian_name: str = "", guardian_relationship: str = "",
                 contact: str = "") -> Consent:
    """Record a consent and its `given` ledger entry — or, when the person's consent to
    exactly these purposes is already in force, renew that one (`renewed` entry) instead of
    keeping two. The returned consent's `renewed` attribute says which happened.

    A citizen consents for themselves (their pseudonym is found or created, the method is
    in-app); enterprise staff record a consent they collected, naming the subject. A subject
    below the guardian age of the deployment's pack (`subject_minor`, or `subject_age`;
    `subject_under_14` is the Chinese wording of the same flag) consents through a guardian.
    """
    deployment = _lock(deployment)
    as_citizen = is_citizen(actor)
    if as_citizen:
        require(actor, "consent.give_as_citizen", deployment)
        method, subject_minor, subject_under_14, subject_age = (
            ConsentMethod.IN_APP_EXPLICIT, False, False, None)
    else:
        require(actor, "consent.record", deployment)
        if not subject_ref.strip():
            raise DomainError(_("Name the subject (subject_ref)."), code="subject_ref_required")
    if deployment.status not in CONSENT_OPEN_STATUSES:
        raise PolicyRefusal(_("The deployment does not take consents (status: %(status)s).")
                            % {"status": deployment.get_status_display().lower()},
                            code="deployment_not_active")
    chosen = _resolve_purposes(deployment, purposes)
    notice = _resolve_notice(deployment, notice_version)
    evidence = evidence or {}
    _check_evidence(method=method, evidence=evidence, evidence_file=evidence_file)
    minor = _is_minor(deployment, minor=subject_minor or subject_under_14, age=subject_age)
    _check_guardian(deployment, minor, guardian_name, guardian_relationship)
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise DomainError(_("A consent cannot expire in the past."), code="invalid_expiry")
    hashed_contact = contact_hash(contact) if contact.strip() else ""

    # Refused (413/415/400) before anything is written; sealed, never kept in plain bytes.
    sealed = (upload_store(file=evidence_file, policy=DOCUMENT_POLICY,
                           purpose=CONSENT_EVIDENCE_PURPOSE, uploaded_by=actor,
                           organisation=deployment.organisation)
              if evidence_file is not None else None)
    if as_citizen:
        subject_ref = citizen_subject_ref(citizen=actor, deployment=deployment)
    same = _same_active_consent(deployment, subject_ref.strip(), chosen, central_storage, now)
    if same is not None:
        return _consent_give_again(
            same, actor=actor, notice=notice, method=method, evidence=evidence,
            sealed=sealed, expires_at=expires_at, contact_hash=hashed_contact)
    consent = Consent.objects.create(
        deployment=deployment, subject_ref=subject_ref.strip(), notice=notice,
        notice_version=notice.version, language=notice.language,
        central_storage=central_storage, method=method, evidence=evidence,
        evidence_upload=sealed, evidence_sha256=sealed.sha256 if sealed else "",
        expires_at=expires_at, subject_minor=minor,
        guardian_name=guardian_name.strip(), guardian_relationship=guardian_relationship.strip(),
        contact_hash=hashed_contact, citizen=actor if as_citizen else None, given_at=now,
        recorded_by=None if as_citizen else actor,
    )
    consent.purposes.set(chosen)
    consent_ledger_append(deployment=deployment, kind=LedgerEntryKind.GIVEN,
                          subject_ref=consent.subject_ref, actor=actor, consent=consent,
                          payload=_given_payload(consent, chosen))
    consent.renewed = False
    return consent


def _same_active_consent(deployment: Deployment, subject_ref: str, purposes: list[Purpose],
                         central_storage: bool, now: dt.datetime) -> Consent | None:
    """The person's consent in force for exactly these purposes (and the same separate
    consent to central storage), if any: giving it again renews it."""
    wanted = {p.id for p in purposes}
    candidates = (Consent.objects.select_for_update()
                  .filter(deployment=deployment, subject_ref=subject_ref,
                          state=ConsentState.ACTIVE, central_storage=central_storage)
                  .prefetch_related("purposes").order_by("-given_at", "-id"))
    for consent in candidates:
        in_force = consent.expires_at is None or consent.expires_at > now
        if in_force and {p.id for p in consent.purposes.all()} == wanted:
            return consent
    return None


def _consent_give_again(consent: Consent, *, actor: Any, notice: DeploymentNotice,
                        method: str, evidence: dict[str, Any],
                        sealed: SealedFile | None, expires_at: dt.datetime | None,
                        contact_hash: str) -> Consent:
    """One consent per person and purposes: a second giving renews the one in force under the
    current notice with the new evidence, and the ledger records a `renewed` entry."""
    consent.notice, consent.notice_version, consent.language = (notice, notice.version,
                                                                notice.language)
    consent.needs_renewal, consent.method, consent.evidence = False, method, evidence
    consent.expires_at = expires_at
    consent.contact_hash = contact_hash or consent.contact_hash
    if sealed is not None:
        consent.evidence_upload, consent.evidence_sha256 = sealed, sealed.sha256
    consent.save()
    consent_ledger_append(
        deployment=consent.deployment, kind=LedgerEntryKind.RENEWED,
        subject_ref=consent.subject_ref, actor=actor, consent=consent,
        payload={"receipt_id": str(consent.receipt_id), "given_again": True,
                 "notice_version": notice.version, "method": method, "evidence": evidence,
                 "evidence_sha256": sealed.sha256 if sealed else "",
                 "expires_at": expires_at.isoformat() if expires_at else None})
    consent.renewed = True
    return consent


def _lock_consent(consent: Consent) -> tuple[Deployment, Consent]:
    deployment = _lock(consent.deployment)  # always the deployment first: one lock order
    return deployment, Consent.objects.select_for_update().get(pk=consent.pk)


@transaction.atomic
def consent_withdraw(*, consent: Consent, actor: Any, reason: str = "") -> Consent:
    """Withdraw, append the `withdrawn` entry, and schedule the subject's purge (after
    commit): withdrawal means deletion of that subject's templates in the deployment."""
    deployment, consent = _lock_consent(consent)
    require(actor, "consent.change", consent)
    if consent.state != ConsentState.ACTIVE:
        raise InvalidTransition(_("This consent is already %(state)s.")
                                % {"state": consent.get_state_display().lower()},
                                code="consent_not_active")
    consent.state, consent.withdrawn_at = ConsentState.WITHDRAWN, timezone.now()
    consent.save(update_fields=["state", "withdrawn_at"])
    consent_ledger_append(deployment=deployment, kind=LedgerEntryKind.WITHDRAWN,
                          subject_ref=consent.subject_ref, actor=actor, consent=consent,
                          payload={"receipt_id": str(consent.receipt_id),
                                   "reason": reason.strip()})
    subject_purge_schedule(deployment=deployment, subject_ref=consent.subject_ref,
                           reason=PurgeReason.CONSENT_WITHDRAWN)
    return consent


@transaction.atomic
def consent_renew(*, consent: Consent, actor: Any, evidence: dict[str, Any] | None = None,
                  expires_at: dt.datetime | None = None) -> Consent:
    """The person consents again under the current notice (after a material change)."""
    deployment, consent = _lock_consent(consent)
    require(actor, "consent.change", consent)
    if consent.state != ConsentState.ACTIVE:
        raise InvalidTransition(_("Only an active consent can be renewed; give a new one."),
                                code="consent_not_active")
    notice = _resolve_notice(deployment, None)
    if not consent.needs_renewal and consent.notice_version == notice.version:
        raise InvalidTransition(_("This consent is already under the current notice."),
                                code="renewal_not_needed")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("A consent cannot expire in the past."), code="invalid_expiry")
    consent.notice, consent.notice_version, consent.needs_renewal = notice, notice.version, False
    consent.expires_at = expires_at or consent.expires_at
    consent.save(update_fields=["notice", "notice_version", "needs_renewal", "expires_at"])
    consent_ledger_append(deployment=deployment, kind=LedgerEntryKind.RENEWED,
                          subject_ref=consent.subject_ref, actor=actor, consent=consent,
                          payload={"receipt_id": str(consent.receipt_id),
                                   "notice_version": notice.version,
                                   "evidence": evidence or {},
                                   "expires_at": (consent.expires_at.isoformat()
                                                  if consent.expires_at else None)})
    return consent


@transaction.atomic
def consent_expire(*, consent: Consent, now: dt.datetime | None = None) -> Consent | None:
    """Mark one due consent expired (idempotent), append `expired`, schedule the purge."""
    deployment, consent = _lock_consent(consent)
    now = now or timezone.now()
    if consent.state != ConsentState.ACTIVE or not consent.expires_at or consent.expires_at > now:
        return None
    consent.state = ConsentState.EXPIRED
    consent.save(update_fields=["state"])
    consent_ledger_append(deployment=deployment, kind=LedgerEntryKind.EXPIRED,
                          subject_ref=consent.subject_ref, actor=None, consent=consent,
                          payload={"receipt_id": str(consent.receipt_id),
                                   "expires_at": consent.expires_at.isoformat()})
    subject_purge_schedule(deployment=deployment, subject_ref=consent.subject_ref,
                           reason=PurgeReason.CONSENT_EXPIRED)
    return consent


def consents_expire_due(*, now: dt.datetime | None = None) -> int:
    """The sweep: expire every active consent whose expiry has passed (one transaction each)."""
    now = now or timezone.now()
    due = Consent.objects.filter(state=ConsentState.ACTIVE, expires_at__lte=now)
    expired = [consent_expire(consent=c, now=now)
               for c in due.order_by("expires_at")[:EXPIRY_BATCH_SIZE]]
    return sum(1 for c in expired if c is not None)


@transaction.atomic
def refusal_record(*, deployment: Deployment, actor: Any, subject_ref: str = "",
                   note: str = "") -> Refusal:
    """The person refused face recognition; the answer is the deployment's non-face
    alternative. Refusing never blocks the service and never touches existing consents."""
    deployment = _lock(deployment)
    as_citizen = is_citizen(actor)
    require(actor, "consent.give_as_citizen" if as_citizen else "consent.record", deployment)
    if as_citizen:
        link = SubjectLink.objects.filter(citizen=actor, deployment=deployment).first()
        subject_ref = link.subject_ref if link else ""
    refusal = Refusal.objects.create(
        deployment=deployment, subject_ref=subject_ref.strip(),
        citizen=actor if as_citizen else None, alternative_offered=deployment.non_face_alternative,
        note=note.strip(), recorded_at=timezone.now(), recorded_by=None if as_citizen else actor)
    consent_ledger_append(deployment=deployment, kind=LedgerEntryKind.REFUSED,
                          subject_ref=refusal.subject_ref, actor=actor, refusal=refusal,
                          payload={"alternative_offered": refusal.alternative_offered,
                                   "note": refusal.note})
    return refusal
