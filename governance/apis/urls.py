from django.urls import path

from governance.apis.assessments import (
    DeploymentAssessmentApi,
    FilingAcknowledgeApi,
    FilingListApi,
    FilingSubmitApi,
)
from governance.apis.auth import CitizenSignupApi, TokenObtainApi
from governance.apis.deployments import (
    DeploymentComplianceApi,
    DeploymentDetailApi,
    DeploymentListApi,
    action_api,
)
from governance.apis.organisations import MeApi, OrganisationDetailApi, OrganisationListApi
from governance.apis.register import RegisterDetailApi, RegisterListApi
from governance.services.lifecycle import ACTIONS

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("auth/signup/", CitizenSignupApi.as_view(), name="api-signup"),
    path("me/", MeApi.as_view(), name="api-me"),
    path("organisations/", OrganisationListApi.as_view(), name="api-organisation-list"),
    path("organisations/<int:organisation_id>/", OrganisationDetailApi.as_view(),
         name="api-organisation-detail"),
    path("deployments/", DeploymentListApi.as_view(), name="api-deployment-list"),
    path("deployments/<int:deployment_id>/", DeploymentDetailApi.as_view(),
         name="api-deployment-detail"),
    path("deployments/<int:deployment_id>/compliance/", DeploymentComplianceApi.as_view(),
         name="api-deployment-compliance"),
    path("deployments/<int:deployment_id>/assessment/", DeploymentAssessmentApi.as_view(),
         name="api-deployment-assessment"),
    *[path(f"deployments/<int:deployment_id>/{action}/", action_api(action).as_view(),
           name=f"api-deployment-{action}") for action in ACTIONS],
    path("filings/", FilingListApi.as_view(), name="api-filing-list"),
    path("filings/<int:filing_id>/submit/", FilingSubmitApi.as_view(), name="api-filing-submit"),
    path("filings/<int:filing_id>/acknowledge/", FilingAcknowledgeApi.as_view(),
         name="api-filing-acknowledge"),
    path("register/", RegisterListApi.as_view(), name="api-register-list"),
    path("register/<int:deployment_id>/", RegisterDetailApi.as_view(),
         name="api-register-detail"),
]
