"""Investigations API (DESIGN.md "Investigations"): thin views over complaints/services."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.models import Investigation, Origin
from complaints.selectors.investigations import (
    inspector_get,
    investigation_get_for_user,
    investigation_list_for_user,
    order_get_for_user,
    rfi_get_for_user,
    viewer_is_regulator,
)
from complaints.services import enforcement, evidence
from complaints.services.investigations import (
    TransitionInput,
    allowed_moves,
    investigation_assign,
    investigation_open,
    investigation_transition,
)
from config.api.parsers import FormParser, JSONParser, MultiPartParser
from governance.models import Deployment
from governance.permissions import regulates


class RfiSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    questions = serializers.CharField()
    due_date = serializers.DateTimeField()
    sent_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField()
    answered_late = serializers.BooleanField()
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, rfi) -> bool:
        return rfi.overdue_at is not None


class InvestigationFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule_reference = serializers.CharField()
    text = serializers.CharField()
    rfi_id = serializers.IntegerField()
    evidence_ids = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()

    def get_evidence_ids(self, finding) -> list[int]:
        return [e.id for e in finding.evidence.all()]


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    due_date = serializers.DateTimeField()
    status = serializers.CharField()
    done_at = serializers.DateTimeField()
    done_note = serializers.CharField()
    done_files = serializers.SerializerMethodField()
    verified_at = serializers.DateTimeField()
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, order) -> bool:
        return order.overdue_at is not None

    def get_done_files(self, order) -> list[dict]:
        return [{"name": f.name, "sha256": f.sha256} for f in order.done_files.all()]


class PenaltySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount_cny = serializers.DecimalField(max_digits=16, decimal_places=2)
    basis = serializers.CharField()
    turnover_cny = serializers.DecimalField(max_digits=18, decimal_places=2)
    cap_cny = serializers.DecimalField(max_digits=18, decimal_places=2)
    responsible_person = serializers.CharField()


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    sha256 = serializers.CharField()
    collected_at = serializers.DateTimeField()


class InvestigationSerializer(serializers.Serializer):
    """What the respondent also sees: no complaint, no complainant."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    origin = serializers.CharField()
    under_appeal = serializers.BooleanField()
    deployment_id = serializers.IntegerField()
    respondent_id = serializers.IntegerField()
    regulator_id = serializers.IntegerField()
    hearing_due = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    rfis = RfiSerializer(many=True)
    findings = InvestigationFindingSerializer(many=True)
    orders = OrderSerializer(many=True)
    penalties = PenaltySerializer(many=True)
    decision = serializers.SerializerMethodField()

    def get_decision(self, investigation) -> dict | None:
        decision = getattr(investigation, "decision", None)
        if decision is None:
            return None
        return {"reasons": decision.reasons, "legal_basis": decision.legal_basis,
                "appeal_route": decision.appeal_route,
                "decided_at": decision.decided_at.isoformat()}


class RegulatorInvestigationSerializer(InvestigationSerializer):
    complaint_ids = serializers.SerializerMethodField()
    inspector_ids = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True)
    allowed_moves = serializers.SerializerMethodField()

    def get_complaint_ids(self, investigation) -> list[int]:
        return list(investigation.complaints.values_list("id", flat=True))

    def get_inspector_ids(self, investigation) -> list[int]:
        return list(investigation.inspectors.values_list("id", flat=True))

    def get_allowed_moves(self, investigation) -> list[str]:
        return allowed_moves(investigation=investigation)


def output(request: Request, investigation: Investigation) -> dict:
    investigation = Investigation.objects.get(pk=investigation.pk)  # fresh relations
    if viewer_is_regulator(user=request.user, investigation=investigation):
        return RegulatorInvestigationSerializer(investigation).data
    return InvestigationSerializer(investigation).data


class InvestigationListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=250)
        deployment_id = serializers.IntegerField()
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses={200: InvestigationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = investigation_list_for_user(user=request.user)[:200]
        return Response([output(request, i) for i in rows])

    @extend_schema(request=InputSerializer, responses={201: RegulatorInvestigationSerializer})
    def post(self, request: Request) -> Response:
        from governance.errors import NotFound

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deployment = Deployment.objects.select_related("organisation").filter(
            pk=data.validated_data["deployment_id"]).first()
        if deployment is None or not regulates(request.user, deployment.organisation):
            raise NotFound(_("No such deployment."), code="deployment_not_found")
        investigation = investigation_open(
            actor=request.user, title=data.validated_data["title"], deployment=deployment,
            origin=Origin.OWN_INITIATIVE, reason=data.validated_data["reason"])
        return Response(output(request, investigation), status=status.HTTP_201_CREATED)


class InvestigationDetailApi(APIView):
    @extend_schema(responses={200: InvestigationSerializer})
    def get(self, request: Request, investigation_id: int) -> Response:
        investigation = investigation_get_for_user(user=request.user,
                                                   investigation_id=investigation_id)
        return Response(output(request, investigation))


class InvestigationRfisApi(APIView):
    class InputSerializer(serializers.Serializer):
        questions = serializers.CharField(max_length=10000)
        due_date = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={201: RfiSerializer})
    def post(self, request: Request, investigation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investigation = investigation_get_for_user(user=request.user,
                                                   investigation_id=investigation_id)
        rfi = enforcement.rfi_send(investigation=investigation, actor=request.user,
                                   **data.validated_data)
        return Response(RfiSerializer(rfi).data, status=status.HTTP_201_CREATED)


class InvestigationFindingsApi(APIView):
    class InputSerializer(serializers.Serializer):
        rule_reference = serializers.CharField(max_length=200)
        text = serializers.CharField(max_length=10000)
        evidence_ids = serializers.ListField(child=serializers.IntegerField(), required=False,
                                             default=list)

    @extend_schema(request=InputSerializer, responses={201: InvestigationFindingSerializer})
    def post(self, request: Request, investigation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investigation = investigation_get_for_user(user=request.user,
                                                   investigation_id=investigation_id)
        finding = enforcement.finding_record(investigation=investigation, actor=request.user,
                                             **data.validated_data)
        return Response(InvestigationFindingSerializer(finding).data,
                        status=status.HTTP_201_CREATED)


class InvestigationOrdersApi(APIView):
    class InputSerializer(serializers.Serializer):
        kind = serializers.CharField(max_length=20)
        text = serializers.CharField(max_length=10000)
        # Checked by the service, so that a missing date gets its own code.
        due_date = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={201: OrderSerializer})
    def post(self, request: Request, investigation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investigation = investigation_get_for_user(user=request.user,
                                                   investigation_id=investigation_id)
        order = enforcement.order_issue(investigation=investigation, actor=request.user,
                                        **data.validated_data)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class InvestigationPenaltiesApi(APIView):
    class InputSerializer(serializers.Serializer):
        amount_cny = serializers.DecimalField(max_digits=16, decimal_places=2)
        basis = serializers.CharField(max_length=10)
        turnover_cny = serializers.DecimalField(max_digits=18, decimal_places=2,
                                                required=False, allow_null=True, default=None)
        responsible_person = serializers.CharField(max_length=200, required=False,
                                                   allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: PenaltySerializer})
    def post(self, request: Request, investigation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investigation = investigation_get_for_user(user=request.user,
                                                   investigation_id=investigation_id)
        penalty = enforcement.penalty_impose(
            investigation=investigation, actor=request.user,
            data=enforcement.PenaltyInput(**data.validated_data))
        return Response(PenaltySerializer(penalty).data, status=status.HTTP_201_CREATED)


class InvestigationTransitionApi(APIView):
    class InputSerializer(serializers.Serializer):
        to = serializers.CharField(max_length=30)
        reason = serializers.CharField(max_length=10000, required=False, allow_blank=True,
                                       default="")
        legal_basis = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                            default="")
        appeal_route = serializers.CharField(max_length=2000, required=False,
                                             allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={200: RegulatorInvestigationSerializer})
    def post(self, request: Request, investigation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investigation = investigation_get_for_user(user=request.user,
                                                   investigation_id=investigation_id)
        investigation = investigation_transition(investigation=investigation,
                                                 actor=request.user,
                                                 data=TransitionInput(**data.validated_data))
        return Response(output(request, investigation))


class InvestigationAssignApi(APIView):
    """Assign another inspector of the same regulator to the case (a chained log entry)."""

    class InputSerializer(serializers.Serializer):
        inspector_id = serializers.IntegerField()
        reason = serializers.CharField(max_length=10000, required=False, allow_blank=True,
                                       default="")

    @extend_schema(request=InputSerializer, responses={200: RegulatorInvestigationSerializer})
    def post(self, request: Request, investigation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investigation = investigation_get_for_user(user=request.user,
                                                   investigation_id=investigation_id)
        inspector = inspector_get(user_id=data.validated_data["inspector_id"])
        investigation = investigation_assign(investigation=investigation, actor=request.user,
                                             inspector=inspector,
                                             reason=data.validated_data["reason"])
        return Response(output(request, investigation))


class InvestigationEvidenceApi(APIView):
    """Upload a file (multipart `file`, `title`), or collect platform evidence in one action
    (`{"platform": true, "subject_refs": [...], "since", "until"}`)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(required=False)
        title = serializers.CharField(max_length=250, required=False, allow_blank=True,
                                      default="")
        platform = serializers.BooleanField(required=False, default=False)
        subject_refs = serializers.ListField(child=serializers.CharField(max_length=128),
                                             required=False, default=list)
        since = serializers.DateTimeField(required=False, allow_null=True, default=None)
        until = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={201: EvidenceSerializer})
    def post(self, request: Request, investigation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        investigation = investigation_get_for_user(user=request.user,
                                                   investigation_id=investigation_id)
        if v["platform"]:
            item = evidence.evidence_collect_platform(
                investigation=investigation, actor=request.user,
                subject_refs=v["subject_refs"], since=v["since"], until=v["until"])
        else:
            if "file" not in v:
                raise serializers.ValidationError({"file": ["Attach a file."]})
            item = evidence.evidence_upload(investigation=investigation, actor=request.user,
                                            file=v["file"], title=v["title"])
        return Response(EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)


class RfiAnswerApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=10000)
        files = serializers.ListField(child=serializers.FileField(), required=False,
                                      default=list, max_length=10)

    @extend_schema(request=InputSerializer, responses={200: RfiSerializer})
    def post(self, request: Request, rfi_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rfi = rfi_get_for_user(user=request.user, rfi_id=rfi_id)
        rfi = enforcement.rfi_answer(rfi=rfi, actor=request.user, **data.validated_data)
        return Response(RfiSerializer(rfi).data)


class OrderDoneApi(APIView):
    """The enterprise reports an order fulfilled, with a note and files as its evidence."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=10000, allow_blank=True)
        files = serializers.ListField(child=serializers.FileField(), required=False,
                                      default=list, max_length=10)

    @extend_schema(request=InputSerializer, responses={200: OrderSerializer})
    def post(self, request: Request, order_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_get_for_user(user=request.user, order_id=order_id)
        order = enforcement.order_report_done(order=order, actor=request.user,
                                              **data.validated_data)
        return Response(OrderSerializer(order).data)


class OrderVerifyApi(APIView):
    """The inspector verifies the enterprise's report, stating what was checked."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=10000, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: OrderSerializer})
    def post(self, request: Request, order_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_get_for_user(user=request.user, order_id=order_id)
        order = enforcement.order_verify(order=order, actor=request.user,
                                         **data.validated_data)
        return Response(OrderSerializer(order).data)
