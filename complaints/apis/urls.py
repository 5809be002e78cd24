from django.urls import path

from complaints.apis.breaches import BreachListCreateApi, BreachReviewApi
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
from complaints.apis.investigations import (
    InvestigationDetailApi,
    InvestigationEvidenceApi,
    InvestigationFindingsApi,
    InvestigationListCreateApi,
    InvestigationOrdersApi,
    InvestigationPenaltiesApi,
    InvestigationRfisApi,
    InvestigationTransitionApi,
    OrderDoneApi,
    OrderVerifyApi,
    RfiAnswerApi,
)
from complaints.apis.leaks import (
    LeakCaseDetailApi,
    LeakCaseInterceptApi,
    LeakCaseListCreateApi,
)
from complaints.apis.packages import EvidencePackageApi, PackageVerifyApi
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
    path("investigations/", InvestigationListCreateApi.as_view(), name="api-investigations"),
    path("investigations/<int:investigation_id>/", InvestigationDetailApi.as_view(),
         name="api-investigation-detail"),
    path("investigations/<int:investigation_id>/rfis/", InvestigationRfisApi.as_view(),
         name="api-investigation-rfis"),
    path("investigations/<int:investigation_id>/findings/",
         InvestigationFindingsApi.as_view(), name="api-investigation-findings"),
    path("investigations/<int:investigation_id>/orders/", InvestigationOrdersApi.as_view(),
         name="api-investigation-orders"),
    path("investigations/<int:investigation_id>/penalties/",
         InvestigationPenaltiesApi.as_view(), name="api-investigation-penalties"),
    path("investigations/<int:investigation_id>/transition/",
         InvestigationTransitionApi.as_view(), name="api-investigation-transition"),
    path("investigations/<int:investigation_id>/evidence/",
         InvestigationEvidenceApi.as_view(), name="api-investigation-evidence"),
    path("rfis/<int:rfi_id>/answer/", RfiAnswerApi.as_view(), name="api-rfi-answer"),
    path("orders/<int:order_id>/done/", OrderDoneApi.as_view(), name="api-order-done"),
    path("orders/<int:order_id>/verify/", OrderVerifyApi.as_view(), name="api-order-verify"),
    path("breaches/", BreachListCreateApi.as_view(), name="api-breaches"),
    path("breaches/<int:breach_id>/review/", BreachReviewApi.as_view(),
         name="api-breach-review"),
    path("complaints/<int:complaint_id>/evidence-package/", EvidencePackageApi.as_view(),
         name="api-evidence-package"),
    path("leak-cases/", LeakCaseListCreateApi.as_view(), name="api-leak-cases"),
    path("leak-cases/<int:leak_case_id>/", LeakCaseDetailApi.as_view(),
         name="api-leak-case-detail"),
    path("leak-cases/<int:leak_case_id>/intercept/", LeakCaseInterceptApi.as_view(),
         name="api-leak-case-intercept"),
    path("evidence-packages/verify/", PackageVerifyApi.as_view(),
         name="api-evidence-package-verify"),
]
