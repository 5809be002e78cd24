from django.contrib.auth import views as auth_views
from django.urls import path

from governance.views import auth, pages
from governance.views import consent as consent_pages
from governance.views import rights as rights_pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("about/", pages.home_public, name="home-public"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", auth.signup, name="signup"),
    path("enterprise/", pages.enterprise_home, name="enterprise-home"),
    path("regulator/", pages.regulator_home, name="regulator-home"),
    path("industry/", pages.industry_home, name="industry-home"),
    path("citizen/", pages.citizen_home, name="citizen-home"),
    # consent (citizen portal) and the printable receipt
    path("citizen/deployments/", consent_pages.citizen_deployments, name="citizen-deployments"),
    path("citizen/deployments/<int:deployment_id>/consent/", consent_pages.citizen_consent_give,
         name="citizen-consent-give"),
    path("citizen/deployments/<int:deployment_id>/refuse/", consent_pages.citizen_refuse,
         name="citizen-refuse"),
    path("citizen/consents/", consent_pages.citizen_consents_page, name="citizen-consents"),
    path("citizen/consents/<str:receipt_id>/withdraw/", consent_pages.citizen_consent_withdraw,
         name="citizen-consent-withdraw"),
    path("citizen/consents/<str:receipt_id>/renew/", consent_pages.citizen_consent_renew,
         name="citizen-consent-renew"),
    path("citizen/link/", consent_pages.citizen_link_contact, name="citizen-link"),
    path("consents/<str:receipt_id>/", consent_pages.consent_receipt_page,
         name="consent-receipt-page"),
    # rights requests
    path("citizen/requests/", rights_pages.citizen_requests, name="citizen-requests"),
    path("citizen/requests/<int:request_id>/", rights_pages.citizen_request_detail,
         name="citizen-request-detail"),
    path("enterprise/consents/", rights_pages.enterprise_consents, name="enterprise-consents"),
    path("enterprise/renewals/", rights_pages.enterprise_renewals, name="enterprise-renewals"),
    path("enterprise/requests/", rights_pages.enterprise_requests, name="enterprise-requests"),
    path("enterprise/requests/<int:request_id>/", rights_pages.enterprise_request_detail,
         name="enterprise-request-detail"),
    path("enterprise/requests/<int:request_id>/<slug:action>/",
         rights_pages.enterprise_request_action, name="enterprise-request-action"),
]
