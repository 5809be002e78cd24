"""Token and sign-up endpoints: the only API views open to anonymous callers."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.services.accounts import citizen_signup


class TokenObtainApi(APIView):
    # Token auth only (no session): its header makes a wrong password answer 401, not 403.
    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if user is None:
            raise exceptions.AuthenticationFailed(
                "Wrong username or password.", code="invalid_credentials"
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)


class CitizenSignupApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]{3,150}$")
        password = serializers.CharField(trim_whitespace=False)
        email = serializers.EmailField(required=False, default="")
        display_name = serializers.CharField(required=False, default="", max_length=150)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = citizen_signup(**data.validated_data)
        return Response(self.OutputSerializer(user).data, status=status.HTTP_201_CREATED)
