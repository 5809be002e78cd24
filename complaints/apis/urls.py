from django.urls import path

from complaints.apis.complaints import (
    ComplaintDetailApi,
    ComplaintListCreateApi,
    ComplaintMessagesApi,
    ComplaintTriageApi,
)
from complaints.apis.guidance import (
    ConsultationListCreateApi,
    ConsultationMessagesApi,
    ConsultationPublishApi,
    GuidanceListCreateApi,
)
from complaints.apis.tips import TipMessagesApi, TipStatusApi, TipSubmitApi

urlpatterns = [
    path("complaints/", ComplaintListCreateApi.as_view(), name="api-complaints"),
    path("complaints/<int:complaint_id>/", ComplaintDetailApi.as_view(),
         name="api-complaint-detail"),
    path("complaints/<int:complaint_id>/triage/", ComplaintTriageApi.as_view(),
         name="api-complaint-triage"),
    path("complaints/<int:complaint_id>/messages/", ComplaintMessagesApi.as_view(),
         name="api-complaint-messages"),
    path("tips/", TipSubmitApi.as_view(), name="api-tips"),
    path("tips/status/", TipStatusApi.as_view(), name="api-tip-status"),
    path("tips/messages/", TipMessagesApi.as_view(), name="api-tip-messages"),
    path("guidance/", GuidanceListCreateApi.as_view(), name="api-guidance"),
    path("consultations/", ConsultationListCreateApi.as_view(), name="api-consultations"),
    path("consultations/<int:consultation_id>/messages/", ConsultationMessagesApi.as_view(),
         name="api-consultation-messages"),
    path("consultations/<int:consultation_id>/publish/", ConsultationPublishApi.as_view(),
         name="api-consultation-publish"),
]
