"""Impact assessments and filings of a deployment, for API clients."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.compliance.questionnaire import QUESTIONS, SUMMARY_KEYS
from governance.errors import NotFound
from governance.permissions import require
from governance.selectors.deployments import (
    deployment_get_for_user,
    filing_get_for_user,
    filing_list_for_user,
)
from governance.services.assessments import impact_assessment_missing, impact_assessment_save
from governance.services.filings import filing_acknowledge, filing_submit


class AssessmentOutputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    answers = serializers.DictField()
    missing = serializers.ListField(child=serializers.CharField())
    score = serializers.IntegerField()
    risk_level = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    locked_at = serializers.DateTimeField(allow_null=True)
    keep_until = serializers.DateTimeField()


def _assessment_payload(assessment) -> dict:
    return {"version": assessment.version, "answers": assessment.answers,
            "missing": impact_assessment_missing(assessment), "score": assessment.score,
            "risk_level": assessment.risk_level, "completed_at": assessment.completed_at,
            "locked_at": assessment.locked_at, "keep_until": assessment.keep_until}


class DeploymentAssessmentApi(APIView):
    """The latest impact assessment. PUT answers the questionnaire (a locked version is
    never changed: answering again starts the next version)."""

    class InputSerializer(serializers.Serializer):
        answers = serializers.DictField(help_text=gettext_lazy("Question keys: ") + ", ".join(
            [q.key for q in QUESTIONS] + list(SUMMARY_KEYS)))

    @extend_schema(responses={200: AssessmentOutputSerializer})
    def get(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        latest = deployment.assessments.order_by("-version").first()
        if latest is None:
            raise NotFound(_("This deployment has no impact assessment yet."))
        return Response(AssessmentOutputSerializer(_assessment_payload(latest)).data)

    @extend_schema(request=InputSerializer, responses={200: AssessmentOutputSerializer})
    def put(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = impact_assessment_save(deployment=deployment, actor=request.user,
                                            answers=data.validated_data["answers"])
        return Response(AssessmentOutputSerializer(_assessment_payload(assessment)).data)


class FilingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deployment = serializers.IntegerField(source="deployment_id")
    deployment_name = serializers.CharField(source="deployment.name")
    operator = serializers.CharField(source="deployment.organisation.name")
    kind = serializers.CharField()
    status = serializers.CharField()
    trigger = serializers.CharField()
    triggered_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    is_overdue = serializers.BooleanField()
    handler_information = serializers.CharField()
    purpose_and_method = serializers.CharField()
    stored_subjects = serializers.IntegerField(allow_null=True)
    security_measures = serializers.CharField()
    impact_assessment = serializers.IntegerField(source="impact_assessment_id", allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class FilingListApi(APIView):
    @extend_schema(responses={200: FilingOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filings = filing_list_for_user(user=request.user)
        return Response(FilingOutputSerializer(filings, many=True).data)


class FilingSubmitApi(APIView):
    class InputSerializer(serializers.Serializer):
        handler_information = serializers.CharField(allow_blank=True)
        purpose_and_method = serializers.CharField(allow_blank=True)
        security_measures = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: FilingOutputSerializer})
    def post(self, request: Request, filing_id: int) -> Response:
        filing = filing_get_for_user(user=request.user, filing_id=filing_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        filing = filing_submit(filing=filing, actor=request.user, **data.validated_data)
        return Response(FilingOutputSerializer(filing).data)


class FilingAcknowledgeApi(APIView):
    @extend_schema(request=None, responses={200: FilingOutputSerializer})
    def post(self, request: Request, filing_id: int) -> Response:
        filing = filing_get_for_user(user=request.user, filing_id=filing_id)
        require(request.user, "deployment.decide", filing.deployment)
        filing = filing_acknowledge(filing=filing, actor=request.user)
        return Response(FilingOutputSerializer(filing).data)
