"""Two-person confirmation of identification matches, by the operator's staff."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from recognition.selectors import confirmation_get_for_user, confirmation_list_for_user
from recognition.services.confirmations import match_confirm


class ConfirmationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deployment_id = serializers.IntegerField()
    event_id = serializers.IntegerField()
    subject_ref = serializers.CharField()
    distance = serializers.FloatField()
    status = serializers.CharField()
    first_by = serializers.CharField(source="first_by.username", allow_null=True)
    second_by = serializers.CharField(source="second_by.username", allow_null=True)
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ConfirmationListApi(APIView):
    @extend_schema(responses={200: ConfirmationOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = confirmation_list_for_user(user=request.user)[:200]
        return Response(ConfirmationOutputSerializer(rows, many=True).data)


class ConfirmationDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        agree = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses={200: ConfirmationOutputSerializer})
    def post(self, request: Request, confirmation_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        confirmation = confirmation_get_for_user(user=request.user,
                                                 confirmation_id=confirmation_id)
        confirmation = match_confirm(confirmation=confirmation, actor=request.user,
                                     agree=data.validated_data["agree"])
        return Response(ConfirmationOutputSerializer(confirmation).data)
