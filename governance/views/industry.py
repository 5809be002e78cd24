"""Industry self-regulation pages (issue 12): the industry body's workspace (libraries,
members, campaigns, audits, findings, credit), the member's (audits, corrective actions, grade
and why, certificate), the regulator's credit overview with rule adoption, and the public
register of members, grades and certificates. Views validate, call one service, redirect."""

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance.errors import DomainError, NotFound, NotPermitted
from governance.models import (
    ActionStatus,
    AdoptedRule,
    Audit,
    AuditStatus,
    Convention,
    CorrectiveAction,
    CreditCertificate,
    ExtendedResult,
    IndustryMembership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    RequirementNode,
    Result,
    Role,
)
from governance.permissions import (
    Persona,
    enterprises_covered_by,
    memberships,
    organisations_of,
)
from governance.platform import signing
from governance.platform.charts import Bar, bar_chart_svg
from governance.selectors.industry import (
    actions_for_body,
    actions_for_member,
    audit_get_for_user,
    audit_list_for_user,
    bodies_of,
    convention_list,
    credit_summary,
    current_grades,
    d_grade_members,
    grade_badge,
    member_organisations_of,
)
from governance.services import industry as services
from governance.views.common import report
from governance.views.pages import persona_required

# --- forms -----------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Library (CISO Assistant YAML)"))


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Campaign name"), max_length=200)
    convention = forms.ModelChoiceField(queryset=Convention.objects.none(),
                                        label=gettext_lazy("Convention version"))
    members = forms.ModelMultipleChoiceField(queryset=Organisation.objects.none(),
                                             label=gettext_lazy("Members to audit"),
                                             widget=forms.CheckboxSelectMultiple)
    implementation_groups = forms.CharField(
        label=gettext_lazy("Implementation groups (comma-separated, empty for all)"),
        required=False, max_length=200)
    due_date = forms.DateField(label=gettext_lazy("Due date"),
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["convention"].queryset = Convention.objects.filter(industry_body__in=bodies)
        self.fields["members"].queryset = Organisation.objects.filter(
            industry_bodies__industry_body__in=bodies,
            industry_bodies__status=MembershipStatus.ACTIVE).distinct()


class ResultForm(forms.Form):
    result = forms.ChoiceField(choices=Result.choices, label=gettext_lazy("Result"))
    extended_result = forms.ChoiceField(choices=ExtendedResult.choices, required=False,
                                        label=gettext_lazy("Extended result"))
    notes = forms.CharField(required=False, max_length=5000, label=gettext_lazy("Notes"),
                            widget=forms.Textarea(attrs={"rows": 2}))


# --- the industry body -----------------------------------------------------------------------


@persona_required(Persona.INDUSTRY_BODY)
def industry_home(request: HttpRequest) -> HttpResponse:
    bodies = bodies_of(request.user)
    member_rows = (IndustryMembership.objects.filter(industry_body__in=bodies)
                   .select_related("enterprise", "industry_body")
                   .prefetch_related("pledges__convention").order_by("enterprise__name"))
    grades = current_grades([m.enterprise_id for m in member_rows])
    members = [{"membership": m, "badge": grade_badge(grades.get(m.enterprise_id, "M"))}
               for m in member_rows]
    if request.method == "POST" and "campaign" in request.POST:
        form = CampaignForm(request.POST, bodies=bodies)
        if form.is_valid():
            data = form.cleaned_data
            groups = [g.strip() for g in data["implementation_groups"].split(",") if g.strip()]
            try:
                campaign = services.campaign_create(
                    actor=request.user, convention=data["convention"], name=data["name"],
                    organisations=list(data["members"]), implementation_groups=groups,
                    due_date=data["due_date"])
            except DomainError as exc:
                report(request, exc)
            else:
                messages.success(request, _("Campaign “%(name)s” planned: %(n)d audit(s).")
                                 % {"name": campaign.name, "n": campaign.audits.count()})
                return redirect("industry-home")
    else:
        form = CampaignForm(bodies=bodies)
    context = {
        "bodies": bodies,
        "memberships": memberships(request.user, kind=OrganisationKind.INDUSTRY_BODY),
        "conventions": convention_list().filter(industry_body__in=bodies),
        "members": members,
        "audits": audit_list_for_user(user=request.user).filter(industry_body__in=bodies),
        "actions": actions_for_body(user=request.user).exclude(status=ActionStatus.VERIFIED),
        "upload_form": UploadForm(),
        "campaign_form": form,
    }
    return render(request, "governance/industry/home.html", context)


@persona_required(Persona.INDUSTRY_BODY)
@require_POST
def convention_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    body = bodies_of(request.user).first()
    if not form.is_valid() or body is None:
        messages.error(request, _("Choose a library file."))
        return redirect("industry-home")
    try:
        convention = services.convention_publish(industry_body=body, actor=request.user,
                                                 source=form.cleaned_data["file"].read())
    except DomainError as exc:
        messages.error(request, exc.detail)
        for problem in exc.extra.get("problems", []):
            messages.error(request, f"{problem['where']}: {problem['message']}")
        return redirect("industry-home")
    messages.success(request, _("%(name)s version %(v)d is published.")
                     % {"name": convention.name, "v": convention.version})
    return redirect("industry-convention", convention.pk)


def convention_page(request: HttpRequest, convention_id: int) -> HttpResponse:
    """A convention version with its requirements (public: a norm members pledge to)."""
    convention = get_object_or_404(Convention.objects.select_related("industry_body"),
                                   pk=convention_id)
    return render(request, "governance/industry/convention.html", {
        "convention": convention, "nodes": convention.nodes.all()})


@persona_required(Persona.INDUSTRY_BODY)
@require_POST
def membership_accept(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(IndustryMembership, pk=membership_id)
    try:
        services.industry_membership_accept(membership=membership, actor=request.user)
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("%(org)s is a member.") % {"org": membership.enterprise})
    return redirect("industry-home")


def _audit_context(request: HttpRequest, audit: Audit) -> dict[str, Any]:
    is_auditor = bodies_of(request.user).filter(pk=audit.industry_body_id).exists()
    is_member = member_organisations_of(request.user).filter(pk=audit.organisation_id).exists()
    rows = list(audit.results.select_related("node").prefetch_related("evidence"))
    nodes = {n.urn: n for n in audit.convention.nodes.all()}
    for row in rows:
        parent = nodes.get(row.node.parent_urn)
        row.section = parent.label if parent else ""
        row.form = ResultForm(initial={"result": row.result,
                                       "extended_result": row.extended_result,
                                       "notes": row.notes}, prefix=f"r{row.pk}")
        row.question_list = _questions(row.node)
    return {"audit": audit, "rows": rows, "is_auditor": is_auditor, "is_member": is_member,
            "evidence": audit.evidence.all(),
            "findings": audit.findings.select_related("result__node", "action__owner"),
            "editable": audit.status == AuditStatus.IN_PROGRESS, "now": timezone.now()}


def _questions(node: RequirementNode) -> list[dict[str, str]]:
    questions = node.questions
    if isinstance(questions, dict):
        return [{"id": urn, "text": str(q.get("text", "")) if isinstance(q, dict) else str(q)}
                for urn, q in questions.items()]
    if isinstance(questions, list):
        return [{"id": str(i), "text": str(q.get("text", q) if isinstance(q, dict) else q)}
                for i, q in enumerate(questions)]
    return []


def _audit_for(request: HttpRequest, audit_id: int) -> Audit:
    if not request.user.is_authenticated:
        raise NotPermitted(_("Sign in to see an audit."))
    return audit_get_for_user(user=request.user, audit_id=audit_id)


def audit_page(request: HttpRequest, audit_id: int) -> HttpResponse:
    """The audit: the auditor's workspace, the member's view (answers and evidence), and the
    regulator's read-only view — one page, controls by role."""
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    audit = _audit_for(request, audit_id)
    return render(request, "governance/industry/audit.html", _audit_context(request, audit))


def _back(audit: Audit) -> HttpResponse:
    return redirect("industry-audit", audit.pk)


@require_POST
def audit_action(request: HttpRequest, audit_id: int, action: str) -> HttpResponse:
    audit = _audit_for(request, audit_id)
    try:
        if action in services.TRANSITIONS:
            services.audit_transition(audit=audit, action=action, actor=request.user)
            messages.success(request, _("The audit is now: %(status)s.")
                             % {"status": Audit.objects.get(pk=audit.pk).get_status_display()})
        elif action == "probes":
            evidence = services.audit_run_probes(audit=audit, actor=request.user)
            messages.success(request, _("%(n)d probe(s) answered.") % {"n": len(evidence)})
        elif action == "sample":
            size = int(request.POST.get("size") or 0) if str(
                request.POST.get("size", "")).isdigit() else 0
            evidence = services.audit_sample(audit=audit, actor=request.user, size=size)
            messages.success(request, evidence.detail)
        else:
            raise NotFound(_("No such action."))
    except DomainError as exc:
        report(request, exc)
    return _back(audit)


@require_POST
def audit_result(request: HttpRequest, audit_id: int, result_id: int) -> HttpResponse:
    audit = _audit_for(request, audit_id)
    row = get_object_or_404(audit.results.select_related("node"), pk=result_id)
    form = ResultForm(request.POST, prefix=f"r{row.pk}")
    if not form.is_valid():
        messages.error(request, _("The result is not on the scale."))
        return _back(audit)
    try:
        services.requirement_result_set(audit=audit, ref_id=row.node.ref_id or row.node.urn,
                                        actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Recorded: %(req)s.") % {"req": row.node.label})
    return _back(audit)


@require_POST
def audit_answer(request: HttpRequest, audit_id: int, result_id: int) -> HttpResponse:
    audit = _audit_for(request, audit_id)
    row = get_object_or_404(audit.results.select_related("node"), pk=result_id)
    answers = {key[len("answer:"):]: value for key, value in request.POST.items()
               if key.startswith("answer:") and value.strip()}
    try:
        services.member_answer(audit=audit, ref_id=row.node.ref_id or row.node.urn,
                               actor=request.user, answers=answers,
                               file=request.FILES.get("file"))
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Your answer is recorded."))
    return _back(audit)


def audit_report(request: HttpRequest, audit_id: int) -> HttpResponse:
    """The audit report, printable as a document, with a chart of results by section."""
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    audit = _audit_for(request, audit_id)
    sections = audit.section_scores
    if not sections:
        _score, sections = services.audit_scores(audit)
    chart = bar_chart_svg(
        [Bar(label=s["ref_id"] or s["name"][:12], value=s["score"],
             title=f"{s['name']}: {s['score'] if s['score'] is not None else '–'}")
         for s in sections],
        title=_("Score by section"), x_label=_("Section of the convention"),
        y_label=_("Score (0–100)"), legend=_("Weighted score of assessed requirements"),
        maximum=100, show_values=True)
    counts: dict[str, int] = {}
    for result in audit.results.values_list("result", flat=True):
        counts[result] = counts.get(result, 0) + 1
    context = _audit_context(request, audit)
    context.update({"chart": chart, "sections": sections,
                    "counts": [(Result(k).label, v) for k, v in counts.items()],
                    "printed_at": timezone.now()})
    return render(request, "governance/industry/report.html", context)


@require_POST
def action_verify(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(CorrectiveAction.objects.select_related("finding__audit"),
                               pk=action_id)
    try:
        services.corrective_action_verify(action=action, actor=request.user,
                                          accept=request.POST.get("accept") != "no")
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("The corrective action is verified."))
    return redirect(request.POST.get("next") or "industry-home")


# --- the member ------------------------------------------------------------------------------


@persona_required(Persona.ENTERPRISE)
def member_page(request: HttpRequest) -> HttpResponse:
    organisations = member_organisations_of(request.user)
    members = []
    for organisation in organisations:
        summary = credit_summary(organisation)
        members.append({
            "organisation": organisation, "credit": summary,
            "badge": grade_badge(summary["grade"]),
            "memberships": IndustryMembership.objects.filter(enterprise=organisation)
            .select_related("industry_body").prefetch_related("pledges__convention"),
            "certificates": organisation.credit_certificates.all()[:5],
        })
    bodies = Organisation.objects.filter(kind=OrganisationKind.INDUSTRY_BODY)
    context = {
        "members": members, "bodies": bodies,
        "conventions": convention_list(),
        "audits": audit_list_for_user(user=request.user).filter(
            organisation__in=organisations),
        "actions": actions_for_member(user=request.user),
    }
    return render(request, "governance/industry/member.html", context)


def _member_org(request: HttpRequest) -> Organisation:
    organisation = member_organisations_of(request.user).filter(
        pk=request.POST.get("organisation_id") or 0).first()
    if organisation is None:
        organisation = member_organisations_of(request.user).first()
    if organisation is None:
        raise NotPermitted(_("Only an enterprise's administrator or privacy officer may do "
                             "this."))
    return organisation


@persona_required(Persona.ENTERPRISE)
@require_POST
def member_action(request: HttpRequest, action: str) -> HttpResponse:
    organisation = _member_org(request)
    try:
        if action == "apply":
            body = get_object_or_404(Organisation, pk=request.POST.get("industry_body_id") or 0,
                                     kind=OrganisationKind.INDUSTRY_BODY)
            services.industry_membership_apply(industry_body=body, enterprise=organisation,
                                               actor=request.user)
            messages.success(request, _("Your application is sent."))
        elif action == "pledge":
            convention = get_object_or_404(Convention, pk=request.POST.get("convention_id") or 0)
            membership = get_object_or_404(IndustryMembership, enterprise=organisation,
                                           industry_body=convention.industry_body)
            services.pledge_sign(membership=membership, convention=convention,
                                 actor=request.user)
            messages.success(request, _("Your pledge is recorded."))
        elif action == "leave":
            membership = get_object_or_404(IndustryMembership, enterprise=organisation,
                                           pk=request.POST.get("membership_id") or 0)
            services.industry_membership_leave(membership=membership, actor=request.user,
                                               reason=request.POST.get("reason", ""))
            messages.success(request, _("Your membership has ended."))
        elif action == "certificate":
            certificate = services.credit_certificate_issue(organisation=organisation,
                                                            actor=request.user)
            return redirect("credit-certificate", certificate.serial)
        else:
            raise NotFound(_("No such action."))
    except DomainError as exc:
        report(request, exc)
    return redirect("member-industry")


@persona_required(Persona.ENTERPRISE)
@require_POST
def action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(actions_for_member(user=request.user), pk=action_id)
    try:
        services.corrective_action_done(action=action, actor=request.user,
                                        note=request.POST.get("note", ""))
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Marked done; the auditor will verify it."))
    return redirect("member-industry")


# --- the regulator ---------------------------------------------------------------------------


@persona_required(Persona.REGULATOR)
def regulator_credit(request: HttpRequest) -> HttpResponse:
    enterprises = list(enterprises_covered_by(request.user))
    grades = current_grades([e.pk for e in enterprises])
    rows = [{"organisation": e, "badge": grade_badge(grades[e.pk]) if e.pk in grades else None}
            for e in enterprises]
    adoptable = (RequirementNode.objects.exclude(auto_check="")
                 .select_related("convention").order_by("convention", "position"))
    regulators = organisations_of(request.user, kind=OrganisationKind.REGULATOR,
                                  roles={Role.SUPERVISOR})
    return render(request, "governance/industry/regulator.html", {
        "rows": rows, "adoptable": adoptable, "regulators": regulators,
        "adopted": AdoptedRule.objects.select_related("regulator"),
    })


@persona_required(Persona.REGULATOR)
@require_POST
def rule_adopt(request: HttpRequest) -> HttpResponse:
    node = get_object_or_404(RequirementNode, pk=request.POST.get("node_id") or 0)
    regulator = organisations_of(request.user, kind=OrganisationKind.REGULATOR,
                                 roles={Role.SUPERVISOR}).first()
    if regulator is None:
        raise NotPermitted(_("Only a regulator's supervisor may adopt a rule."))
    try:
        adopted = services.rule_adopt(node=node, actor=request.user, regulator=regulator,
                                      severity=request.POST.get("severity", "warning"))
    except DomainError as exc:
        report(request, exc)
    else:
        messages.success(request, _("“%(title)s” is now a rule (%(ref)s).")
                         % {"title": adopted.title, "ref": adopted.urn})
    return redirect("regulator-credit")


# --- public ----------------------------------------------------------------------------------


def public_members(request: HttpRequest) -> HttpResponse:
    """Members of industry bodies and their grades; D-grade members listed apart."""
    memberships = (IndustryMembership.objects.filter(status=MembershipStatus.ACTIVE)
                   .select_related("enterprise", "industry_body")
                   .order_by("industry_body__name", "enterprise__name"))
    grades = current_grades([m.enterprise_id for m in memberships])
    rows = [{"membership": m, "badge": grade_badge(grades.get(m.enterprise_id, "M"))}
            for m in memberships]
    return render(request, "governance/industry/public.html", {
        "rows": rows, "d_grade": d_grade_members(), "conventions": convention_list()})


def credit_certificate(request: HttpRequest, serial: str) -> HttpResponse:
    """A credit certificate and its verification: anyone (a bank) can check it here, or with
    the public key offline."""
    certificate = get_object_or_404(CreditCertificate.objects.select_related("organisation"),
                                    serial=serial)
    valid = services.credit_certificate_verify(payload=certificate.payload,
                                               signature=certificate.signature)
    return render(request, "governance/industry/certificate.html", {
        "certificate": certificate, "valid": valid, "badge": grade_badge(
            certificate.payload["grade"]),
        "document": json.dumps({"payload": certificate.payload,
                                "signature": certificate.signature}, ensure_ascii=False,
                               indent=2),
        "public_key": signing.public_key_b64(services.CERTIFICATE_PURPOSE),
        "expired": dt.datetime.fromisoformat(certificate.payload["valid_until"]) < timezone.now(),
    })


def credit_certificate_check(request: HttpRequest) -> HttpResponse:
    """Paste a certificate document (payload and signature) to check its signature."""
    verdict = None
    text = request.POST.get("document", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            document = json.loads(text)
            verdict = services.credit_certificate_verify(payload=document["payload"],
                                                         signature=document["signature"])
        except (ValueError, KeyError, TypeError):
            verdict = False
    return render(request, "governance/industry/certificate_check.html",
                  {"verdict": verdict, "text": text[:20000]})
