"""Accuracy and fairness evaluations (fixed paths, DESIGN.md): request, read, DET curve."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.parsers import FormParser, JSONParser, MultiPartParser
from governance.errors import NotFound
from governance.permissions import can
from governance.selectors.deployments import deployment_get_for_user
from recognition.selectors.evaluations import (
    evaluation_det_svg,
    evaluation_get_for_user,
    evaluation_report,
)
from recognition.services.evaluations import evaluation_request


class EvaluationGroupSerializer(serializers.Serializer):
    name = serializers.CharField()
    identities = serializers.IntegerField()
    genuine_pairs = serializers.IntegerField()
    impostor_pairs = serializers.IntegerField()
    fmr = serializers.FloatField(allow_null=True)
    fnmr = serializers.FloatField(allow_null=True)
    fmr_ci = serializers.ListField(child=serializers.FloatField())
    fnmr_ci = serializers.ListField(child=serializers.FloatField())
    warnings = serializers.ListField(child=serializers.CharField())


class EvaluationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deployment_id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    error_code = serializers.CharField()
    threshold = serializers.FloatField()
    target_fmr = serializers.FloatField()
    set_source = serializers.CharField()
    images = serializers.IntegerField()
    identities = serializers.IntegerField()
    engine_version = serializers.CharField()
    fmr = serializers.FloatField(allow_null=True)
    fnmr = serializers.FloatField(allow_null=True)
    fmr_ci = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    fnmr_ci = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    genuine_pairs = serializers.IntegerField(allow_null=True)
    impostor_pairs = serializers.IntegerField(allow_null=True)
    sampled = serializers.BooleanField()
    eer = serializers.FloatField(allow_null=True)
    eer_threshold = serializers.FloatField(allow_null=True)
    fdr = serializers.FloatField(allow_null=True)
    fmr_ratio = serializers.FloatField(allow_null=True)
    worst_group = serializers.DictField(allow_null=True)
    recommended_threshold = serializers.FloatField(allow_null=True)
    calibration = serializers.DictField(allow_null=True)
    groups = EvaluationGroupSerializer(many=True)
    failures_to_enrol = serializers.DictField(child=serializers.IntegerField())
    fte_count = serializers.IntegerField()
    exclusions = serializers.DictField()
    stale_reasons = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    # Only for the deployment's own staff (look-alike risk names people of their set).
    closest_impostors = serializers.ListField(child=serializers.DictField(), required=False)


class EvaluationCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        set = serializers.FileField(required=False)
        reference_set = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses={202: EvaluationOutputSerializer})
    def post(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        if not can(request.user, "evaluation.view", deployment):
            raise NotFound(_("No such deployment."))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = evaluation_request(deployment=deployment, actor=request.user,
                                        archive=data.validated_data.get("set"),
                                        reference_set=data.validated_data["reference_set"])
        evaluation.refresh_from_db()
        report = evaluation_report(evaluation, user=request.user)
        return Response(EvaluationOutputSerializer(report).data, status=status.HTTP_202_ACCEPTED)


class EvaluationDetailApi(APIView):
    @extend_schema(responses={200: EvaluationOutputSerializer})
    def get(self, request: Request, evaluation_id: int) -> Response:
        evaluation = evaluation_get_for_user(user=request.user, evaluation_id=evaluation_id)
        report = evaluation_report(evaluation, user=request.user)
        return Response(EvaluationOutputSerializer(report).data)


class EvaluationDetSvgApi(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="image/svg+xml")})
    def get(self, request: Request, evaluation_id: int) -> HttpResponse:
        evaluation = evaluation_get_for_user(user=request.user, evaluation_id=evaluation_id)
        response = HttpResponse(evaluation_det_svg(evaluation), content_type="image/svg+xml")
        response["X-Content-Type-Options"] = "nosniff"
        return response
