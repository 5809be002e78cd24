"""Rights requests (citizens file; enterprises answer) and "my records"."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.errors import NotFound
from governance.models import RequestState, RequestType
from governance.permissions import require
from governance.selectors.consent import deployment_get_for_consent
from governance.selectors.records import citizen_records
from governance.selectors.rights import rights_request_get_for_user, rights_request_list_for_user
from governance.services.exports import rights_export_open
from governance.services.rights import (
    rights_request_extend,
    rights_request_file,
    rights_request_fulfil,
    rights_request_reject,
    rights_request_start,
    rights_restriction_lift,
)


class RightsRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deployment_id = serializers.IntegerField()
    deployment = serializers.CharField(source="deployment.name")
    type = serializers.CharField()
    details = serializers.CharField()
    state = serializers.CharField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    extended_at = serializers.DateTimeField(allow_null=True)
    extension_reason = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    response = serializers.CharField()
    rejection_reason = serializers.CharField()
    court_route = serializers.CharField()
    export = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    restrictions = serializers.SerializerMethodField(
        help_text=gettext_lazy("A granted restriction: in force until lifted (lifted_at null)."))

    def get_export(self, request: Any) -> dict[str, Any] | None:
        export = getattr(request, "export", None)  # the reverse one-to-one may not exist
        if export is None:
            return None
        return {"created_at": export.created_at, "expires_at": export.expires_at,
                "available": export.erased_at is None,
                "url": f"/api/v1/requests/{request.id}/export/"}

    def get_restrictions(self, request: Any) -> list[dict[str, Any]]:
        return [{"subject_ref": r.subject_ref, "started_at": r.started_at,
                 "lifted_at": r.lifted_at, "lift_reason": r.lift_reason}
                for r in request.restrictions.all()]

    def get_events(self, request: Any) -> list[dict[str, Any]]:
        return [{"state": e.state, "note": e.note, "at": e.at} for e in request.events.all()]


class RightsRequestListApi(APIView):
    class InputSerializer(serializers.Serializer):
        deployment_id = serializers.IntegerField()
        type = serializers.ChoiceField(RequestType.choices)
        details = serializers.CharField(required=False, default="", allow_blank=True)

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(RequestState.choices, required=False, default="")
        deployment_id = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={201: RightsRequestOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        deployment = deployment_get_for_consent(user=request.user,
                                                deployment_id=fields.pop("deployment_id"))
        created = rights_request_file(citizen=request.user, deployment=deployment, **fields)
        return Response(RightsRequestOutputSerializer(created).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[FilterSerializer],
                   responses={200: RightsRequestOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        requests = rights_request_list_for_user(user=request.user, **filters.validated_data)
        requests = requests.prefetch_related("events")
        return Response(RightsRequestOutputSerializer(requests, many=True).data)


class RightsRequestDetailApi(APIView):
    @extend_schema(responses={200: RightsRequestOutputSerializer})
    def get(self, request: Request, request_id: int) -> Response:
        found = rights_request_get_for_user(user=request.user, request_id=request_id)
        return Response(RightsRequestOutputSerializer(found).data)


class RightsRequestStartApi(APIView):
    @extend_schema(request=None, responses={200: RightsRequestOutputSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        found = rights_request_get_for_user(user=request.user, request_id=request_id)
        found = rights_request_start(request=found, actor=request.user)
        return Response(RightsRequestOutputSerializer(found).data)


class RightsRequestExtendApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: RightsRequestOutputSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        found = rights_request_get_for_user(user=request.user, request_id=request_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = rights_request_extend(request=found, actor=request.user, **data.validated_data)
        return Response(RightsRequestOutputSerializer(found).data)


class RightsRequestFulfilApi(APIView):
    class InputSerializer(serializers.Serializer):
        response = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: RightsRequestOutputSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        found = rights_request_get_for_user(user=request.user, request_id=request_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = rights_request_fulfil(request=found, actor=request.user, **data.validated_data)
        return Response(RightsRequestOutputSerializer(found).data)


class RightsRequestRejectApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()
        court_route = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: RightsRequestOutputSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        found = rights_request_get_for_user(user=request.user, request_id=request_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = rights_request_reject(request=found, actor=request.user, **data.validated_data)
        return Response(RightsRequestOutputSerializer(found).data)


class RightsRequestLiftRestrictionApi(APIView):
    """End a granted restriction, with the reason the citizen is told."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: RightsRequestOutputSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        found = rights_request_get_for_user(user=request.user, request_id=request_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = rights_restriction_lift(request=found, actor=request.user,
                                        **data.validated_data)
        return Response(RightsRequestOutputSerializer(found).data)


class RightsRequestExportApi(APIView):
    """The decrypted download; only the citizen who filed the request may read it."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, request_id: int) -> Response:
        found = rights_request_get_for_user(user=request.user, request_id=request_id)
        export = getattr(found, "export", None) if found.citizen_id == request.user.id else None
        if export is None:
            raise NotFound(_("No download for this request."))
        return Response(rights_export_open(export=export))


class MyRecordsApi(APIView):
    """Everything held about the signed-in citizen, across deployments."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        require(request.user, "records.view_own")
        return Response(citizen_records(citizen=request.user))
