"""The policy gate recognition calls before it touches a face: "may deployment D process
subject S for purpose P now?".

Every call decides on the current state (not the caller's possibly stale Deployment instance),
so a withdrawal, a suspension or a new notice refuses the very next call. The deployment's
facts (status, purposes, storage, the regulator's latest decision) and the person's (their
consents with the ledger entries each is compared with, a restriction in force) are cached
under version stamps bumped by every change to them (governance/platform/stamps.py: the next
call after a committed change reads the database); expiry is decided from the dates on every
call, and `from_database=True` reads past the caches (the enrolment's re-check inside its
write). The answer is a `PolicyDecision`; the
`*_require` twins raise `PolicyRefusal` with the refusal code instead, which the API renders as 403.
"""

import datetime as dt
import hashlib
import logging
import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.errors import PolicyRefusal
from governance.models import (
    Consent,
    ConsentState,
    Decision,
    Deployment,
    DeploymentDecision,
    DeploymentStatus,
    Interest,
    LegalBasis,
    ProcessingRestriction,
    Scenario,
    Storage,
)
from governance.selectors.consent_ledger import (
    consent_ledger_disagreement,
    consents_with_entries,
)

logger = logging.getLogger(__name__)


class Operation(StrEnum):
    ENROLL = "enroll"
    VERIFY = "verify"
    IDENTIFY = "identify"
    DELETE = "delete"


class RefusalCode(StrEnum):
    DEPLOYMENT_NOT_ACTIVE = "deployment_not_active"
    PURPOSE_NOT_ALLOWED = "purpose_not_allowed"
    NO_CONSENT = "no_consent"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CONSENT_EXPIRED = "consent_expired"
    CONSENT_NEEDS_RENEWAL = "consent_needs_renewal"
    SEPARATE_CONSENT_MISSING = "separate_consent_missing"
    # The consent row says something its ledger does not: tampering, or a bug to investigate.
    CONSENT_LEDGER_MISMATCH = "consent_ledger_mismatch"
    RESTRICTED = "restricted"
    UNKNOWN_OPERATION = "unknown_operation"


class Basis(StrEnum):
    CONSENT = "consent"
    LEGAL_BASIS = "legal_basis"  # a regulator-approved public-security deployment
    DELETION = "deletion"  # deleting is always allowed
    DEPLOYMENT = "deployment"  # deployment-level check only (1:N search before matching)


@dataclass(frozen=True)
class PolicyDecision:
    allowed: bool
    detail: str
    code: str = ""  # a RefusalCode when refused
    basis: str = ""  # a Basis when allowed
    receipt_id: uuid.UUID | None = None  # the consent relied on
    legal_basis: str = ""  # the deployment's legal basis relied on, when basis is legal_basis

    def raise_if_refused(self) -> "PolicyDecision":
        if not self.allowed:
            raise PolicyRefusal(self.detail, code=self.code)
        return self


def _refuse(code: RefusalCode, detail: str) -> PolicyDecision:
    return PolicyDecision(allowed=False, code=code, detail=detail)


_REFUSAL_TEXT = {
    RefusalCode.NO_CONSENT: _("The person has not consented to this purpose here."),
    RefusalCode.CONSENT_WITHDRAWN: _("The person withdrew their consent."),
    RefusalCode.CONSENT_EXPIRED: _("The person's consent has expired."),
    RefusalCode.CONSENT_NEEDS_RENEWAL: _(
        "The notice changed materially since the person consented; they must consent again."),
    RefusalCode.SEPARATE_CONSENT_MISSING: _(
        "This deployment stores templates centrally, which needs the person's separate "
        "consent (CAC Measures Art. 8)."),
    RefusalCode.CONSENT_LEDGER_MISMATCH: _(
        "The consent record does not match the consent ledger, so it cannot be relied on; "
        "processing is refused until the operator investigates."),
}


@dataclass(frozen=True)
class DeploymentFacts:
    """What the gate needs of a deployment, as stored (cached under its stamp)."""

    id: int
    status: str
    storage: str
    purposes: frozenset[str]
    approved_legal_basis: str  # "" unless a regulator-approved public-security basis

    def get_status_display(self) -> str:
        return str(DeploymentStatus(self.status).label)


POLICY_STAMP = "policy-facts"
CONSENT_STAMP = "consent-facts"


def _load_facts(deployment_id: int) -> DeploymentFacts | None:
    row = (Deployment.objects.filter(pk=deployment_id)
           .only("status", "scenario", "interest", "legal_basis", "storage").first())
    if row is None:
        return None
    return DeploymentFacts(
        id=row.id, status=row.status, storage=row.storage,
        purposes=frozenset(row.purposes.values_list("code", flat=True)),
        approved_legal_basis=_approved_legal_basis(row))


def _fresh(deployment: Deployment | int, *, from_database: bool = False
           ) -> DeploymentFacts | None:
    from governance.platform.stamps import stamped

    deployment_id = deployment if isinstance(deployment, int) else deployment.pk
    if from_database:
        return _load_facts(deployment_id)
    return stamped(POLICY_STAMP, deployment_id, lambda: _load_facts(deployment_id))


def consent_stamp_ident(deployment_id: int, subject_ref: str) -> str:
    # A digest: a reference is the operator's free text, a cache key should not be.
    return f"{deployment_id}:{hashlib.sha256(subject_ref.encode()).hexdigest()[:32]}"


def consent_facts_changed(*, deployment_id: int, subject_ref: str) -> None:
    """The person's consents or restrictions here changed (signals call this; so must an
    `.update()` or `bulk_create` of them)."""
    from governance.platform.stamps import stamp_bump

    stamp_bump(CONSENT_STAMP, consent_stamp_ident(deployment_id, subject_ref))


def policy_facts_changed(*, deployment_id: int) -> None:
    """The deployment's gate facts changed (signals call this; so must a `.update()`)."""
    from governance.platform.stamps import stamp_bump

    stamp_bump(POLICY_STAMP, deployment_id)


def _deployment_decision(deployment: DeploymentFacts | None, purpose: str) -> PolicyDecision:
    if deployment is None or deployment.status != DeploymentStatus.ACTIVE:
        status = deployment.get_status_display().lower() if deployment else _("unknown")
        return _refuse(RefusalCode.DEPLOYMENT_NOT_ACTIVE,
                       _("The deployment is not active (status: %(status)s).")
                       % {"status": status})
    if purpose not in deployment.purposes:
        return _refuse(RefusalCode.PURPOSE_NOT_ALLOWED,
                       _("%(purpose)r is not one of this deployment's approved purposes.")
                       % {"purpose": purpose})
    return PolicyDecision(allowed=True, basis=Basis.DEPLOYMENT,
                          detail=_("The deployment may run for this purpose."))


def _approved_legal_basis(deployment: Deployment) -> str:
    """The legal basis recorded on the regulator's approval of a public-security deployment
    that processes under the law rather than consent ("" when there is none). The latest
    decision counts: a later rejection withdraws the basis."""
    if not (deployment.legal_basis == LegalBasis.PUBLIC_SECURITY_LAW
            and deployment.scenario == Scenario.PUBLIC_SECURITY
            and deployment.interest == Interest.PUBLIC):
        return ""
    latest = (DeploymentDecision.objects.filter(deployment_id=deployment.id)
              .order_by("-decided_at", "-id").only("decision", "legal_basis").first())
    if latest is None or latest.decision != Decision.APPROVED:
        return ""
    return latest.legal_basis.strip()


def _restricted(deployment: DeploymentFacts, subject_ref: str) -> bool:
    """A granted restriction request is in force for the person (GDPR Art. 18)."""
    return ProcessingRestriction.objects.filter(
        deployment_id=deployment.id, subject_ref=subject_ref, lifted_at__isnull=True).exists()


def _consent_outcome(consent: Consent, deployment: DeploymentFacts, now: dt.datetime
                     ) -> RefusalCode | None:
    """Why this consent does not cover processing now, or None if it does."""
    if consent.state == ConsentState.WITHDRAWN:
        return RefusalCode.CONSENT_WITHDRAWN
    if consent.state == ConsentState.EXPIRED or (consent.expires_at and consent.expires_at <= now):
        return RefusalCode.CONSENT_EXPIRED
    if consent.needs_renewal:
        return RefusalCode.CONSENT_NEEDS_RENEWAL
    if deployment.storage == Storage.CENTRAL and not consent.central_storage:
        return RefusalCode.SEPARATE_CONSENT_MISSING
    return None


_RESTRICTED_TEXT = _("The person asked to restrict the processing of their data here and the "
                     "operator granted it: their data is kept, not used.")


def _restriction_decision(deployment: DeploymentFacts, subject_ref: str,
                          covering: list[Consent] | None = None) -> PolicyDecision | None:
    """The refusal when a restriction is in force, else None. With `covering` (consent rows
    read with the restriction annotated, see `_consent_decision`) no query is made unless there
    is no row to carry the answer."""
    if covering:
        restricted = covering[0].restricted
    else:
        restricted = _restricted(deployment, subject_ref)
    return _refuse(RefusalCode.RESTRICTED, _RESTRICTED_TEXT) if restricted else None


# What the gate and the ledger comparison read of a consent row (not its evidence or contact).
CONSENT_GATE_COLUMNS = ("id", "receipt_id", "deployment_id", "subject_ref", "state",
                        "expires_at", "needs_renewal", "central_storage", "notice_version",
                        "given_at")


def _covering_consents(deployment: DeploymentFacts, subject_ref: str,
                       purpose: str) -> list[tuple[Consent, list[tuple]]]:
    """The person's consents to `purpose` here, newest first, each with its ledger entries,
    and whether a restriction is in force: one round trip."""
    return consents_with_entries(
        Consent.objects.filter(deployment_id=deployment.id, subject_ref=subject_ref,
                               purposes__code=purpose)
        .only(*CONSENT_GATE_COLUMNS)
        .annotate(restricted=Exists(ProcessingRestriction.objects.filter(
            deployment_id=deployment.id, subject_ref=subject_ref, lifted_at__isnull=True)))
        .order_by("-given_at", "-id"))


def _consent_decision(deployment: DeploymentFacts, subject_ref: str, purpose: str,
                      now: dt.datetime, *, from_database: bool = False) -> PolicyDecision:
    # The consents as read (and compared with their ledger) come from the stamped cache
    # unless `from_database`: what the gate decides from them — expiry included — is decided
    # now, on every call. Every write to a consent, its purposes, its ledger or a restriction
    # bumps the person's stamp (connect_policy_cache); a deployment-wide change (a notice
    # sending consents back for renewal) bumps the deployment's. A row changed behind the
    # services' back is not re-read until then, and was compared with its ledger when it was:
    # a cached refusal stays a refusal.
    from governance.platform.stamps import stamped

    def load() -> list[tuple[Consent, list[tuple]]]:
        return _covering_consents(deployment, subject_ref, purpose)

    covering = load() if from_database else stamped(
        CONSENT_STAMP, consent_stamp_ident(deployment.id, subject_ref), load,
        variant=purpose, within=(POLICY_STAMP, deployment.id))
    restriction = _restriction_decision(deployment, subject_ref,
                                        [consent for consent, _ in covering])
    if restriction is not None:
        return restriction
    newest_refusal: RefusalCode | None = None
    for consent, entries in covering:
        outcome = _consent_outcome(consent, deployment, now)
        if outcome is None:
            # Never rely on a row alone: it must agree with the ledger.
            disagreement = consent_ledger_disagreement(consent=consent, purpose=purpose,
                                                       entries=entries)
            if disagreement:
                logger.error("Consent %s disagrees with its ledger: %s", consent.receipt_id,
                             disagreement)
                code = RefusalCode.CONSENT_LEDGER_MISMATCH
                return _refuse(code, str(_REFUSAL_TEXT[code]))
            return PolicyDecision(allowed=True, basis=Basis.CONSENT,
                                  receipt_id=consent.receipt_id,
                                  detail=_("The person's consent covers this purpose."))
        newest_refusal = newest_refusal or outcome
    code = newest_refusal or RefusalCode.NO_CONSENT
    return _refuse(code, _REFUSAL_TEXT[code])


def policy_check_deployment(*, deployment: Deployment | int, purpose: str) -> PolicyDecision:
    """Deployment-level gate: active and the purpose approved. For a 1:N search before any
    subject is known; recognition then calls `policy_check` for each matched subject."""
    return _deployment_decision(_fresh(deployment), purpose)


def policy_require_active(*, deployment: Deployment | int) -> None:
    """Raise `deployment_not_active` unless the stored status is active: a device of a
    stopped deployment may not act at all (not even to delete — people's data is destroyed
    through withdrawal, rights requests, retention and decommissioning, which never ask)."""
    fresh = _fresh(deployment)
    if fresh is None or fresh.status != DeploymentStatus.ACTIVE:
        status = fresh.get_status_display().lower() if fresh else _("unknown")
        raise PolicyRefusal(_("The deployment is not active (status: %(status)s).")
                            % {"status": status},
                            code=RefusalCode.DEPLOYMENT_NOT_ACTIVE)


def policy_check(*, deployment: Deployment | int, subject_ref: str, purpose: str,
                 operation: str, now: dt.datetime | None = None,
                 from_database: bool = False) -> PolicyDecision:
    """May `deployment` perform `operation` on `subject_ref` for `purpose` now?
    `from_database`: read every fact now, past the read caches (a check inside the write it
    guards, where a change committed a moment ago must count)."""
    if operation == Operation.DELETE:
        # Destroying a person's data is never refused: not by status, purpose or consent.
        return PolicyDecision(allowed=True, basis=Basis.DELETION, detail=_("Deletion is allowed."))
    if operation not in {op.value for op in Operation}:
        return _refuse(RefusalCode.UNKNOWN_OPERATION,
                       _("Unknown operation %(operation)r.") % {"operation": operation})
    fresh = _fresh(deployment, from_database=from_database)
    decision = _deployment_decision(fresh, purpose)
    if not decision.allowed:
        return decision
    assert fresh is not None
    legal_basis = fresh.approved_legal_basis
    if legal_basis:
        restriction = _restriction_decision(fresh, subject_ref)
        if restriction is not None:
            return restriction
        return PolicyDecision(allowed=True, basis=Basis.LEGAL_BASIS, legal_basis=legal_basis,
                              detail=_("Processing rests on the public-security legal basis "
                                       "approved by the regulator, not on consent."))
    return _consent_decision(fresh, subject_ref, purpose, now or timezone.now(),
                             from_database=from_database)


def policy_require(*, deployment: Deployment | int, subject_ref: str, purpose: str,
                   operation: str, now: dt.datetime | None = None,
                   from_database: bool = False) -> PolicyDecision:
    """`policy_check`, raising `PolicyRefusal(code=...)` (HTTP 403) when refused."""
    return policy_check(deployment=deployment, subject_ref=subject_ref, purpose=purpose,
                        operation=operation, now=now,
                        from_database=from_database).raise_if_refused()


def policy_require_deployment(*, deployment: Deployment | int, purpose: str) -> PolicyDecision:
    return policy_check_deployment(deployment=deployment, purpose=purpose).raise_if_refused()


def connect_policy_cache() -> None:
    """Bump a deployment's gate facts on every change to them (GovernanceConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def deployment_changed(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
        policy_facts_changed(deployment_id=instance.pk)

    def decision_changed(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
        policy_facts_changed(deployment_id=instance.deployment_id)

    def purposes_changed(sender, instance, action, reverse, pk_set,  # type: ignore[no-untyped-def]
                         **kwargs) -> None:
        if not action.startswith("post_"):
            return
        if not reverse:
            policy_facts_changed(deployment_id=instance.pk)
        else:  # a purpose's deployments changed
            for deployment_id in pk_set or Deployment.objects.filter(
                    purposes=instance).values_list("id", flat=True):
                policy_facts_changed(deployment_id=deployment_id)

    for signal in (post_save, post_delete):
        signal.connect(deployment_changed, sender=Deployment, weak=False,
                       dispatch_uid="policy_facts_deployment")
        signal.connect(decision_changed, sender=DeploymentDecision, weak=False,
                       dispatch_uid="policy_facts_decision")
    m2m_changed.connect(purposes_changed, sender=Deployment.purposes.through, weak=False,
                        dispatch_uid="policy_facts_purposes")
    _connect_consent_facts()


def _connect_consent_facts() -> None:
    """Bump a person's cached consents on every change to a consent, its purposes, its
    ledger or a restriction of them."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from governance.models import ConsentLedgerEntry

    def person_changed(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
        consent_facts_changed(deployment_id=instance.deployment_id,
                              subject_ref=instance.subject_ref)

    def consent_purposes_changed(sender, instance, action, reverse,  # type: ignore[no-untyped-def]
                                 pk_set, **kwargs) -> None:
        if not action.startswith("post_"):
            return
        consents = [instance] if not reverse else Consent.objects.filter(
            **({"pk__in": pk_set} if pk_set else {"purposes": instance})).only(
            "deployment_id", "subject_ref")
        for consent in consents:
            person_changed(Consent, consent)

    for model in (Consent, ConsentLedgerEntry, ProcessingRestriction):
        for signal in (post_save, post_delete):
            signal.connect(person_changed, sender=model, weak=False,
                           dispatch_uid=f"consent_facts_{model.__name__}_{signal is post_save}")
    m2m_changed.connect(consent_purposes_changed, sender=Consent.purposes.through, weak=False,
                        dispatch_uid="consent_facts_purposes")
