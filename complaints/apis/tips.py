"""Anonymous tips: no account, no authentication, no cookie. The receipt travels in request
bodies only, never in a URL (so no access log, referrer or history ever holds it)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from complaints.apis.complaints import case_input
from complaints.apis.serializers import CaseInputSerializer, MessageSerializer
from complaints.models.messages import MESSAGE_MAX_LENGTH
from complaints.selectors.cases import messages_for
from complaints.selectors.tips import client_of, tip_get_by_receipt
from complaints.services.intake import tip_submit
from complaints.services.messages import tip_reply
from complaints.throttles import GlobalTipThrottle
from config.api.parsers import FormParser, JSONParser, MultiPartParser


class TipStatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    received_at = serializers.DateTimeField()
    triage_due = serializers.DateTimeField()
    triage_decision = serializers.CharField()
    triage_reasons = serializers.CharField()
    route_to_court = serializers.CharField()
    closing_reasons = serializers.CharField()
    messages = serializers.SerializerMethodField()

    def get_messages(self, tip) -> list[dict]:
        return MessageSerializer(messages_for(complaint=tip, role="tipster"), many=True).data


class _Anonymous(APIView):
    """No account: the platform's anonymous and scoped throttles (the defaults) apply."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class TipSubmitApi(_Anonymous):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, GlobalTipThrottle]
    throttle_scope = "tip_submit"

    class OutputSerializer(serializers.Serializer):
        receipt = serializers.CharField()
        status = serializers.CharField()
        triage_due = serializers.DateTimeField()

    @extend_schema(request=CaseInputSerializer, responses={201: OutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = CaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tip, receipt = tip_submit(data=case_input(data.validated_data),
                                  files=data.validated_data["files"])
        return Response({"receipt": receipt, "status": tip.status,
                         "triage_due": tip.triage_due}, status=status.HTTP_201_CREATED)


class TipStatusApi(_Anonymous):
    throttle_scope = "tip_receipt"

    class InputSerializer(serializers.Serializer):
        receipt = serializers.CharField(max_length=40)

    @extend_schema(request=InputSerializer, responses={200: TipStatusSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tip = tip_get_by_receipt(receipt=data.validated_data["receipt"],
                                 client=client_of(request))
        return Response(TipStatusSerializer(tip).data)


class TipMessagesApi(_Anonymous):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    throttle_scope = "tip_receipt"

    class InputSerializer(serializers.Serializer):
        receipt = serializers.CharField(max_length=40)
        body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH, required=False,
                                     allow_blank=True, default="")
        files = serializers.ListField(child=serializers.FileField(), required=False,
                                      default=list, max_length=5)

        def validate(self, attrs: dict) -> dict:
            if not attrs["body"].strip() and not attrs["files"]:
                raise serializers.ValidationError({"body": _("Write a message or add a file.")})
            return attrs

    @extend_schema(request=InputSerializer, responses={201: TipStatusSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tip = tip_get_by_receipt(receipt=data.validated_data["receipt"],
                                 client=client_of(request))
        tip_reply(tip=tip, body=data.validated_data["body"], files=data.validated_data["files"])
        tip.refresh_from_db()
        return Response(TipStatusSerializer(tip).data, status=status.HTTP_201_CREATED)
