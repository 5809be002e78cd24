"""Breach reports API (DESIGN.md "Breaches")."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.selectors.investigations import breach_get_for_user, breach_list_for_user
from complaints.services.breaches import BreachInput, breach_report, breach_review


class BreachSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_id = serializers.IntegerField()
    deployment_ids = serializers.SerializerMethodField()
    discovered_at = serializers.DateTimeField()
    reported_at = serializers.DateTimeField()
    notify_due = serializers.DateTimeField()
    late = serializers.BooleanField()
    description = serializers.CharField()
    data_categories = serializers.ListField()
    people_affected = serializers.IntegerField()
    measures = serializers.CharField()
    status = serializers.CharField()
    investigation_id = serializers.IntegerField()
    people_notified = serializers.IntegerField()

    def get_deployment_ids(self, breach) -> list[int]:
        return list(breach.deployments.order_by("id").values_list("id", flat=True))


class BreachListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        discovered_at = serializers.DateTimeField()
        description = serializers.CharField(max_length=10000)
        deployment_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1,
                                               max_length=100)
        people_affected = serializers.IntegerField(min_value=0)
        data_categories = serializers.ListField(child=serializers.CharField(max_length=60),
                                                required=False, default=list, max_length=20)
        measures = serializers.CharField(max_length=10000, required=False, allow_blank=True,
                                         default="")

    @extend_schema(responses={200: BreachSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(BreachSerializer(breach_list_for_user(user=request.user)[:200],
                                         many=True).data)

    @extend_schema(request=InputSerializer, responses={201: BreachSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        breach = breach_report(actor=request.user, data=BreachInput(**data.validated_data))
        return Response(BreachSerializer(breach).data, status=status.HTTP_201_CREATED)


class BreachReviewApi(APIView):
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=10000)
        open_investigation = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses={200: BreachSerializer})
    def post(self, request: Request, breach_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        breach = breach_get_for_user(user=request.user, breach_id=breach_id)
        breach = breach_review(breach=breach, actor=request.user, **data.validated_data)
        return Response(BreachSerializer(breach).data)
