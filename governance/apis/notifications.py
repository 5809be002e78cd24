"""The signed-in person's notifications (any persona): list, mark one or all read."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.errors import NotFound
from governance.platform.notifications import notification_mark_read, notifications_for_user

LIST_LIMIT = 200


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class MyNotificationsApi(APIView):
    """The newest notifications first (at most 200); `?unread=true` for unread ones only."""

    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[FilterSerializer],
                   responses={200: NotificationOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = notifications_for_user(user=request.user)
        if filters.validated_data["unread"]:
            rows = rows.filter(read_at__isnull=True)
        return Response(NotificationOutputSerializer(rows[:LIST_LIMIT], many=True).data)


class MarkedOutputSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField()


class MyNotificationReadApi(APIView):
    @extend_schema(request=None, responses={200: MarkedOutputSerializer})
    def post(self, request: Request, notification_id: int) -> Response:
        if not notifications_for_user(user=request.user).filter(pk=notification_id).exists():
            raise NotFound(_("No such notification."))
        marked = notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(MarkedOutputSerializer({"marked_read": marked}).data)


class MyNotificationsReadAllApi(APIView):
    @extend_schema(request=None, responses={200: MarkedOutputSerializer})
    def post(self, request: Request) -> Response:
        marked = notification_mark_read(user=request.user)
        return Response(MarkedOutputSerializer({"marked_read": marked}).data)
