"""Complaints API (DESIGN.md "Complaints and tips"): thin views over complaints/services."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.apis.serializers import (
    OUTPUT_FOR_ROLE,
    CaseInputSerializer,
    ComplainantCaseSerializer,
    MessageInputSerializer,
    MessageSerializer,
    RegulatorCaseSerializer,
    TriageInputSerializer,
)
from complaints.selectors.cases import (
    complaint_get_for_user,
    complaint_list_for_user,
    messages_for,
    viewer_role,
)
from complaints.services.intake import CaseInput, complaint_submit
from complaints.services.messages import case_message_send
from complaints.services.triage import TriageInput, complaint_triage
from complaints.throttles import PostOnlyScopedThrottle
from config.api.parsers import FormParser, JSONParser, MultiPartParser

CASE_FIELDS = ("deployment_id", "operator_name", "place", "region", "category", "description",
               "minors_involved")


def case_input(data: dict) -> CaseInput:
    return CaseInput(**{name: data[name] for name in CASE_FIELDS if data.get(name) is not None})


def case_output(request: Request, complaint) -> dict:
    role = viewer_role(user=request.user, complaint=complaint)
    return OUTPUT_FOR_ROLE[role](complaint).data


class ComplaintListCreateApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    throttle_classes = [PostOnlyScopedThrottle]
    throttle_scope = "complaint_submit"

    class InputSerializer(CaseInputSerializer):
        attach_own_records = serializers.BooleanField(required=False, default=False)

    @extend_schema(responses={200: RegulatorCaseSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = complaint_list_for_user(user=request.user).order_by("triage_due", "id")[:200]
        return Response([case_output(request, c) for c in rows])

    @extend_schema(request=InputSerializer, responses={201: ComplainantCaseSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_submit(
            citizen=request.user, data=case_input(data.validated_data),
            attach_own_records=data.validated_data["attach_own_records"],
            files=data.validated_data["files"])
        return Response(ComplainantCaseSerializer(complaint).data,
                        status=status.HTTP_201_CREATED)


class ComplaintDetailApi(APIView):
    @extend_schema(responses={200: RegulatorCaseSerializer})
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        return Response(case_output(request, complaint))


class ComplaintTriageApi(APIView):
    @extend_schema(request=TriageInputSerializer, responses={200: RegulatorCaseSerializer})
    def post(self, request: Request, complaint_id: int) -> Response:
        data = TriageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        complaint = complaint_triage(complaint=complaint, actor=request.user,
                                     data=TriageInput(**data.validated_data))
        return Response(RegulatorCaseSerializer(complaint).data)


class ComplaintMessagesApi(APIView):
    @extend_schema(responses={200: MessageSerializer(many=True)})
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        role = viewer_role(user=request.user, complaint=complaint)
        return Response(MessageSerializer(messages_for(complaint=complaint, role=role),
                                          many=True).data)

    @extend_schema(request=MessageInputSerializer, responses={201: MessageSerializer})
    def post(self, request: Request, complaint_id: int) -> Response:
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        message = case_message_send(complaint=complaint, actor=request.user,
                                    **data.validated_data)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
