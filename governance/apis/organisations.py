"""Who am I, and the organisations I may see."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.permissions import can, memberships, personas_of
from governance.selectors.organisations import (
    organisation_get_for_user,
    organisation_list_for_user,
)


class MeApi(APIView):
    class MembershipSerializer(serializers.Serializer):
        organisation_id = serializers.IntegerField()
        organisation = serializers.CharField(source="organisation.name")
        kind = serializers.CharField(source="organisation.kind")
        role = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        personas = serializers.ListField(child=serializers.CharField())
        memberships = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        user = request.user
        rows = self.MembershipSerializer(memberships(user), many=True).data
        payload = {"id": user.id, "username": user.username,
                   "personas": personas_of(user), "memberships": rows}
        return Response(self.OutputSerializer(payload).data)


class OrganisationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.CharField()


class OrganisationListApi(APIView):
    @extend_schema(responses={200: OrganisationOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        organisations = organisation_list_for_user(user=request.user)
        return Response(OrganisationOutputSerializer(organisations, many=True).data)


class OrganisationDetailApi(APIView):
    class OutputSerializer(OrganisationOutputSerializer):
        members = serializers.ListField(child=serializers.DictField(), required=False)

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = organisation_get_for_user(
            user=request.user, organisation_id=organisation_id
        )
        data = dict(OrganisationOutputSerializer(organisation).data)
        # Member lists are personal data: only those who manage the organisation see them.
        if can(request.user, "organisation.manage_members", organisation):
            data["members"] = [
                {"username": m.user.username, "role": m.role}
                for m in organisation.memberships.select_related("user")
            ]
        return Response(data)
