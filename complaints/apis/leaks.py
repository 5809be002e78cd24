"""Leak cases API (DESIGN.md "Leak cases"): regulators only."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.models import Investigation
from complaints.selectors.leaks import (
    leak_case_get_for_user,
    leak_case_payload,
    leak_cases_for_user,
)
from complaints.services.leaks import leak_case_intercept, leak_case_open
from config.api.parsers import FormParser, JSONParser, MultiPartParser
from governance.errors import NotFound


class LeakSourceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    deployment_id = serializers.IntegerField(allow_null=True)
    device_id = serializers.IntegerField(allow_null=True)
    transform_version = serializers.IntegerField(allow_null=True)
    current_version = serializers.BooleanField(allow_null=True)
    valid_from = serializers.CharField(allow_null=True)
    valid_until = serializers.CharField(allow_null=True)
    matched = serializers.IntegerField()
    perturbed = serializers.IntegerField()
    canaries = serializers.IntegerField()
    score = serializers.FloatField()
    score_basis = serializers.DictField()


class LeakCanaryHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    deployment_id = serializers.IntegerField(allow_null=True)
    device_id = serializers.IntegerField(allow_null=True)
    copy_id = serializers.IntegerField(allow_null=True)
    found_in = serializers.CharField()
    re_encoded = serializers.BooleanField()
    count = serializers.IntegerField()
    canary_refs = serializers.ListField(child=serializers.CharField())


class LeakAffectedSerializer(serializers.Serializer):
    kind = serializers.CharField()
    deployment_id = serializers.IntegerField(allow_null=True)
    device_id = serializers.IntegerField(allow_null=True)
    subject_refs = serializers.ListField(child=serializers.CharField())


class LeakSamePeopleSerializer(serializers.Serializer):
    kind = serializers.CharField()
    deployment_id = serializers.IntegerField(allow_null=True)
    device_id = serializers.IntegerField(allow_null=True)
    matched = serializers.IntegerField()


class LeakCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    progress = serializers.IntegerField()
    error = serializers.CharField()
    dump_sha256 = serializers.CharField()
    dump_format = serializers.CharField()
    vector_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    sources = LeakSourceSerializer(many=True)
    canary_hits = LeakCanaryHitSerializer(many=True)
    affected_subjects = LeakAffectedSerializer(many=True)
    same_people = LeakSamePeopleSerializer(many=True)
    exact_copies = serializers.IntegerField()
    perturbed_copies = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    investigation_id = serializers.IntegerField(allow_null=True)
    source_deployment_id = serializers.IntegerField(allow_null=True)
    intercepted_at = serializers.DateTimeField(allow_null=True)
    intercept_reason = serializers.CharField()
    interception = serializers.DictField(allow_null=True)


class LeakCaseListCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        dump = serializers.FileField(allow_empty_file=True)
        title = serializers.CharField(required=False, allow_blank=True, max_length=250)
        investigation_id = serializers.IntegerField(required=False)

    @extend_schema(responses={200: LeakCaseSerializer(many=True)})
    def get(self, request: Request) -> Response:
        cases = leak_cases_for_user(user=request.user)[:200]
        return Response(LeakCaseSerializer([leak_case_payload(c) for c in cases],
                                           many=True).data)

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={202: LeakCaseSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investigation = None
        if "investigation_id" in data.validated_data:
            investigation = Investigation.objects.filter(
                pk=data.validated_data["investigation_id"]).first()
            if investigation is None:
                raise NotFound("No such investigation.", code="investigation_not_found")
        case = leak_case_open(actor=request.user, file=data.validated_data["dump"],
                              title=data.validated_data.get("title", ""),
                              investigation=investigation)
        return Response(LeakCaseSerializer(leak_case_payload(case)).data,
                        status=status.HTTP_202_ACCEPTED)


class LeakCaseDetailApi(APIView):
    @extend_schema(responses={200: LeakCaseSerializer})
    def get(self, request: Request, leak_case_id: int) -> Response:
        case = leak_case_get_for_user(user=request.user, case_id=leak_case_id)
        return Response(LeakCaseSerializer(leak_case_payload(case)).data)


class LeakCaseInterceptApi(APIView):
    parser_classes = [JSONParser, FormParser]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=5000)

    @extend_schema(request=InputSerializer, responses={200: LeakCaseSerializer})
    def post(self, request: Request, leak_case_id: int) -> Response:
        case = leak_case_get_for_user(user=request.user, case_id=leak_case_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = leak_case_intercept(case=case, actor=request.user,
                                   reason=data.validated_data["reason"])
        return Response(LeakCaseSerializer(leak_case_payload(case)).data)
