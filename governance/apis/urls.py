from django.urls import path

from governance.apis.auth import CitizenSignupApi, TokenObtainApi
from governance.apis.organisations import MeApi, OrganisationDetailApi, OrganisationListApi

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("auth/signup/", CitizenSignupApi.as_view(), name="api-signup"),
    path("me/", MeApi.as_view(), name="api-me"),
    path("organisations/", OrganisationListApi.as_view(), name="api-organisation-list"),
    path("organisations/<int:organisation_id>/", OrganisationDetailApi.as_view(),
         name="api-organisation-detail"),
]
