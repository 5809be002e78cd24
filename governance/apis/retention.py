"""Retention endpoints: deletion certificates (staff, regulators, the citizen concerned) and
legal holds (regulators only). Each view validates, calls one selector or service."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.errors import NotFound
from governance.models import DataCategory
from governance.permissions import require
from governance.platform.ledger_proof import entry_proof
from governance.selectors.retention import (
    certificate_get_for_user,
    certificate_list_for_user,
    deployment_get_for_hold,
    legal_hold_list_for_user,
)
from governance.services.retention import legal_hold_place, legal_hold_release

CERTIFICATE_LIST_LIMIT = 500


class DeletionCertificateOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deployment_id = serializers.IntegerField()
    deployment = serializers.CharField(source="deployment.name")
    sequence = serializers.IntegerField()
    category = serializers.CharField()
    count = serializers.IntegerField()
    trigger = serializers.CharField()
    rule = serializers.CharField()
    legal_reference = serializers.CharField()
    description = serializers.CharField()
    identifier_hashes = serializers.ListField(child=serializers.CharField())
    subject_hashes = serializers.ListField(child=serializers.CharField())
    keys_shredded = serializers.ListField(child=serializers.CharField())
    ledger_checkpoint = serializers.DictField()
    recorded_at = serializers.DateTimeField()
    previous_hash = serializers.CharField()
    entry_hash = serializers.CharField()
    proof_url = serializers.SerializerMethodField()

    def get_proof_url(self, certificate: Any) -> str:
        return reverse("api-deletion-certificate-detail", args=[certificate.id])


class DeletionCertificateListApi(APIView):
    """GET: the certificates the user may see, newest first."""

    class FilterSerializer(serializers.Serializer):
        deployment_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        category = serializers.ChoiceField(DataCategory.choices, required=False, default="")

    @extend_schema(parameters=[FilterSerializer],
                   responses={200: DeletionCertificateOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        certificates = certificate_list_for_user(user=request.user, **filters.validated_data)
        return Response(DeletionCertificateOutputSerializer(
            certificates[:CERTIFICATE_LIST_LIMIT], many=True).data)


class DeletionCertificateDetailApi(APIView):
    """GET: one certificate with its ledger proof (the entry and the signed head covering
    it), which anyone can check at POST /api/v1/register/verify-receipt/."""

    class OutputSerializer(DeletionCertificateOutputSerializer):
        ledger_proof = serializers.SerializerMethodField()

        def get_ledger_proof(self, certificate: Any) -> dict[str, Any]:
            return entry_proof(certificate)

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, certificate_id: int) -> Response:
        certificate = certificate_get_for_user(user=request.user, certificate_id=certificate_id)
        return Response(self.OutputSerializer(certificate).data)


class LegalHoldOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deployment_id = serializers.IntegerField()
    subject_ref = serializers.CharField()
    category = serializers.CharField()
    reason = serializers.CharField()
    expires_at = serializers.DateTimeField()
    placed_at = serializers.DateTimeField()
    placed_by = serializers.CharField(source="placed_by.username")
    released_at = serializers.DateTimeField(allow_null=True)
    deferrals = serializers.SerializerMethodField()

    def get_deferrals(self, hold: Any) -> list[dict[str, Any]]:
        return [{"category": d.category, "items": d.items,
                 "first_deferred_at": d.first_deferred_at.isoformat(),
                 "last_deferred_at": d.last_deferred_at.isoformat(), "sweeps": d.sweeps}
                for d in hold.deferrals.all()]


class LegalHoldListApi(APIView):
    """POST: a regulator places a hold (deployment, optionally subject and category).
    GET: the holds within the regulator's mandate."""

    class InputSerializer(serializers.Serializer):
        deployment_id = serializers.IntegerField()
        subject_ref = serializers.CharField(required=False, default="", allow_blank=True,
                                            max_length=128)
        category = serializers.ChoiceField(DataCategory.choices, required=False, default="",
                                           allow_blank=True)
        reason = serializers.CharField(max_length=2000)
        expires_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: LegalHoldOutputSerializer})
    def post(self, request: Request) -> Response:
        require(request.user, "legal_hold.list")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        deployment = deployment_get_for_hold(user=request.user,
                                             deployment_id=fields.pop("deployment_id"))
        hold = legal_hold_place(actor=request.user, deployment=deployment, **fields)
        return Response(LegalHoldOutputSerializer(hold).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: LegalHoldOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        require(request.user, "legal_hold.list")
        holds = legal_hold_list_for_user(user=request.user)
        return Response(LegalHoldOutputSerializer(holds, many=True).data)


class LegalHoldReleaseApi(APIView):
    @extend_schema(request=None, responses={200: LegalHoldOutputSerializer})
    def post(self, request: Request, hold_id: int) -> Response:
        hold = legal_hold_list_for_user(user=request.user).filter(id=hold_id).first()
        if hold is None:
            raise NotFound(_("No such legal hold."))
        return Response(LegalHoldOutputSerializer(
            legal_hold_release(hold=hold, actor=request.user)).data)
