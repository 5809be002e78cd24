"""Public ledger endpoints, no login: the signed chain heads with the public key, and the
check of a receipt's ledger proof (governance/platform/ledger_proof.py)."""

from dataclasses import asdict

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.parsers import JSONParser
from governance.platform.ledger_proof import proof_verify
from governance.selectors.ledger_heads import ledger_heads_public


class SignedHeadSerializer(serializers.Serializer):
    ledger = serializers.CharField()
    chain_key = serializers.CharField()
    sequence = serializers.IntegerField()
    entry_hash = serializers.CharField()
    recorded_at = serializers.CharField()
    signed_at = serializers.CharField()
    key_id = serializers.CharField()
    signature = serializers.CharField()


class LedgerHeadsApi(APIView):
    """GET: the newest signed head of every chain, and the key that verifies them."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class FilterSerializer(serializers.Serializer):
        ledger = serializers.CharField(required=False, default="", allow_blank=True,
                                       max_length=60)
        chain_key = serializers.CharField(required=False, default="", allow_blank=True,
                                          max_length=60)

    class OutputSerializer(serializers.Serializer):
        algorithm = serializers.CharField()
        key_id = serializers.CharField()
        public_key = serializers.CharField()
        public_key_pem = serializers.CharField()
        format = serializers.CharField()
        how_to_verify = serializers.CharField()
        heads = SignedHeadSerializer(many=True)

    @extend_schema(parameters=[FilterSerializer], responses={200: OutputSerializer}, auth=[])
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return Response(self.OutputSerializer(
            ledger_heads_public(**filters.validated_data)).data)


class ReceiptVerifyApi(APIView):
    """POST a consent receipt or a deletion certificate as JSON (or only its `ledger_proof`):
    the answer says whether the ledger recorded it, under a head this platform signed."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    class OutputSerializer(serializers.Serializer):
        valid = serializers.BooleanField()
        code = serializers.CharField()
        detail = serializers.CharField()
        sequence = serializers.IntegerField(allow_null=True)
        recorded_at = serializers.CharField(allow_null=True)
        head_sequence = serializers.IntegerField(allow_null=True)
        head_signed_at = serializers.CharField(allow_null=True)

    @extend_schema(request=dict, responses={200: OutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise serializers.ValidationError(
                {"receipt": [_("Send the receipt as a JSON object.")]})
        return Response(self.OutputSerializer(asdict(proof_verify(request.data))).data)
