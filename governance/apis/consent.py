"""Consent, refusal and notice endpoints. Each view validates, calls one service, and
serializes the result; the services check permissions and hold every rule."""

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.parsers import FormParser, JSONParser, MultiPartParser
from governance.models import ConsentMethod
from governance.permissions import is_citizen, require
from governance.platform.requests import click_record
from governance.platform.uploads import sealed_file_response
from governance.receipts import consent_receipt
from governance.selectors.consent import (
    consent_evidence_get,
    consent_get_for_user,
    consent_list_for_user,
    deployment_get_for_consent,
)
from governance.services.consent import (
    consent_give,
    consent_renew,
    consent_withdraw,
    refusal_record,
)
from governance.services.notices import deployment_notice_publish


class ConsentOutputSerializer(serializers.Serializer):
    receipt_id = serializers.UUIDField()
    deployment_id = serializers.IntegerField()
    subject_ref = serializers.CharField()
    purposes = serializers.SerializerMethodField()
    notice_version = serializers.IntegerField()
    method = serializers.CharField()
    central_storage = serializers.BooleanField()
    state = serializers.CharField()
    needs_renewal = serializers.BooleanField()
    given_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)

    def get_purposes(self, consent: Any) -> list[str]:
        return sorted(p.code for p in consent.purposes.all())


class DeploymentConsentsApi(APIView):
    """POST: give (citizen) or record (enterprise) a consent. GET: the deployment's consent
    records, searchable by subject_ref (enterprise staff, regulators)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        subject_ref = serializers.CharField(required=False, default="", max_length=120)
        purposes = serializers.ListField(child=serializers.SlugField(), allow_empty=False)
        notice_version = serializers.IntegerField(required=False, allow_null=True, default=None)
        method = serializers.ChoiceField(ConsentMethod.choices,
                                         default=ConsentMethod.IN_APP_EXPLICIT)
        central_storage = serializers.BooleanField(required=False, default=False)
        evidence_file = serializers.FileField(required=False, default=None)
        expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        subject_minor = serializers.BooleanField(
            required=False, default=False,
            help_text=_("Below the guardian age of the deployment's jurisdiction pack."))
        subject_age = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=0, max_value=150,
            help_text=_("If given, the pack decides whether a guardian consents."))
        subject_under_14 = serializers.BooleanField(
            required=False, default=False, help_text=_("The Chinese wording of subject_minor."))
        guardian_name = serializers.CharField(required=False, default="", max_length=200)
        guardian_relationship = serializers.CharField(required=False, default="", max_length=80)
        contact = serializers.CharField(required=False, default="", max_length=200,
                                        help_text=_("Email or phone; stored only as a keyed hash."))
        evidence = serializers.DictField(
            child=serializers.CharField(), required=False, default=dict,
            help_text=_("The click record (time, ip, user_agent) an enterprise app collected; "
                      "for a citizen's own consent the server records it."))

    class FilterSerializer(serializers.Serializer):
        subject_ref = serializers.CharField(required=False, default="")
        needs_renewal = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer,
                   responses={201: ConsentOutputSerializer, 200: ConsentOutputSerializer},
                   description="201: a new consent. 200: the person's consent to exactly these "
                               "purposes was already in force; it is renewed (same receipt, "
                               "a `renewed` ledger entry), never a second active one.")
    def post(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_consent(user=request.user, deployment_id=deployment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if is_citizen(request.user) or not fields["evidence"]:
            fields["evidence"] = click_record(request)
        consent = consent_give(deployment=deployment, actor=request.user, **fields)
        return Response(ConsentOutputSerializer(consent).data,
                        status=status.HTTP_200_OK if consent.renewed else status.HTTP_201_CREATED)

    @extend_schema(parameters=[FilterSerializer],
                   responses={200: ConsentOutputSerializer(many=True)})
    def get(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_consent(user=request.user, deployment_id=deployment_id)
        require(request.user, "consent.list", deployment)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        consents = consent_list_for_user(user=request.user, deployment=deployment,
                                         **filters.validated_data)
        return Response(ConsentOutputSerializer(consents, many=True).data)


class ConsentWithdrawApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, default="", max_length=500)

    @extend_schema(request=InputSerializer, responses={200: ConsentOutputSerializer})
    def post(self, request: Request, receipt_id: str) -> Response:
        consent = consent_get_for_user(user=request.user, receipt_id=receipt_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = consent_withdraw(consent=consent, actor=request.user, **data.validated_data)
        return Response(ConsentOutputSerializer(consent).data)


class ConsentRenewApi(APIView):
    class InputSerializer(serializers.Serializer):
        expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={200: ConsentOutputSerializer})
    def post(self, request: Request, receipt_id: str) -> Response:
        consent = consent_get_for_user(user=request.user, receipt_id=receipt_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = consent_renew(consent=consent, actor=request.user,
                                evidence=click_record(request), **data.validated_data)
        return Response(ConsentOutputSerializer(consent).data)


class ConsentReceiptApi(APIView):
    """The ISO/IEC TS 27560-style consent record; the printable page is /consents/<id>/."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, receipt_id: str) -> Response:
        consent = consent_get_for_user(user=request.user, receipt_id=receipt_id)
        return Response(consent_receipt(consent))


class ConsentEvidenceApi(APIView):
    """The signed consent form, decrypted for whoever may see the consent (an attachment;
    never a public URL)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, receipt_id: str) -> HttpResponse:
        consent = consent_get_for_user(user=request.user, receipt_id=receipt_id)
        return sealed_file_response(consent_evidence_get(consent=consent))


class DeploymentRefusalsApi(APIView):
    class InputSerializer(serializers.Serializer):
        subject_ref = serializers.CharField(required=False, default="", max_length=120)
        note = serializers.CharField(required=False, default="", max_length=500)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        deployment_id = serializers.IntegerField()
        subject_ref = serializers.CharField()
        alternative_offered = serializers.CharField()
        recorded_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_consent(user=request.user, deployment_id=deployment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refusal = refusal_record(deployment=deployment, actor=request.user,
                                 **data.validated_data)
        return Response(self.OutputSerializer(refusal).data, status=status.HTTP_201_CREATED)


class DeploymentNoticePublishApi(APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField()
        language = serializers.CharField(required=False, default="en", max_length=16)
        is_material_change = serializers.BooleanField(required=False, default=True)

    class OutputSerializer(serializers.Serializer):
        deployment_id = serializers.IntegerField()
        version = serializers.IntegerField()
        language = serializers.CharField()
        is_material_change = serializers.BooleanField()
        published_at = serializers.DateTimeField()
        consents_needing_renewal = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_consent(user=request.user, deployment_id=deployment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = deployment_notice_publish(deployment=deployment, actor=request.user,
                                           **data.validated_data)
        pending = consent_list_for_user(user=request.user, deployment=deployment,
                                        needs_renewal=True).filter(state="active").count()
        notice.consents_needing_renewal = pending
        return Response(self.OutputSerializer(notice).data, status=status.HTTP_201_CREATED)
