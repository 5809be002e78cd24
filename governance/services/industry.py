"""Industry self-regulation writes (issue 12): conventions, membership and pledges, audits and
their results, probes and samples as evidence, findings and corrective actions, credit grades
and certificates, and requirements adopted as rules. One transaction each; bad input raises a
DomainError before anything is stored."""

import datetime as dt
import json
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from governance.audit import acting_as
from governance.conventions.credit import SEVERITY_OF_RESULT, action_due, credit_rate
from governance.conventions.library import ParsedLibrary, library_changes, library_parse
from governance.conventions.probes import probe_get, probe_names
from governance.errors import Conflict, DomainError, InvalidTransition, NotFound, NotPermitted
from governance.models import (
    ActionStatus,
    AdoptedRule,
    Audit,
    AuditCampaign,
    AuditStatus,
    Convention,
    CorrectiveAction,
    CreditCertificate,
    CreditGrade,
    Deployment,
    Evidence,
    EvidenceKind,
    ExtendedResult,
    Finding,
    FindingStatus,
    IndustryMembership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Pledge,
    RequirementNode,
    RequirementResult,
    Result,
    Role,
)
from governance.permissions import has_role
from governance.platform import signing
from governance.platform.crypto import KeyPurpose

BODY_ROLES = {Role.AUDITOR, Role.SECRETARIAT}
MEMBER_ROLES = {Role.ADMIN, Role.PRIVACY_OFFICER}
CERTIFICATE_FORMAT = "facegov-credit-certificate/v1"
CERTIFICATE_PURPOSE = KeyPurpose.CREDIT_CERTIFICATE_SIGNING
UPLOAD_EVIDENCE_DAYS = 365
MAX_SAMPLE = 50


def require_body_staff(user: Any, body: Organisation) -> None:
    if not has_role(user, body, BODY_ROLES):
        raise NotPermitted(_("Only an auditor of %(body)s may do this.") % {"body": body.name},
                           code="not_auditor_of_body")


def require_member_staff(user: Any, organisation: Organisation) -> None:
    if not has_role(user, organisation, MEMBER_ROLES):
        raise NotPermitted(_("Only an administrator or privacy officer of %(org)s may do this.")
                           % {"org": organisation.name}, code="not_member_staff")


def active_membership(*, industry_body: Organisation, enterprise: Organisation
                      ) -> IndustryMembership:
    membership = IndustryMembership.objects.filter(
        industry_body=industry_body, enterprise=enterprise,
        status=MembershipStatus.ACTIVE).first()
    if membership is None:
        raise DomainError(_("%(org)s is not a member of %(body)s.")
                          % {"org": enterprise.name, "body": industry_body.name},
                          code="not_a_member")
    return membership


# --- conventions ------------------------------------------------------------------------------


def _node_rows(convention: Convention, parsed: ParsedLibrary) -> list[RequirementNode]:
    return [RequirementNode(
        convention=convention, position=i, urn=n.urn, ref_id=n.ref_id[:100],
        parent_urn=n.parent_urn, depth=n.depth, assessable=n.assessable, name=n.name[:500],
        description=n.description, annotation=n.annotation, typical_evidence=n.typical_evidence,
        implementation_groups=n.implementation_groups, importance=n.importance[:30],
        questions=n.questions, translations=n.translations, weight=n.weight,
        legal_ref=n.legal_ref, auto_check=n.auto_check) for i, n in enumerate(parsed.nodes)]


def _previous_nodes(previous: Convention) -> list[dict]:
    fields = ["urn", "ref_id", "parent_urn", "depth", "assessable", "name", "description",
              "annotation", "typical_evidence", "implementation_groups", "importance",
              "questions", "translations", "legal_ref", "auto_check", "weight"]
    return [dict(row) for row in previous.nodes.values(*fields)]


@transaction.atomic
def convention_publish(*, industry_body: Organisation, actor: Any, source: bytes | str,
                       now: dt.datetime | None = None) -> Convention:
    """Store a library as a published, immutable version. Re-uploading an identical version is
    harmless (the stored one is returned); a different text under a published version number is
    refused; a new version records its differences from the latest earlier one."""
    require_body_staff(actor, industry_body)
    parsed = library_parse(source, known_probes=probe_names())
    text = source.decode("utf-8") if isinstance(source, bytes) else source
    existing = Convention.objects.filter(urn=parsed.urn, version=parsed.version).first()
    if existing is not None:
        if existing.source_yaml == text:
            return existing
        raise Conflict(_("Version %(version)d of %(urn)s is published and cannot change; "
                         "publish it as a new version.")
                       % {"version": parsed.version, "urn": parsed.urn},
                       code="version_immutable")
    previous = (Convention.objects.filter(urn=parsed.urn, version__lt=parsed.version)
                .order_by("-version").first())
    if Convention.objects.filter(urn=parsed.urn, version__gt=parsed.version).exists():
        raise Conflict(_("A later version of %(urn)s is already published.")
                       % {"urn": parsed.urn}, code="version_not_newer")
    if previous is not None and previous.industry_body_id != industry_body.pk:
        raise NotPermitted(_("Another industry body publishes %(urn)s.") % {"urn": parsed.urn},
                           code="not_auditor_of_body")
    changes = (library_changes(_previous_nodes(previous), parsed.nodes) if previous else {})
    with acting_as(actor):
        convention = Convention.objects.create(
            industry_body=industry_body, urn=parsed.urn, ref_id=parsed.ref_id[:100],
            name=parsed.name[:300], description=parsed.description, provider=parsed.provider,
            locale=parsed.locale[:10], version=parsed.version,
            publication_date=(dt.date.fromisoformat(parsed.publication_date[:10])
                              if parsed.publication_date else None),
            framework_urn=parsed.framework_urn, source_yaml=text, library=parsed.document,
            implementation_groups=parsed.implementation_groups, changes=changes,
            previous=previous, published_by=actor, published_at=now or timezone.now())
        RequirementNode.objects.bulk_create(_node_rows(convention, parsed))
    return convention


# --- membership and pledges --------------------------------------------------------------------


@transaction.atomic
def industry_membership_apply(*, industry_body: Organisation, enterprise: Organisation,
                              actor: Any, now: dt.datetime | None = None
                              ) -> IndustryMembership:
    require_member_staff(actor, enterprise)
    if industry_body.kind != OrganisationKind.INDUSTRY_BODY:
        raise DomainError(_("Only an industry body has members."), code="invalid_kind")
    now = now or timezone.now()
    membership = IndustryMembership.objects.filter(industry_body=industry_body,
                                                   enterprise=enterprise).first()
    if membership is not None and membership.status != MembershipStatus.LEFT:
        raise Conflict(_("%(org)s has already applied or is a member.")
                       % {"org": enterprise.name}, code="already_member")
    with acting_as(actor):
        if membership is None:
            membership = IndustryMembership(industry_body=industry_body, enterprise=enterprise)
        membership.status, membership.applied_at = MembershipStatus.APPLIED, now
        membership.accepted_at = membership.left_at = None
        membership.left_reason = ""
        membership.save()
    return membership


@transaction.atomic
def industry_membership_accept(*, membership: IndustryMembership, actor: Any,
                               now: dt.datetime | None = None) -> IndustryMembership:
    require_body_staff(actor, membership.industry_body)
    if membership.status != MembershipStatus.APPLIED:
        raise InvalidTransition(_("Only an application can be accepted."))
    with acting_as(actor):
        membership.status, membership.accepted_at = MembershipStatus.ACTIVE, now or timezone.now()
        membership.save(update_fields=["status", "accepted_at"])
    credit_recompute(organisation=membership.enterprise, reason="joined", now=now)
    return membership


@transaction.atomic
def industry_membership_leave(*, membership: IndustryMembership, actor: Any, reason: str,
                              now: dt.datetime | None = None) -> IndustryMembership:
    if not (has_role(actor, membership.enterprise, MEMBER_ROLES)
            or has_role(actor, membership.industry_body, BODY_ROLES)):
        raise NotPermitted(_("Only the member or its industry body may end a membership."))
    if membership.status == MembershipStatus.LEFT:
        raise InvalidTransition(_("The membership has already ended."))
    with acting_as(actor):
        membership.status, membership.left_at = MembershipStatus.LEFT, now or timezone.now()
        membership.left_reason = reason[:300]
        membership.save(update_fields=["status", "left_at", "left_reason"])
    return membership


@transaction.atomic
def pledge_sign(*, membership: IndustryMembership, convention: Convention, actor: Any,
                now: dt.datetime | None = None) -> Pledge:
    require_member_staff(actor, membership.enterprise)
    if membership.status != MembershipStatus.ACTIVE:
        raise DomainError(_("Only a member can pledge."), code="not_a_member")
    if convention.industry_body_id != membership.industry_body_id:
        raise DomainError(_("The convention is not one of this body's."),
                          code="convention_of_another_body")
    statement = _("%(org)s pledges to meet %(name)s, version %(version)d.") % {
        "org": membership.enterprise.name, "name": convention.name,
        "version": convention.version}
    pledge, _created = Pledge.objects.get_or_create(
        membership=membership, convention=convention,
        defaults={"signed_by": actor, "signed_at": now or timezone.now(),
                  "statement": statement})
    return pledge


# --- audits ----------------------------------------------------------------------------------


def _in_scope(node: RequirementNode, groups: list[str]) -> bool:
    return not groups or not node.implementation_groups or bool(
        set(groups) & set(node.implementation_groups))


def _audit_build(*, industry_body: Organisation, organisation: Organisation,
                 convention: Convention, name: str, actor: Any, groups: list[str],
                 due_date: dt.date | None, campaign: AuditCampaign | None,
                 now: dt.datetime) -> Audit:
    active_membership(industry_body=industry_body, enterprise=organisation)
    audit = Audit.objects.create(
        campaign=campaign, industry_body=industry_body, organisation=organisation,
        convention=convention, name=name[:200], implementation_groups=groups,
        due_date=due_date, created_by=actor, created_at=now)
    RequirementResult.objects.bulk_create([
        RequirementResult(audit=audit, node=node)
        for node in convention.nodes.filter(assessable=True) if _in_scope(node, groups)])
    return audit


def _groups_checked(convention: Convention, groups: Iterable[str]) -> list[str]:
    groups = list(groups or [])
    known = {g.get("ref_id") for g in convention.implementation_groups if isinstance(g, dict)}
    unknown = [g for g in groups if g not in known]
    if unknown:
        raise DomainError(_("Unknown implementation group(s): %(groups)s")
                          % {"groups": ", ".join(unknown)}, code="unknown_implementation_group")
    return groups


@transaction.atomic
def audit_create(*, actor: Any, organisation: Organisation, convention: Convention, name: str,
                 implementation_groups: Iterable[str] = (), due_date: dt.date | None = None,
                 now: dt.datetime | None = None) -> Audit:
    body = convention.industry_body
    require_body_staff(actor, body)
    groups = _groups_checked(convention, implementation_groups)
    with acting_as(actor):
        return _audit_build(industry_body=body, organisation=organisation,
                            convention=convention, name=name, actor=actor, groups=groups,
                            due_date=due_date, campaign=None, now=now or timezone.now())


@transaction.atomic
def campaign_create(*, actor: Any, convention: Convention, name: str,
                    organisations: list[Organisation], implementation_groups: Iterable[str],
                    due_date: dt.date, now: dt.datetime | None = None) -> AuditCampaign:
    """Plan a campaign: one planned audit per member named."""
    body = convention.industry_body
    require_body_staff(actor, body)
    groups = _groups_checked(convention, implementation_groups)
    if not organisations:
        raise DomainError(_("Name at least one member to audit."), code="no_members")
    now = now or timezone.now()
    for organisation in organisations:
        active_membership(industry_body=body, enterprise=organisation)
    with acting_as(actor):
        campaign = AuditCampaign.objects.create(
            industry_body=body, name=name[:200], convention=convention,
            implementation_groups=groups, due_date=due_date, created_by=actor, created_at=now)
        for organisation in organisations:
            _audit_build(industry_body=body, organisation=organisation, convention=convention,
                         name=f"{name} — {organisation.name}", actor=actor, groups=groups,
                         due_date=due_date, campaign=campaign, now=now)
    return campaign


TRANSITIONS = {
    "start": (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS, "started_at"),
    "submit": (AuditStatus.IN_PROGRESS, AuditStatus.IN_REVIEW, "submitted_at"),
    "reopen": (AuditStatus.IN_REVIEW, AuditStatus.IN_PROGRESS, None),
    "complete": (AuditStatus.IN_REVIEW, AuditStatus.DONE, "done_at"),
}


@transaction.atomic
def audit_transition(*, audit: Audit, action: str, actor: Any,
                     now: dt.datetime | None = None) -> Audit:
    """planned → in progress → in review → done (in review may go back to in progress).
    Completing scores the audit, opens a finding and corrective action for every
    nonconformity and observation, and recomputes the member's grade."""
    require_body_staff(actor, audit.industry_body)
    if action not in TRANSITIONS:
        raise DomainError(_("Unknown action."), code="unknown_action")
    given, audit = audit, Audit.objects.select_for_update().get(pk=audit.pk)
    source, target, stamp = TRANSITIONS[action]
    if audit.status != source:
        raise InvalidTransition(_("The audit is %(status)s; it cannot be moved that way.")
                                % {"status": audit.get_status_display()})
    now = now or timezone.now()
    if action == "complete":
        missing = audit.results.filter(result=Result.NOT_ASSESSED).count()
        if missing:
            raise DomainError(_("%(count)d requirement(s) are not assessed yet.")
                              % {"count": missing}, code="not_all_assessed")
    with acting_as(actor):
        audit.status = target
        fields = ["status"]
        if stamp:
            setattr(audit, stamp, now)
            fields.append(stamp)
        if action == "complete":
            audit.score, audit.section_scores = audit_scores(audit)
            fields += ["score", "section_scores"]
            _findings_open(audit, now)
        audit.save(update_fields=fields)
    if action == "complete":
        credit_recompute(organisation=audit.organisation, reason="audit_done", now=now)
    given.refresh_from_db()
    return given


def _findings_open(audit: Audit, now: dt.datetime) -> None:
    for row in audit.results.select_related("node"):
        severity = row.extended_result or SEVERITY_OF_RESULT.get(row.result, "")
        if severity not in (ExtendedResult.MAJOR, ExtendedResult.MINOR,
                            ExtendedResult.OBSERVATION):
            continue
        if row.result == Result.COMPLIANT and severity != ExtendedResult.OBSERVATION:
            continue
        finding, created = Finding.objects.get_or_create(
            result=row, defaults={"audit": audit, "severity": severity, "created_at": now})
        if created:
            CorrectiveAction.objects.create(
                finding=finding, due_date=action_due(severity, now.date()),
                description=_("Correct: %(req)s") % {"req": row.node.label})


SCORE_OF = {Result.COMPLIANT: 100, Result.PARTIALLY_COMPLIANT: 50, Result.NON_COMPLIANT: 0}


def audit_scores(audit: Audit) -> tuple[float | None, list[dict]]:
    """Weighted score per section (the depth-1 ancestor) and overall, over the assessed
    results (not applicable and not assessed leave the denominator)."""
    nodes = {n.urn: n for n in audit.convention.nodes.all()}

    def section_of(node: RequirementNode) -> RequirementNode:
        while node.parent_urn and node.parent_urn in nodes:
            node = nodes[node.parent_urn]
        return node

    sums: dict[str, list[float]] = {}
    order: list[str] = []
    for row in audit.results.select_related("node"):
        section = section_of(row.node)
        if section.urn not in sums:
            sums[section.urn] = [0.0, 0.0]
            order.append(section.urn)
        if row.result in SCORE_OF and row.node.weight:
            sums[section.urn][0] += SCORE_OF[row.result] * row.node.weight
            sums[section.urn][1] += row.node.weight
    sections = [{"urn": urn, "ref_id": nodes[urn].ref_id, "name": nodes[urn].name,
                 "score": round(s / w, 1) if w else None}
                for urn in order for s, w in [sums[urn]]]
    total_s = sum(v[0] for v in sums.values())
    total_w = sum(v[1] for v in sums.values())
    return (round(total_s / total_w, 1) if total_w else None), sections


def _editable(audit: Audit) -> None:
    if audit.status != AuditStatus.IN_PROGRESS:
        raise InvalidTransition(_("Results can only be recorded while the audit is in "
                                  "progress."), code="audit_not_in_progress")


def result_get(audit: Audit, ref_id: str) -> RequirementResult:
    row = (audit.results.select_related("node").filter(node__ref_id=ref_id).first()
           or audit.results.select_related("node").filter(node__urn=ref_id).first())
    if row is None:
        raise NotFound(_("The audit has no requirement %(ref)s.") % {"ref": ref_id})
    return row


@transaction.atomic
def requirement_result_set(*, audit: Audit, ref_id: str, actor: Any, result: str | None = None,
                           extended_result: str | None = None, notes: str | None = None,
                           now: dt.datetime | None = None) -> RequirementResult:
    require_body_staff(actor, audit.industry_body)
    if result is not None and result not in Result.values:
        raise DomainError(_("%(value)s is not a result on the scale: %(scale)s.")
                          % {"value": result, "scale": ", ".join(Result.values)},
                          code="result_out_of_scale")
    if extended_result is not None and extended_result not in ExtendedResult.values:
        raise DomainError(_("%(value)s is not an extended result: %(scale)s.")
                          % {"value": extended_result,
                             "scale": ", ".join(v for v in ExtendedResult.values if v)},
                          code="result_out_of_scale")
    _editable(audit)
    row = result_get(audit, ref_id)
    with acting_as(actor):
        if result is not None:
            row.result, row.answered_by_probe = result, False
        if extended_result is not None:
            row.extended_result = extended_result
        if notes is not None:
            row.notes = notes[:5000]
        row.updated_by, row.updated_at = actor, now or timezone.now()
        row.save()
    return row


@transaction.atomic
def member_answer(*, audit: Audit, ref_id: str, actor: Any, answers: dict[str, Any],
                  file: Any = None, now: dt.datetime | None = None) -> RequirementResult:
    """The member answers a requirement's questions and may attach a document as evidence."""
    require_member_staff(actor, audit.organisation)
    if audit.status not in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS):
        raise InvalidTransition(_("The audit no longer takes answers."),
                                code="audit_not_in_progress")
    row = result_get(audit, ref_id)
    if not isinstance(answers, dict):
        raise DomainError(_("Answers must be an object."), code="invalid")
    now = now or timezone.now()
    row.answers = {**row.answers, **{str(k): str(v)[:2000] for k, v in answers.items()}}
    row.save(update_fields=["answers"])
    if file is not None:
        from governance.platform.uploads import DOCUMENT_POLICY, upload_store

        sealed = upload_store(file=file, policy=DOCUMENT_POLICY, purpose="industry-evidence",
                              uploaded_by=actor, organisation=audit.organisation)
        evidence = Evidence.objects.create(
            organisation=audit.organisation, audit=audit, kind=EvidenceKind.UPLOAD,
            title=sealed.name or _("Document"), file=sealed, collected_by=actor,
            collected_at=now, expires_at=now + dt.timedelta(days=UPLOAD_EVIDENCE_DAYS))
        row.evidence.add(evidence)
    return row


def _deployment_ids(organisation: Organisation) -> list[int]:
    return list(Deployment.objects.filter(organisation=organisation)
                .values_list("pk", flat=True))


def probe_evidence(*, organisation: Organisation, probe_name: str, actor: Any = None,
                   audit: Audit | None = None, now: dt.datetime | None = None) -> Evidence:
    """Run one probe for a member and store its answer as evidence (time, heads, expiry)."""
    probe = probe_get(probe_name)
    if probe is None:
        raise DomainError(_("The platform has no probe %(name)s.") % {"name": probe_name},
                          code="unknown_probe")
    now = now or timezone.now()
    answer = probe.run(organisation_id=organisation.pk,
                       deployment_ids=_deployment_ids(organisation), now=now)
    return Evidence.objects.create(
        organisation=organisation, audit=audit, kind=EvidenceKind.PROBE, probe=probe.name,
        title=str(probe.title), compliant=answer.compliant, value=answer.value,
        detail=answer.detail, chain_heads=answer.chain_heads,
        collected_by=actor if getattr(actor, "is_authenticated", False) else None,
        collected_at=now, expires_at=now + probe.valid_for)


PROBE_RESULT = {True: Result.COMPLIANT, False: Result.NON_COMPLIANT, None: Result.NOT_APPLICABLE}


@transaction.atomic
def audit_run_probes(*, audit: Audit, actor: Any, now: dt.datetime | None = None
                     ) -> list[Evidence]:
    """Run every probe the audited requirements name (each once), store the evidence and fill
    each such requirement the auditor has not answered by hand."""
    require_body_staff(actor, audit.industry_body)
    _editable(audit)
    now = now or timezone.now()
    rows = list(audit.results.select_related("node").exclude(node__auto_check=""))
    evidence: dict[str, Evidence] = {}
    for row in rows:
        name = row.node.auto_check
        if name not in evidence:
            evidence[name] = probe_evidence(organisation=audit.organisation, probe_name=name,
                                            actor=actor, audit=audit, now=now)
        found = evidence[name]
        row.evidence.add(found)
        if row.result == Result.NOT_ASSESSED or row.answered_by_probe:
            row.result, row.answered_by_probe = PROBE_RESULT[found.compliant], True
            row.notes = found.detail[:5000]
            if found.compliant is False and not row.extended_result:
                row.extended_result = ExtendedResult.MAJOR
            row.updated_at = now
            row.save()
    return list(evidence.values())


@transaction.atomic
def audit_sample(*, audit: Audit, actor: Any, size: int, now: dt.datetime | None = None
                 ) -> Evidence:
    """Draw a random sample of `size` consent records and `size` deletion certificates of the
    member's deployments, each with its chain proof and the proof's verdict."""
    from governance.models import ConsentLedgerEntry, DeletionCertificate
    from governance.platform.ledger_proof import entry_proof, proof_verify

    require_body_staff(actor, audit.industry_body)
    _editable(audit)
    if not isinstance(size, int) or not 1 <= size <= MAX_SAMPLE:
        raise DomainError(_("A sample has 1 to %(max)d records.") % {"max": MAX_SAMPLE},
                          code="invalid_sample_size")
    now = now or timezone.now()
    ids = _deployment_ids(audit.organisation)
    items = []
    for model, kind in ((ConsentLedgerEntry, "consent"),
                        (DeletionCertificate, "deletion_certificate")):
        for entry in model.objects.filter(deployment_id__in=ids).order_by("?")[:size]:
            proof = entry_proof(entry)
            verdict = proof_verify(proof)
            items.append({"kind": kind, "deployment_id": entry.deployment_id,
                          "sequence": entry.sequence, "entry_hash": entry.entry_hash,
                          "proof": proof, "valid": verdict.valid, "verdict": verdict.code})
    failing = sum(1 for item in items if not item["valid"])
    return Evidence.objects.create(
        organisation=audit.organisation, audit=audit, kind=EvidenceKind.SAMPLE,
        title=_("Random sample of %(n)d record(s)") % {"n": len(items)},
        compliant=(failing == 0) if items else None,
        value={"items": items, "failing": failing},
        detail=_("%(ok)d of %(n)d sampled record(s) carry a valid chain proof.")
        % {"ok": len(items) - failing, "n": len(items)},
        chain_heads=[item["proof"]["head"] for item in items if item["proof"].get("head")],
        collected_by=actor, collected_at=now, expires_at=now + dt.timedelta(days=30))


# --- corrective actions ------------------------------------------------------------------------


@transaction.atomic
def corrective_action_update(*, action: CorrectiveAction, actor: Any, description: str | None,
                             owner: Any = None) -> CorrectiveAction:
    require_member_staff(actor, action.finding.audit.organisation)
    if description:
        action.description = description[:5000]
    if owner is not None:
        if not has_role(owner, action.finding.audit.organisation, MEMBER_ROLES | {Role.OPERATOR}):
            raise DomainError(_("The owner must work for the member."), code="invalid_owner")
        action.owner = owner
    action.save(update_fields=["description", "owner"])
    return action


@transaction.atomic
def corrective_action_done(*, action: CorrectiveAction, actor: Any, note: str,
                           now: dt.datetime | None = None) -> CorrectiveAction:
    require_member_staff(actor, action.finding.audit.organisation)
    if action.status != ActionStatus.OPEN:
        raise InvalidTransition(_("The action is not open."))
    if not note.strip():
        raise DomainError(_("Say what was done."), code="note_required")
    with acting_as(actor):
        action.status, action.done_note = ActionStatus.DONE, note[:5000]
        action.done_at = now or timezone.now()
        action.owner = action.owner or actor
        action.save()
        Finding.objects.filter(pk=action.finding_id).update(status=FindingStatus.FIXED)
    return action


@transaction.atomic
def corrective_action_verify(*, action: CorrectiveAction, actor: Any, accept: bool = True,
                             now: dt.datetime | None = None) -> CorrectiveAction:
    """The auditor verifies (closing the finding and repairing the grade) or sends it back."""
    finding = action.finding
    require_body_staff(actor, finding.audit.industry_body)
    if action.status != ActionStatus.DONE:
        raise InvalidTransition(_("Only a completed action can be verified."))
    now = now or timezone.now()
    with acting_as(actor):
        if accept:
            action.status, action.verified_by, action.verified_at = (ActionStatus.VERIFIED,
                                                                     actor, now)
            finding.status, finding.closed_at = FindingStatus.CLOSED, now
        else:
            action.status, action.done_at = ActionStatus.OPEN, None
            finding.status = FindingStatus.OPEN
        action.save()
        finding.save(update_fields=["status", "closed_at"])
    credit_recompute(organisation=finding.audit.organisation, reason="action_verified", now=now)
    return action


def corrective_actions_flag_overdue(*, now: dt.datetime | None = None) -> int:
    """Beat: flag each open action past its due date once, tell the member, regrade it."""
    from governance.models import Membership
    from governance.platform.notifications import notify

    now = now or timezone.now()
    flagged = 0
    due = (CorrectiveAction.objects.filter(status=ActionStatus.OPEN,
                                           due_date__lt=now.date(),
                                           overdue_flagged_at__isnull=True)
           .select_related("finding__audit__organisation", "finding__result__node"))
    for action in due:
        with transaction.atomic():
            if not CorrectiveAction.objects.filter(pk=action.pk,
                                                   overdue_flagged_at__isnull=True).update(
                    overdue_flagged_at=now):
                continue
            organisation = action.finding.audit.organisation
            for membership in Membership.objects.filter(organisation=organisation,
                                                        role__in=MEMBER_ROLES):
                notify(recipient=membership.user,
                       subject=lambda: _("A corrective action is overdue"),
                       body=lambda action=action: _("%(req)s was due on %(due)s.") % {
                           "req": action.finding.result.node.label,
                           "due": date_format(action.due_date, "DATE_FORMAT")})
            credit_recompute(organisation=organisation, reason="action_overdue", now=now)
            flagged += 1
    return flagged


# --- credit ----------------------------------------------------------------------------------


def credit_recompute(*, organisation: Organisation, reason: str,
                     now: dt.datetime | None = None) -> CreditGrade:
    """Compute the grade; store it as history when grade, score or deductions changed."""
    now = now or timezone.now()
    rating = credit_rate(organisation=organisation, now=now)
    latest = organisation.credit_grades.first()
    if latest and (latest.grade, latest.score, latest.deductions) == (
            rating.grade, rating.score, rating.deductions):
        return latest
    return CreditGrade.objects.create(organisation=organisation, grade=rating.grade,
                                      score=rating.score, deductions=rating.deductions,
                                      reason=reason[:200], computed_at=now)


def certificate_message(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


@transaction.atomic
def credit_certificate_issue(*, organisation: Organisation, actor: Any,
                             now: dt.datetime | None = None) -> CreditCertificate:
    """A signed statement of the member's current grade, to show a bank."""
    require_member_staff(actor, organisation)
    now = now or timezone.now()
    body = (IndustryMembership.objects.filter(enterprise=organisation,
                                              status=MembershipStatus.ACTIVE)
            .select_related("industry_body").first())
    if body is None:
        raise DomainError(_("Only a member has a credit grade."), code="not_a_member")
    grade = credit_recompute(organisation=organisation, reason="certificate", now=now)
    serial = secrets.token_hex(10)
    payload = {
        "format": CERTIFICATE_FORMAT, "serial": serial, "organisation": organisation.name,
        "organisation_id": organisation.pk,
        "registration_number": organisation.registration_number,
        "industry_body": body.industry_body.name, "grade": grade.grade, "score": grade.score,
        "graded_at": grade.computed_at.isoformat(), "issued_at": now.isoformat(),
        "valid_until": (now + dt.timedelta(days=settings.FACEGOV_CREDIT["certificate_days"])
                        ).isoformat(),
        "algorithm": signing.ALGORITHM, "key_id": signing.key_id(CERTIFICATE_PURPOSE),
    }
    return CreditCertificate.objects.create(
        serial=serial, organisation=organisation, grade=grade, payload=payload,
        signature=signing.sign(certificate_message(payload), purpose=CERTIFICATE_PURPOSE),
        key_id=payload["key_id"], issued_by=actor, issued_at=now)


def credit_certificate_verify(*, payload: dict[str, Any], signature: str) -> bool:
    return signing.verify(certificate_message(payload), signature, purpose=CERTIFICATE_PURPOSE)


# --- from convention to law ------------------------------------------------------------------


@transaction.atomic
def rule_adopt(*, node: RequirementNode, actor: Any, regulator: Organisation, severity: str,
               now: dt.datetime | None = None) -> AdoptedRule:
    from governance.compliance.packs.base import Severity

    if regulator.kind != OrganisationKind.REGULATOR or not has_role(
            actor, regulator, {Role.SUPERVISOR}):
        raise NotPermitted(_("Only a regulator's supervisor may adopt a rule."))
    if not node.auto_check or probe_get(node.auto_check) is None:
        raise DomainError(_("Only a requirement a probe answers can become a rule."),
                          code="requirement_without_probe")
    if severity not in (Severity.BLOCKING, Severity.WARNING):
        raise DomainError(_("A rule blocks or advises."), code="invalid_severity")
    if AdoptedRule.objects.filter(urn=node.urn, jurisdiction=regulator.jurisdiction).exists():
        raise Conflict(_("This requirement is already a rule."), code="already_adopted")
    with acting_as(actor):
        return AdoptedRule.objects.create(
            node=node, urn=node.urn, probe=node.auto_check, jurisdiction=regulator.jurisdiction,
            severity=severity, title=node.label[:300], adopted_by=actor, regulator=regulator,
            adopted_at=now or timezone.now())
