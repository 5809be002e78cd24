"""Deployment API keys, managed by the enterprise's admins (user auth, not device keys)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.selectors.deployments import deployment_get_for_user
from recognition.selectors import api_key_get_for_user, api_key_list_for_deployment
from recognition.services.apikeys import api_key_create, api_key_revoke


class ApiKeyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class ApiKeyListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)

    class CreatedSerializer(ApiKeyOutputSerializer):
        key = serializers.CharField(help_text=_("Shown once; only its hash is stored."))

    @extend_schema(responses={200: ApiKeyOutputSerializer(many=True)})
    def get(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        keys = api_key_list_for_deployment(user=request.user, deployment=deployment)
        return Response(ApiKeyOutputSerializer(keys, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: CreatedSerializer})
    def post(self, request: Request, deployment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        api_key, raw = api_key_create(deployment=deployment, actor=request.user,
                                      **data.validated_data)
        body = {**ApiKeyOutputSerializer(api_key).data, "key": raw}
        return Response(body, status=status.HTTP_201_CREATED)


class ApiKeyRevokeApi(APIView):
    @extend_schema(request=None, responses={200: ApiKeyOutputSerializer})
    def post(self, request: Request, api_key_id: int) -> Response:
        api_key = api_key_get_for_user(user=request.user, api_key_id=api_key_id)
        api_key = api_key_revoke(api_key=api_key, actor=request.user)
        return Response(ApiKeyOutputSerializer(api_key).data)
