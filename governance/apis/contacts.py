"""A citizen proves a contact (email or phone) to link the subjects recorded with it."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.services.contacts import contact_proof_confirm, contact_proof_start


class ContactProofStartApi(APIView):
    throttle_scope = "contact_proof"  # each start sends a code to someone's inbox or phone

    class InputSerializer(serializers.Serializer):
        contact = serializers.CharField(max_length=200)

    class OutputSerializer(serializers.Serializer):
        proof_id = serializers.IntegerField(source="id")
        expires_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proof = contact_proof_start(citizen=request.user, **data.validated_data)
        return Response(self.OutputSerializer(proof).data, status=status.HTTP_201_CREATED)


class ContactProofConfirmApi(APIView):
    throttle_scope = "contact_proof_confirm"  # bounds guessing the code

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=12)

    class OutputSerializer(serializers.Serializer):
        linked = serializers.ListField(child=serializers.DictField())

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request: Request, proof_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        links = contact_proof_confirm(citizen=request.user, proof_id=proof_id,
                                      **data.validated_data)
        rows = [{"deployment_id": link.deployment_id, "deployment": link.deployment.name,
                 "subject_ref": link.subject_ref} for link in links]
        return Response(self.OutputSerializer({"linked": rows}).data)
