"""The device-facing recognition API (`X-Api-Key`): enrol, verify, identify, delete, liveness.

Thin views: validate, call one service, serialise. Every refusal is the service's DomainError.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.parsers import FormParser, JSONParser, MultiPartParser
from recognition.authentication import ApiKeyAuthentication, HasDeploymentApiKey
from recognition.engine import DEFAULT_MAX_BYTES, ImageTooBigBytes
from recognition.errors import ImageRefused, SubjectNotEnrolled
from recognition.models import Operation
from recognition.services.recognition import (
    Caller,
    recognition_enroll,
    recognition_identify,
    recognition_subject_delete,
    recognition_verify,
)


def read_image(upload) -> bytes:  # type: ignore[no-untyped-def]
    """The upload's bytes — refused by its declared size before anything is read."""
    if upload.size > DEFAULT_MAX_BYTES:
        raise ImageRefused(ImageTooBigBytes(size_bytes=upload.size, max_bytes=DEFAULT_MAX_BYTES))
    return upload.read()


class DeviceApi(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasDeploymentApiKey]
    parser_classes = [MultiPartParser, FormParser]
    operation = ""

    def caller(self, request: Request) -> Caller:
        return Caller(deployment=request.auth.deployment, api_key=request.auth)


class SubjectPhotoInput(serializers.Serializer):
    """What enrol and verify both take: who, for which purpose, the photo, and the passed
    liveness challenge when the deployment requires one."""

    subject_ref = serializers.CharField(max_length=128)
    purpose = serializers.SlugField(max_length=60)
    image = serializers.FileField()
    liveness_challenge = serializers.UUIDField(required=False, allow_null=True)


class EnrollApi(DeviceApi):
    operation = Operation.ENROLL

    class InputSerializer(SubjectPhotoInput):
        pass

    class OutputSerializer(serializers.Serializer):
        subject_ref = serializers.CharField()
        templates = serializers.IntegerField()
        event_id = serializers.IntegerField(source="event.id")

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["image"]
        result = recognition_enroll(
            caller=self.caller(request), subject_ref=data.validated_data["subject_ref"],
            purpose=data.validated_data["purpose"], image=read_image(upload),
            content_type=upload.content_type or "",
            liveness_challenge=str(data.validated_data.get("liveness_challenge") or ""))
        return Response(self.OutputSerializer(result).data, status=status.HTTP_201_CREATED)


class VerifyApi(DeviceApi):
    operation = Operation.VERIFY

    class InputSerializer(SubjectPhotoInput):
        pass

    class OutputSerializer(serializers.Serializer):
        match = serializers.BooleanField()
        distance = serializers.FloatField()
        threshold = serializers.FloatField()
        event_id = serializers.IntegerField(source="event.id")

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={200: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = recognition_verify(
            caller=self.caller(request), subject_ref=data.validated_data["subject_ref"],
            purpose=data.validated_data["purpose"],
            image=read_image(data.validated_data["image"]),
            liveness_challenge=str(data.validated_data.get("liveness_challenge") or ""))
        return Response(self.OutputSerializer(result).data)


class IdentifyApi(DeviceApi):
    operation = Operation.IDENTIFY

    class InputSerializer(serializers.Serializer):
        purpose = serializers.SlugField(max_length=60)
        image = serializers.FileField()
        top_k = serializers.IntegerField(min_value=1, max_value=20, default=5)

    class CandidateSerializer(serializers.Serializer):
        subject_ref = serializers.CharField()
        distance = serializers.FloatField()

    class FaceSerializer(serializers.Serializer):
        box = serializers.DictField(child=serializers.IntegerField())
        candidates = serializers.ListField(child=serializers.DictField())
        unknown = serializers.BooleanField()

    class OutputSerializer(serializers.Serializer):
        faces = serializers.ListField(child=serializers.DictField())
        threshold = serializers.FloatField()
        event_id = serializers.IntegerField()
        confirmation_required = serializers.BooleanField(
            help_text=gettext_lazy("Matches must be confirmed by two people before any action."))
        confirmations = serializers.ListField(child=serializers.DictField())

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={200: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = recognition_identify(
            caller=self.caller(request), purpose=data.validated_data["purpose"],
            image=read_image(data.validated_data["image"]), top_k=data.validated_data["top_k"])
        faces = [
            {"box": dict(zip(("top", "right", "bottom", "left"), face.box, strict=True)),
             "candidates": [{"subject_ref": ref, "distance": round(d, 6)}
                            for ref, d in face.candidates],
             "unknown": not face.candidates}
            for face in result.faces
        ]
        confirmations = [{"id": c.id, "subject_ref": c.subject_ref, "status": c.status}
                         for c in result.confirmations]
        return Response(self.OutputSerializer(
            {"faces": faces, "threshold": result.threshold, "event_id": result.event.id,
             "confirmation_required": request.auth.deployment.two_person_confirmation,
             "confirmations": confirmations}).data)


class SubjectDeleteApi(DeviceApi):
    operation = Operation.DELETE
    parser_classes = [JSONParser, FormParser]

    class OutputSerializer(serializers.Serializer):
        deleted = serializers.BooleanField()
        templates = serializers.IntegerField()
        event_id = serializers.IntegerField(source="event.id")

    @extend_schema(responses={200: OutputSerializer})
    def delete(self, request: Request, subject_ref: str) -> Response:
        result = recognition_subject_delete(caller=self.caller(request),
                                            subject_ref=subject_ref, reason="operator_request")
        if not result.deleted:
            raise SubjectNotEnrolled(_("This subject has no template in this deployment."))
        return Response(self.OutputSerializer(result).data)
