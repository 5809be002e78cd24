"""The public register: no login, the whitelist of governance.selectors.register."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.enforcement_history import enforcement_history
from governance.errors import DomainError
from governance.models import Mode, PlaceType
from governance.selectors.register import register_entry, register_get, register_search


class RegisterChangeSerializer(serializers.Serializer):
    applied_at = serializers.DateTimeField()
    reason = serializers.CharField()
    approved_by_regulator = serializers.BooleanField()
    changes = serializers.DictField(child=serializers.DictField(),
                                    help_text=_("{field: {before, after}}"))


class AccuracySerializer(serializers.Serializer):
    evaluated_at = serializers.DateTimeField()
    engine_version = serializers.CharField()
    set_source = serializers.CharField()
    images = serializers.IntegerField()
    identities = serializers.IntegerField()
    threshold = serializers.FloatField()
    fmr = serializers.FloatField(allow_null=True)
    fnmr = serializers.FloatField(allow_null=True)
    fdr = serializers.FloatField(allow_null=True)
    worst_group_fmr = serializers.FloatField(allow_null=True)
    failures_to_enrol = serializers.IntegerField()
    fte_rate = serializers.FloatField(allow_null=True)
    stale = serializers.BooleanField()
    stale_reasons = serializers.ListField(child=serializers.CharField())


class RegisterDevicesSerializer(serializers.Serializer):
    devices = serializers.IntegerField()
    operating = serializers.IntegerField()
    templates_stay_on_devices = serializers.BooleanField()


class RegisterEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    operator = serializers.CharField()
    status = serializers.CharField()
    is_suspended = serializers.BooleanField()
    scenario = serializers.CharField()
    mode = serializers.CharField()
    place_type = serializers.CharField()
    location = serializers.CharField()
    jurisdiction = serializers.CharField()
    is_public_place = serializers.BooleanField()
    interest = serializers.CharField()
    purposes = serializers.ListField(child=serializers.CharField())
    legal_basis = serializers.CharField()
    storage = serializers.CharField()
    keeps_images = serializers.BooleanField()
    non_face_alternative = serializers.CharField()
    requires_liveness = serializers.BooleanField()
    two_person_confirmation = serializers.BooleanField()
    threshold = serializers.FloatField()
    threshold_history = serializers.ListField(child=serializers.DictField())
    retention = serializers.ListField(child=serializers.DictField())
    notice = serializers.DictField(allow_null=True)
    approval = serializers.DictField()
    filings = serializers.ListField(child=serializers.DictField())
    activated_at = serializers.DateTimeField(allow_null=True)
    change_history = RegisterChangeSerializer(many=True)
    # The latest accuracy evaluation (issue 13), or null before the first one.
    accuracy = AccuracySerializer(allow_null=True)
    # An on-device deployment's devices (issue 14): how many, and that templates stay there.
    devices = RegisterDevicesSerializer(allow_null=True)


class RegisterOrderSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    due_date = serializers.DateTimeField()


class RegisterPenaltySerializer(serializers.Serializer):
    amount_cny = serializers.DecimalField(max_digits=16, decimal_places=2)
    basis = serializers.CharField()
    basis_label = serializers.CharField()


class RegisterDecisionSerializer(serializers.Serializer):
    decided_at = serializers.DateTimeField()
    regulator = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    under_appeal = serializers.BooleanField()
    reasons = serializers.CharField()
    legal_basis = serializers.CharField()
    appeal_route = serializers.CharField()
    orders = RegisterOrderSerializer(many=True)
    penalties = RegisterPenaltySerializer(many=True)


class RegisterDetailSerializer(RegisterEntrySerializer):
    enforcement = RegisterDecisionSerializer(many=True,
                                             help_text=_("Published decisions, newest first"))


class RegisterListApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: RegisterEntrySerializer(many=True)}, auth=[],
        parameters=[
            OpenApiParameter("q", str, description="Words found in the name, operator, "
                                                   "location or purposes"),
            OpenApiParameter("location", str, description="Location contains this text"),
            OpenApiParameter("operator", str, description="The operator's slug"),
            OpenApiParameter("place_type", str, enum=PlaceType.values),
            OpenApiParameter("mode", str, enum=Mode.values),
            OpenApiParameter("region", str, description="The operator's region"),
            OpenApiParameter("status", str, enum=["active", "suspended"]),
        ],
        description="Every running deployment; the optional filters narrow the list (400 "
                    "`invalid_filter` names an unknown choice).")
    def get(self, request: Request) -> Response:
        found = register_search(request.query_params)
        if not found.is_valid():
            raise DomainError(_("Unknown filter values: %(fields)s.") % {
                "fields": ", ".join(sorted(found.errors))}, code="invalid_filter",
                errors={k: [str(e) for e in v] for k, v in found.errors.items()})
        rows = [register_entry(d) for d in found.qs]
        return Response(RegisterEntrySerializer(rows, many=True).data)


class RegisterDetailApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: RegisterDetailSerializer}, auth=[])
    def get(self, request: Request, deployment_id: int) -> Response:
        entry = register_entry(register_get(deployment_id=deployment_id))
        entry["enforcement"] = enforcement_history(deployment_id=deployment_id)
        return Response(RegisterDetailSerializer(entry).data)
