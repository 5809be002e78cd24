"""Guidance notes (anyone reads, a regulator publishes) and consultations."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.permissions import RESPONDENT_STAFF
from complaints.selectors.guidance import (
    consultation_get_for_user,
    consultation_list_for_user,
    guidance_current,
)
from complaints.services.guidance import (
    consultation_ask,
    consultation_message_send,
    consultation_publish,
    guidance_publish,
)
from governance.errors import NotFound
from governance.models import OrganisationKind
from governance.permissions import organisations_of


class GuidanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    series = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    rules = serializers.ListField(child=serializers.CharField())
    regulator = serializers.CharField(source="regulator.name")
    published_at = serializers.DateTimeField()


class GuidanceListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        body = serializers.CharField(max_length=20000)
        rules = serializers.ListField(child=serializers.CharField(max_length=80),
                                      required=False, default=list)
        series = serializers.CharField(max_length=80, required=False, allow_blank=True,
                                       default="")

    def get_permissions(self) -> list:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses={200: GuidanceSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(GuidanceSerializer(guidance_current(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: GuidanceSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = guidance_publish(actor=request.user, **data.validated_data)
        return Response(GuidanceSerializer(note).data, status=status.HTTP_201_CREATED)


class ConsultationMessageSerializer(serializers.Serializer):
    from_regulator = serializers.BooleanField()
    author = serializers.CharField(source="author.username")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    enterprise_id = serializers.IntegerField()
    regulator_id = serializers.IntegerField()
    subject = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    messages = ConsultationMessageSerializer(many=True)
    public_question = serializers.CharField()
    public_answer = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class ConsultationListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        enterprise_id = serializers.IntegerField(required=False, allow_null=True)
        subject = serializers.CharField(max_length=200)
        question = serializers.CharField(max_length=10000)

    @extend_schema(responses={200: ConsultationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = consultation_list_for_user(user=request.user).prefetch_related(
            "messages__author")[:200]
        return Response(ConsultationSerializer(rows, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ConsultationSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        own = organisations_of(request.user, kind=OrganisationKind.ENTERPRISE,
                               roles=RESPONDENT_STAFF)
        wanted = data.validated_data.get("enterprise_id")
        enterprise = own.filter(id=wanted).first() if wanted else own.order_by("id").first()
        if enterprise is None:
            raise NotFound(_("No enterprise of yours to ask for."), code="enterprise_not_found")
        consultation = consultation_ask(actor=request.user, enterprise=enterprise,
                                        subject=data.validated_data["subject"],
                                        question=data.validated_data["question"])
        return Response(ConsultationSerializer(consultation).data,
                        status=status.HTTP_201_CREATED)


class ConsultationMessagesApi(APIView):
    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=10000)

    @extend_schema(responses={200: ConsultationMessageSerializer(many=True)})
    def get(self, request: Request, consultation_id: int) -> Response:
        consultation = consultation_get_for_user(user=request.user,
                                                 consultation_id=consultation_id)
        return Response(ConsultationMessageSerializer(consultation.messages.all(),
                                                      many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ConsultationMessageSerializer})
    def post(self, request: Request, consultation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = consultation_get_for_user(user=request.user,
                                                 consultation_id=consultation_id)
        message = consultation_message_send(consultation=consultation, actor=request.user,
                                            body=data.validated_data["body"])
        return Response(ConsultationMessageSerializer(message).data,
                        status=status.HTTP_201_CREATED)


class ConsultationPublishApi(APIView):
    class InputSerializer(serializers.Serializer):
        question = serializers.CharField(max_length=10000)
        answer = serializers.CharField(max_length=10000)

    @extend_schema(request=InputSerializer, responses={200: ConsultationSerializer})
    def post(self, request: Request, consultation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = consultation_get_for_user(user=request.user,
                                                 consultation_id=consultation_id)
        consultation = consultation_publish(consultation=consultation, actor=request.user,
                                            **data.validated_data)
        return Response(ConsultationSerializer(consultation).data)
