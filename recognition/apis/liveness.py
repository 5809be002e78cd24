"""Liveness challenges: ask for one, answer it with frames, then spend it on one call."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from recognition.apis.recognition import DeviceApi
from recognition.engine import ImageTooBigBytes
from recognition.engine.liveness import MAX_FRAMES
from recognition.errors import ImageRefused
from recognition.services.liveness import liveness_answer, liveness_challenge_create

DEVICE_HEADER = OpenApiParameter(
    "X-Device-Id", str, OpenApiParameter.HEADER, required=False,
    description="The client device's stable id (a phone app's install id); challenges are "
                "limited per device as well as per key.")


class LivenessChallengeApi(DeviceApi):
    class InputSerializer(serializers.Serializer):
        device_id = serializers.CharField(max_length=64, required=False, allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        challenge_id = serializers.UUIDField(source="id")
        actions = serializers.ListField(child=serializers.CharField())
        nonce = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(request=None, parameters=[DEVICE_HEADER],
                   responses={201: OutputSerializer}, operation_id="recognition_liveness_challenge")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data={"device_id": request.headers.get("X-Device-Id", "")})
        data.is_valid(raise_exception=True)
        challenge = liveness_challenge_create(deployment=request.auth.deployment,
                                              api_key=request.auth,
                                              device_id=data.validated_data.get("device_id", ""))
        return Response(self.OutputSerializer(challenge).data, status=status.HTTP_201_CREATED)


class LivenessAnswerApi(DeviceApi):
    class InputSerializer(serializers.Serializer):
        frames = serializers.ListField(child=serializers.FileField(), min_length=1,
                                       max_length=MAX_FRAMES)

    class OutputSerializer(serializers.Serializer):
        passed = serializers.BooleanField()
        reason = serializers.CharField()
        detail = serializers.CharField()
        cues = serializers.DictField(child=serializers.DictField())

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={200: OutputSerializer}, operation_id="recognition_liveness_answer")
    def post(self, request: Request, challenge_id: str) -> Response:
        data = self.InputSerializer(data={"frames": request.FILES.getlist("frames")})
        data.is_valid(raise_exception=True)
        # Bytes are read only after the count and every declared size passed; the service then
        # checks each frame's header before any is decoded.
        uploads = data.validated_data["frames"]
        limit = settings.FACEGOV_LIVENESS_MAX_FRAME_BYTES
        for upload in uploads:
            if upload.size > limit:
                raise ImageRefused(ImageTooBigBytes(size_bytes=upload.size, max_bytes=limit))
        frames = [upload.read() for upload in uploads]
        answer = liveness_answer(deployment=request.auth.deployment,
                                 challenge_id=challenge_id, frames=frames)
        return Response(self.OutputSerializer(answer).data)
