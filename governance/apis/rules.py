"""GET /api/v1/rules/: every rule of every jurisdiction pack, with its reference. No login."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.selectors.rules import rule_list


class CitationSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    source_title = serializers.CharField()
    source_date = serializers.CharField()
    article = serializers.CharField()
    reference = serializers.CharField()
    quote = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class RuleOutputSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField()
    id = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.ChoiceField(["blocking", "warning"])
    effect = serializers.ChoiceField(["blocks", "advises"])
    reference = serializers.CharField()
    citations = CitationSerializer(many=True)


class RuleListApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: RuleOutputSerializer(many=True)}, auth=[])
    def get(self, request: Request) -> Response:
        return Response(RuleOutputSerializer(rule_list(), many=True).data)
