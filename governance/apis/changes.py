"""Change requests of a deployment: the list, one request, and the decisions on it.

The regulator approves or rejects with reasons; the operator may withdraw a request that is
still waiting. Each decision is one service call (governance.services.change_requests), the
same the pages make."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.apis.serializers import ChangeRequestOutputSerializer, change_payload
from governance.models import ChangeState
from governance.selectors.deployments import change_get_for_user, change_list_for_user
from governance.services.change_requests import DECISIONS


class ChangeRequestListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(ChangeState.choices, required=False, default="")

    @extend_schema(parameters=[FilterSerializer],
                   responses={200: ChangeRequestOutputSerializer(many=True)})
    def get(self, request: Request, deployment_id: int) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        changes = change_list_for_user(user=request.user, deployment_id=deployment_id,
                                       **filters.validated_data)
        return Response(ChangeRequestOutputSerializer(
            [change_payload(c) for c in changes], many=True).data)


class ChangeRequestDetailApi(APIView):
    @extend_schema(responses={200: ChangeRequestOutputSerializer})
    def get(self, request: Request, deployment_id: int, change_id: int) -> Response:
        change = change_get_for_user(user=request.user, deployment_id=deployment_id,
                                     change_id=change_id)
        return Response(ChangeRequestOutputSerializer(change_payload(change)).data)


class ChangeRequestDecisionApi(APIView):
    """approve / reject (the regulator, reasons required) or withdraw (the operator)."""

    decision: str = ""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={200: ChangeRequestOutputSerializer})
    def post(self, request: Request, deployment_id: int, change_id: int) -> Response:
        change = change_get_for_user(user=request.user, deployment_id=deployment_id,
                                     change_id=change_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = DECISIONS[self.decision](change=change, actor=request.user,
                                          **data.validated_data)
        return Response(ChangeRequestOutputSerializer(change_payload(change)).data)


def decision_api(name: str) -> type[ChangeRequestDecisionApi]:
    return type(f"ChangeRequest{name.capitalize()}Api", (ChangeRequestDecisionApi,),
                {"decision": name})
