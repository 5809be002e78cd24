"""Industry self-regulation endpoints (DESIGN.md "Industry self-regulation"): conventions,
audits, a requirement's result, probes, and a member's credit. Thin views: validate, call one
selector or service, serialize."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.parsers import FormParser, JSONParser, MultiPartParser
from governance.errors import DomainError, NotFound
from governance.models import Audit, ExtendedResult, Organisation, OrganisationKind, Result
from governance.selectors.industry import (
    audit_get_for_user,
    audit_list_for_user,
    bodies_of,
    convention_get,
    convention_list,
    credit_for_user,
)
from governance.services.industry import (
    TRANSITIONS,
    audit_create,
    audit_run_probes,
    audit_sample,
    audit_transition,
    convention_publish,
    requirement_result_set,
)

LIST_LIMIT = 500


class ConventionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    urn = serializers.CharField()
    ref_id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    provider = serializers.CharField()
    locale = serializers.CharField()
    version = serializers.IntegerField()
    publication_date = serializers.DateField(allow_null=True)
    industry_body_id = serializers.IntegerField()
    industry_body = serializers.CharField(source="industry_body.name")
    published_at = serializers.DateTimeField()
    previous_id = serializers.IntegerField(allow_null=True)
    changes = serializers.DictField()
    implementation_groups = serializers.ListField(child=serializers.DictField())


class RequirementNodeOutputSerializer(serializers.Serializer):
    urn = serializers.CharField()
    ref_id = serializers.CharField()
    parent_urn = serializers.CharField()
    depth = serializers.IntegerField()
    assessable = serializers.BooleanField()
    name = serializers.CharField()
    description = serializers.CharField()
    annotation = serializers.CharField()
    typical_evidence = serializers.CharField()
    implementation_groups = serializers.ListField(child=serializers.CharField())
    importance = serializers.CharField()
    questions = serializers.JSONField()
    translations = serializers.DictField()
    weight = serializers.IntegerField()
    legal_ref = serializers.CharField()
    auto_check = serializers.CharField()


class ConventionDetailOutputSerializer(ConventionOutputSerializer):
    translations = serializers.SerializerMethodField()
    requirement_nodes = RequirementNodeOutputSerializer(source="nodes.all", many=True)

    def get_translations(self, convention: Any) -> dict[str, Any]:
        return convention.library.get("translations") or {}


class ConventionListApi(APIView):
    """GET: every published convention version. POST: an industry body's staff upload a
    library (multipart `file`, CISO Assistant YAML); it is published as an immutable version.
    A bad file answers 400 `library_invalid` with every problem (`problems`), storing nothing."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class ConventionUploadSerializer(serializers.Serializer):
        file = serializers.FileField()
        industry_body_id = serializers.IntegerField(required=False, allow_null=True,
                                                    default=None)

    @extend_schema(responses={200: ConventionOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ConventionOutputSerializer(convention_list()[:LIST_LIMIT],
                                                   many=True).data)

    @extend_schema(request={"multipart/form-data": ConventionUploadSerializer},
                   responses={201: ConventionDetailOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.ConventionUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bodies = bodies_of(request.user)
        body_id = data.validated_data["industry_body_id"]
        body = bodies.filter(pk=body_id).first() if body_id else bodies.first()
        if body is None:
            body = Organisation.objects.filter(pk=body_id,
                                               kind=OrganisationKind.INDUSTRY_BODY).first()
            if body is None:
                raise NotFound(_("No such industry body."))
        upload = data.validated_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise DomainError(_("The file is larger than 5 MB."), code="library_invalid")
        convention = convention_publish(industry_body=body, actor=request.user,
                                        source=upload.read())
        return Response(ConventionDetailOutputSerializer(convention).data,
                        status=status.HTTP_201_CREATED)


class ConventionDetailApi(APIView):
    """GET: one convention version with its requirement nodes."""

    @extend_schema(responses={200: ConventionDetailOutputSerializer})
    def get(self, request: Request, convention_id: int) -> Response:
        return Response(ConventionDetailOutputSerializer(
            convention_get(convention_id=convention_id)).data)


class AuditEvidenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    probe = serializers.CharField()
    title = serializers.CharField()
    compliant = serializers.BooleanField(allow_null=True)
    value = serializers.JSONField()
    detail = serializers.CharField()
    chain_heads = serializers.ListField(child=serializers.DictField())
    collected_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)


class AuditResultOutputSerializer(serializers.Serializer):
    ref_id = serializers.CharField(source="node.ref_id")
    urn = serializers.CharField(source="node.urn")
    name = serializers.CharField(source="node.name")
    legal_ref = serializers.CharField(source="node.legal_ref")
    auto_check = serializers.CharField(source="node.auto_check")
    result = serializers.CharField()
    extended_result = serializers.CharField()
    notes = serializers.CharField()
    answers = serializers.DictField()
    answered_by_probe = serializers.BooleanField()
    evidence_ids = serializers.SerializerMethodField()

    def get_evidence_ids(self, row: Any) -> list[int]:
        return [e.pk for e in row.evidence.all()]


class AuditFindingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ref_id = serializers.CharField(source="result.node.ref_id")
    severity = serializers.CharField()
    status = serializers.CharField()
    action_due_date = serializers.DateField(source="action.due_date")
    action_status = serializers.CharField(source="action.status")


class AuditOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField(source="organisation.name")
    industry_body_id = serializers.IntegerField()
    convention_id = serializers.IntegerField()
    campaign_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    implementation_groups = serializers.ListField(child=serializers.CharField())
    due_date = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    section_scores = serializers.ListField(child=serializers.DictField())


class AuditDetailOutputSerializer(AuditOutputSerializer):
    results = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()

    def get_results(self, audit: Audit) -> list[dict[str, Any]]:
        rows = audit.results.select_related("node").prefetch_related("evidence")
        return AuditResultOutputSerializer(rows, many=True).data

    def get_evidence(self, audit: Audit) -> list[dict[str, Any]]:
        return AuditEvidenceOutputSerializer(audit.evidence.all(), many=True).data

    def get_findings(self, audit: Audit) -> list[dict[str, Any]]:
        rows = audit.findings.select_related("result__node", "action")
        return AuditFindingOutputSerializer(rows, many=True).data


class AuditListApi(APIView):
    """GET: the audits the user may see. POST: an auditor of the convention's industry body
    opens a planned audit of a member (400 `not_a_member`, 403 `not_auditor_of_body`)."""

    class AuditCreateSerializer(serializers.Serializer):
        organisation_id = serializers.IntegerField()
        convention_id = serializers.IntegerField()
        name = serializers.CharField(max_length=200)
        implementation_groups = serializers.ListField(child=serializers.CharField(max_length=60),
                                                      required=False, default=list)
        due_date = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(responses={200: AuditOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(AuditOutputSerializer(audit_list_for_user(user=request.user)[:LIST_LIMIT],
                                              many=True).data)

    @extend_schema(request=AuditCreateSerializer, responses={201: AuditDetailOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.AuditCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organisation = Organisation.objects.filter(pk=values["organisation_id"]).first()
        if organisation is None:
            raise NotFound(_("No such organisation."))
        audit = audit_create(actor=request.user, organisation=organisation,
                             convention=convention_get(convention_id=values["convention_id"]),
                             name=values["name"],
                             implementation_groups=values["implementation_groups"],
                             due_date=values["due_date"])
        return Response(AuditDetailOutputSerializer(audit).data, status=status.HTTP_201_CREATED)


class AuditDetailApi(APIView):
    """GET: one audit with every requirement's result, the evidence and the findings."""

    @extend_schema(responses={200: AuditDetailOutputSerializer})
    def get(self, request: Request, audit_id: int) -> Response:
        return Response(AuditDetailOutputSerializer(
            audit_get_for_user(user=request.user, audit_id=audit_id)).data)


class AuditRequirementApi(APIView):
    """PATCH: the auditor records a requirement's result, extended result and notes (400
    `result_out_of_scale` outside CISO Assistant's scale)."""

    class RequirementResultInputSerializer(serializers.Serializer):
        result = serializers.CharField(required=False, max_length=40,
                                       help_text=", ".join(Result.values))
        extended_result = serializers.CharField(
            required=False, allow_blank=True, max_length=40,
            help_text=", ".join(v for v in ExtendedResult.values if v))
        notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    @extend_schema(request=RequirementResultInputSerializer,
                   responses={200: AuditResultOutputSerializer})
    def patch(self, request: Request, audit_id: int, ref_id: str) -> Response:
        audit = audit_get_for_user(user=request.user, audit_id=audit_id)
        data = self.RequirementResultInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = requirement_result_set(audit=audit, ref_id=ref_id, actor=request.user,
                                     **data.validated_data)
        return Response(AuditResultOutputSerializer(row).data)


class AuditProbesApi(APIView):
    """POST: run every probe the audit's requirements name; each answer is stored as evidence
    (time, chain heads read, expiry) and fills the requirements not answered by hand."""

    @extend_schema(request=None, responses={201: AuditEvidenceOutputSerializer(many=True)})
    def post(self, request: Request, audit_id: int) -> Response:
        audit = audit_get_for_user(user=request.user, audit_id=audit_id)
        evidence = audit_run_probes(audit=audit, actor=request.user)
        return Response(AuditEvidenceOutputSerializer(evidence, many=True).data,
                        status=status.HTTP_201_CREATED)


class AuditSampleApi(APIView):
    """POST: draw a random sample of `size` consent records and deletion certificates, each
    with its chain proof and verdict, stored as evidence."""

    class AuditSampleInputSerializer(serializers.Serializer):
        size = serializers.IntegerField(min_value=1, max_value=50)

    @extend_schema(request=AuditSampleInputSerializer,
                   responses={201: AuditEvidenceOutputSerializer})
    def post(self, request: Request, audit_id: int) -> Response:
        audit = audit_get_for_user(user=request.user, audit_id=audit_id)
        data = self.AuditSampleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = audit_sample(audit=audit, actor=request.user, size=data.validated_data["size"])
        return Response(AuditEvidenceOutputSerializer(evidence).data,
                        status=status.HTTP_201_CREATED)


def audit_transition_api(action: str) -> type[APIView]:
    class AuditTransitionApi(APIView):
        @extend_schema(request=None, responses={200: AuditOutputSerializer},
                       operation_id=f"audit_{action}",
                       description=f"Move the audit: {action} ({TRANSITIONS[action][0]} → "
                                   f"{TRANSITIONS[action][1]}).")
        def post(self, request: Request, audit_id: int) -> Response:
            audit = audit_get_for_user(user=request.user, audit_id=audit_id)
            audit = audit_transition(audit=audit, action=action, actor=request.user)
            return Response(AuditOutputSerializer(audit).data)

    AuditTransitionApi.__name__ = f"Audit{action.title()}Api"
    return AuditTransitionApi


class CreditDeductionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    points = serializers.IntegerField()
    at = serializers.CharField()
    source = serializers.CharField()
    reference = serializers.CharField()
    explanation = serializers.CharField()


class CreditHistorySerializer(serializers.Serializer):
    grade = serializers.CharField()
    score = serializers.IntegerField()
    reason = serializers.CharField()
    computed_at = serializers.DateTimeField()


class MemberCreditOutputSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField(source="organisation.pk")
    grade = serializers.CharField()
    score = serializers.IntegerField()
    deductions = CreditDeductionSerializer(many=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    next_audit_due = serializers.DateField(allow_null=True)
    history = CreditHistorySerializer(many=True)


class MemberCreditApi(APIView):
    """GET: a member's credit grade, score and every deduction with its source, and the grade
    history (the member's staff, its industry body, its regulators)."""

    @extend_schema(responses={200: MemberCreditOutputSerializer})
    def get(self, request: Request, organisation_id: int) -> Response:
        return Response(MemberCreditOutputSerializer(
            credit_for_user(user=request.user, organisation_id=organisation_id)).data)
