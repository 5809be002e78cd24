"""Liveness challenges: ask for one, answer it with frames, then spend it on one call."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from recognition.apis.recognition import DeviceApi, read_image
from recognition.engine.liveness import MAX_FRAMES
from recognition.services.liveness import liveness_answer, liveness_challenge_create


class LivenessChallengeApi(DeviceApi):
    class OutputSerializer(serializers.Serializer):
        challenge_id = serializers.UUIDField(source="id")
        actions = serializers.ListField(child=serializers.CharField())
        nonce = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(request=None, responses={201: OutputSerializer},
                   operation_id="recognition_liveness_challenge")
    def post(self, request: Request) -> Response:
        challenge = liveness_challenge_create(deployment=request.auth.deployment,
                                              api_key=request.auth)
        return Response(self.OutputSerializer(challenge).data, status=status.HTTP_201_CREATED)


class LivenessAnswerApi(DeviceApi):
    class InputSerializer(serializers.Serializer):
        frames = serializers.ListField(child=serializers.FileField(), min_length=1,
                                       max_length=MAX_FRAMES)

    class OutputSerializer(serializers.Serializer):
        passed = serializers.BooleanField()
        reason = serializers.CharField()
        detail = serializers.CharField()

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={200: OutputSerializer}, operation_id="recognition_liveness_answer")
    def post(self, request: Request, challenge_id: str) -> Response:
        data = self.InputSerializer(data={"frames": request.FILES.getlist("frames")})
        data.is_valid(raise_exception=True)
        frames = [read_image(upload) for upload in data.validated_data["frames"]]
        answer = liveness_answer(deployment=request.auth.deployment,
                                 challenge_id=challenge_id, frames=frames)
        return Response(self.OutputSerializer(answer).data)
