"""Evidence packages API: the complainant requests and downloads; anyone verifies."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.selectors.cases import complaint_get_for_user
from complaints.selectors.investigations import evidence_package_latest
from complaints.services.packages import evidence_package_request, package_verify
from config.api.parsers import MultiPartParser
from governance.errors import DomainError
from governance.platform.uploads import ARCHIVE_POLICY, sealed_file_response

VERIFY_MAX_BYTES = ARCHIVE_POLICY.max_bytes


class PackageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    error = serializers.CharField()
    sha256 = serializers.CharField(source="manifest_sha256")
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()


class EvidencePackageApi(APIView):
    @extend_schema(responses={200: PackageSerializer})
    def get(self, request: Request, complaint_id: int) -> Response | HttpResponse:
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        package = evidence_package_latest(user=request.user, complaint=complaint)
        if request.query_params.get("download") and package.sealed_id:
            return sealed_file_response(package.sealed)
        return Response(PackageSerializer(package).data)

    @extend_schema(request=None, responses={202: PackageSerializer})
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        package = evidence_package_request(complaint=complaint, actor=request.user)
        return Response(PackageSerializer(package).data, status=status.HTTP_202_ACCEPTED)


class PackageVerifyApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

    class OutputSerializer(serializers.Serializer):
        valid = serializers.BooleanField()
        first_altered = serializers.CharField(allow_null=True)
        detail = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > VERIFY_MAX_BYTES:
            raise DomainError(_("The file is too large."), code="upload_too_large")
        verdict = package_verify(upload.read())
        return Response({"valid": verdict.valid, "first_altered": verdict.first_altered,
                         "detail": verdict.detail})
