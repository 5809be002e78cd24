from django.urls import path

from recognition.apis.apikeys import ApiKeyListCreateApi, ApiKeyRevokeApi
from recognition.apis.confirmations import ConfirmationDecideApi, ConfirmationListApi
from recognition.apis.devices import (
    DeviceListCreateApi,
    DeviceRetireApi,
    DeviceSuspendApi,
    EdgeAckApi,
    EdgeEventsApi,
    EdgePermitApi,
    EdgePlatformKeyApi,
    EdgePollApi,
)
from recognition.apis.evaluations import (
    EvaluationCreateApi,
    EvaluationDetailApi,
    EvaluationDetSvgApi,
)
from recognition.apis.liveness import LivenessAnswerApi, LivenessChallengeApi
from recognition.apis.recognition import EnrollApi, IdentifyApi, SubjectDeleteApi, VerifyApi

urlpatterns = [
    path("deployments/<int:deployment_id>/devices/", DeviceListCreateApi.as_view(),
         name="api-deployment-devices"),
    path("devices/<int:device_id>/suspend/", DeviceSuspendApi.as_view(),
         name="api-device-suspend"),
    path("devices/<int:device_id>/retire/", DeviceRetireApi.as_view(), name="api-device-retire"),
    path("edge/platform-key/", EdgePlatformKeyApi.as_view(), name="api-edge-platform-key"),
    path("edge/poll/", EdgePollApi.as_view(), name="api-edge-poll"),
    path("edge/permits/", EdgePermitApi.as_view(), name="api-edge-permits"),
    path("edge/orders/<int:order_id>/ack/", EdgeAckApi.as_view(), name="api-edge-order-ack"),
    path("edge/events/", EdgeEventsApi.as_view(), name="api-edge-events"),
    path("deployments/<int:deployment_id>/evaluations/", EvaluationCreateApi.as_view(),
         name="api-deployment-evaluations"),
    path("evaluations/<int:evaluation_id>/", EvaluationDetailApi.as_view(),
         name="api-evaluation-detail"),
    path("evaluations/<int:evaluation_id>/det.svg", EvaluationDetSvgApi.as_view(),
         name="api-evaluation-det"),
    path("deployments/<int:deployment_id>/api-keys/", ApiKeyListCreateApi.as_view(),
         name="api-deployment-api-keys"),
    path("api-keys/<int:api_key_id>/revoke/", ApiKeyRevokeApi.as_view(),
         name="api-api-key-revoke"),
    path("recognition/enroll/", EnrollApi.as_view(), name="api-recognition-enroll"),
    path("recognition/verify/", VerifyApi.as_view(), name="api-recognition-verify"),
    path("recognition/identify/", IdentifyApi.as_view(), name="api-recognition-identify"),
    path("recognition/subjects/<str:subject_ref>/", SubjectDeleteApi.as_view(),
         name="api-recognition-subject-delete"),
    path("recognition/confirmations/", ConfirmationListApi.as_view(),
         name="api-recognition-confirmations"),
    path("recognition/confirmations/<int:confirmation_id>/", ConfirmationDecideApi.as_view(),
         name="api-recognition-confirmation-decide"),
    path("recognition/liveness/", LivenessChallengeApi.as_view(),
         name="api-liveness-challenge"),
    path("recognition/liveness/<uuid:challenge_id>/", LivenessAnswerApi.as_view(),
         name="api-liveness-answer"),
]
