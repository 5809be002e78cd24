"""Token and sign-up endpoints: the only API views open to anonymous callers.

Both are throttled per address (`login`, `signup` scopes); wrong passwords lock the
username out from that address after AXES_FAILURE_LIMIT tries (governance/lockout.py).
"""

from django.contrib.auth import authenticate, user_logged_in, user_login_failed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.lockout import lockout_detail
from governance.selectors.two_factor import two_factor_enabled, two_factor_required
from governance.services.accounts import SIGNUP_ANSWER, citizen_signup
from governance.services.two_factor import otp_match


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class TokenObtainApi(APIView):
    """A token for `{username, password}`; a user with two-factor sign-in adds `otp` (the
    authenticator's current code, or a backup code). Without it they get 401 `otp_required`;
    a wrong code is 401 `invalid_otp` and counts as a failed sign-in. Where FACEGOV_REQUIRE_2FA
    is on, a regulator or enterprise admin without two-factor gets 403
    `two_factor_enrolment_required` (enrol on the web page /account/two-factor/)."""

    # Token auth only (no session): its header makes a wrong password answer 401, not 403.
    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowAny]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False,
                                         max_length=4096)
        otp = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=16,
            help_text=gettext_lazy("Two-factor users only: the current 6-digit code or a "
                                   "backup code."))

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[],
                   examples=[OpenApiExample("password only", request_only=True,
                                            value={"username": "alice", "password": "..."}),
                             OpenApiExample("with two-factor", request_only=True,
                                            value={"username": "reg_inspector",
                                                   "password": "...", "otp": "123456"})])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        otp = data.validated_data.pop("otp")
        user = authenticate(request._request, **data.validated_data)
        if getattr(request._request, "axes_locked_out", False):
            raise LockedOut(lockout_detail(request._request))
        if user is None:
            raise exceptions.AuthenticationFailed(
                _("Wrong username or password."), code="invalid_credentials")
        self._second_factor(request, user, otp)
        token, _created = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)

    def _second_factor(self, request: Request, user, otp: str) -> None:  # type: ignore[no-untyped-def]
        if two_factor_enabled(user):
            if not otp:
                raise exceptions.AuthenticationFailed(
                    _("This account uses two-factor sign-in: send `otp`."), code="otp_required")
            if otp_match(user=user, token=otp) is None:
                user_login_failed.send(sender=__name__, request=request._request,
                                       credentials={"username": user.get_username()})
                if getattr(request._request, "axes_locked_out", False):
                    raise LockedOut(lockout_detail(request._request))
                raise exceptions.AuthenticationFailed(_("That code is not valid."),
                                                      code="invalid_otp")
        elif two_factor_required(user):
            raise exceptions.PermissionDenied(
                _("Your role requires two-factor sign-in: set it up at /account/two-factor/ "
                "first."), code="two_factor_enrolment_required")


class CitizenSignupApi(APIView):
    """A citizen account. The answer is the same whether the username was free or taken
    (202), so that sign-up does not tell who has an account: sign in to find out."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "signup"

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]{3,150}$")
        password = serializers.CharField(trim_whitespace=False, max_length=4096)
        email = serializers.EmailField(required=False, default="")
        display_name = serializers.CharField(required=False, default="", max_length=150)

    class OutputSerializer(serializers.Serializer):
        detail = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={202: OutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        citizen_signup(**data.validated_data)
        return Response(self.OutputSerializer({"detail": str(SIGNUP_ANSWER)}).data,
                        status=status.HTTP_202_ACCEPTED)
