"""Edge devices: their registration by the enterprise (user auth), and the agent protocol
under /api/v1/edge/, where every request is signed by the device's own key
(recognition/edge_protocol.py) — never the deployment's shared API key."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import authentication, exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.selectors.deployments import deployment_get_for_user
from recognition import edge_protocol as proto
from recognition.models import Device
from recognition.selectors.devices import device_get_for_user, device_list_for_deployment
from recognition.services.devices import (
    device_authenticate,
    device_events_push,
    device_order_ack,
    device_permit_issue,
    device_poll,
    device_register,
    device_retire,
    device_suspend,
    platform_key,
)


class DeviceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deployment_id = serializers.IntegerField()
    name = serializers.CharField()
    place = serializers.CharField()
    status = serializers.CharField()
    key_id = serializers.CharField()
    transform_version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_contact_at = serializers.DateTimeField(allow_null=True)
    pending_orders = serializers.IntegerField(required=False)
    overdue_orders = serializers.IntegerField(required=False)


class DeviceListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        place = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                      default="")
        public_key = serializers.CharField(
            max_length=44, help_text="The device's Ed25519 public key, raw 32 bytes, base64 "
                                     "(`python -m edge_agent init` prints it).")
        encryption_key = serializers.CharField(
            max_length=44, help_text="The device's X25519 public key, raw 32 bytes, base64.")

    @extend_schema(operation_id="deployment_devices_list",
                   responses={200: DeviceOutputSerializer(many=True)})
    def get(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        devices = device_list_for_deployment(user=request.user, deployment=deployment)
        return Response(DeviceOutputSerializer(devices, many=True).data)

    @extend_schema(operation_id="deployment_devices_create", request=InputSerializer,
                   responses={201: DeviceOutputSerializer})
    def post(self, request: Request, deployment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        device = device_register(deployment=deployment, actor=request.user,
                                 **data.validated_data)
        return Response(DeviceOutputSerializer(device).data, status=status.HTTP_201_CREATED)


class DeviceSuspendApi(APIView):
    @extend_schema(request=None, responses={200: DeviceOutputSerializer})
    def post(self, request: Request, device_id: int) -> Response:
        device = device_get_for_user(user=request.user, device_id=device_id)
        return Response(DeviceOutputSerializer(device_suspend(device=device,
                                                              actor=request.user)).data)


class DeviceRetireApi(APIView):
    @extend_schema(request=None, responses={200: DeviceOutputSerializer})
    def post(self, request: Request, device_id: int) -> Response:
        device = device_get_for_user(user=request.user, device_id=device_id)
        return Response(DeviceOutputSerializer(device_retire(device=device,
                                                             actor=request.user)).data)


# --- the agent protocol -----------------------------------------------------------------------


class DeviceSignatureAuthentication(authentication.BaseAuthentication):
    """Ed25519 over (method, path, timestamp, nonce, sha256(body)); see edge_protocol."""

    def authenticate(self, request: Request) -> tuple[Any, Device] | None:
        device_id = request.headers.get(proto.HEADER_DEVICE)
        if device_id is None:
            return None
        from django.contrib.auth.models import AnonymousUser

        device = device_authenticate(
            device_id=device_id, method=request.method or "", path=request.path,
            timestamp=request.headers.get(proto.HEADER_TIMESTAMP, ""),
            nonce=request.headers.get(proto.HEADER_NONCE, ""),
            signature=request.headers.get(proto.HEADER_SIGNATURE, ""),
            body=request._request.body)
        return AnonymousUser(), device

    def authenticate_header(self, request: Request) -> str:
        return "FaceGovDevice"


class DeviceSignatureScheme(OpenApiAuthenticationExtension):
    target_class = DeviceSignatureAuthentication
    name = "DeviceSignature"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": proto.HEADER_SIGNATURE,
                "description": (f"Ed25519 signature (base64) by the device's key over "
                                f"'{proto.VERSION}\\nMETHOD\\npath\\ntimestamp\\nnonce\\n"
                                f"sha256hex(body)', with {proto.HEADER_DEVICE}, "
                                f"{proto.HEADER_TIMESTAMP} (unix seconds) and "
                                f"{proto.HEADER_NONCE} (used once).")}


class HasDeviceSignature(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, Device):
            return True
        raise exceptions.NotAuthenticated("Sign the request with the device's key.")


class EdgeApi(APIView):
    authentication_classes = [DeviceSignatureAuthentication]
    permission_classes = [HasDeviceSignature]
    throttle_classes: list = []


class SignedSerializer(serializers.Serializer):
    payload = serializers.DictField()
    signature = serializers.CharField(help_text="The platform's Ed25519 signature (base64) "
                                                "over the domain label and canonical payload.")


class EdgeOrderSerializer(serializers.Serializer):
    order_id = serializers.IntegerField()
    device_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["delete_subject", "stop", "rotate"])
    subject_ref = serializers.CharField()
    transform_version = serializers.IntegerField(allow_null=True)
    issued_at = serializers.CharField()
    deadline_at = serializers.CharField()
    signature = serializers.CharField()
    sealed_secret = serializers.CharField(required=False)


class EdgePollApi(EdgeApi):
    class OutputSerializer(serializers.Serializer):
        operating = serializers.BooleanField()
        reason = serializers.CharField()
        permit = SignedSerializer(allow_null=True)
        orders = EdgeOrderSerializer(many=True)
        transform_version = serializers.IntegerField()
        sealed_secret = serializers.CharField(help_text="The device's template-space secret, "
                                                        "sealed to its X25519 key.")
        canary_set = serializers.CharField(help_text="Names the device's current canary set; "
                                                     "the agent replaces its canaries when it "
                                                     "changes.")
        sealed_canaries = serializers.CharField(help_text="The device's canary identities (raw "
                                                          "vectors), sealed to its X25519 key: "
                                                          "stored in its gallery in its own "
                                                          "space, never matched or counted.")
        platform_key = serializers.CharField()

    @extend_schema(operation_id="edge_poll", request=None, responses={200: OutputSerializer})
    def post(self, request: Request) -> Response:
        return Response(self.OutputSerializer(device_poll(device=request.auth)).data)


class EdgePermitApi(EdgeApi):
    class InputSerializer(serializers.Serializer):
        subject_ref = serializers.CharField(max_length=128)
        purpose = serializers.SlugField(max_length=60)

    @extend_schema(operation_id="edge_permit", request=InputSerializer,
                   responses={201: SignedSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        permit = device_permit_issue(device=request.auth, path=request.path,
                                     **data.validated_data)
        return Response(permit, status=status.HTTP_201_CREATED)


class EdgeAckApi(EdgeApi):
    class InputSerializer(serializers.Serializer):
        ack = serializers.DictField(help_text="order_id, device_id, kind, subject_ref, result, "
                                              "templates, executed_at")
        signature = serializers.CharField(max_length=100)

    class OutputSerializer(serializers.Serializer):
        order_id = serializers.IntegerField(source="id")
        acknowledged_at = serializers.DateTimeField()
        certificate = serializers.CharField(source="certificate.reference", allow_null=True,
                                            default=None)

    @extend_schema(operation_id="edge_order_ack", request=InputSerializer,
                   responses={200: OutputSerializer},
                   parameters=[OpenApiParameter("order_id", int, OpenApiParameter.PATH)])
    def post(self, request: Request, order_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = device_order_ack(device=request.auth, order_id=order_id, path=request.path,
                                 **data.validated_data)
        return Response(self.OutputSerializer(order).data)


class EdgeEventsApi(EdgeApi):
    class InputSerializer(serializers.Serializer):
        events = serializers.ListField(child=serializers.DictField(), max_length=10_000)
        head_signature = serializers.CharField(max_length=100)

    class OutputSerializer(serializers.Serializer):
        accepted = serializers.IntegerField()
        sequence = serializers.IntegerField()
        head = serializers.CharField()

    @extend_schema(operation_id="edge_events_push", request=InputSerializer,
                   responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accepted = device_events_push(device=request.auth, path=request.path,
                                      **data.validated_data)
        device = Device.objects.get(pk=request.auth.pk)
        return Response({"accepted": accepted, "sequence": device.event_sequence,
                         "head": device.event_head}, status=status.HTTP_201_CREATED)


class EdgePlatformKeyApi(APIView):
    """Public: the key devices pin to check the platform's permits and orders."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    class OutputSerializer(serializers.Serializer):
        platform_key = serializers.CharField()
        algorithm = serializers.CharField()

    @extend_schema(operation_id="edge_platform_key", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        return Response({"platform_key": platform_key(), "algorithm": "Ed25519"})
