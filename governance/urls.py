from django.contrib.auth import views as auth_views
from django.urls import path

from governance.views import auth, deployments, pages, register, regulator, retention
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
    # enterprise: the deployment wizard, status and filings
    path("enterprise/deployments/", deployments.deployment_list, name="deployment-list"),
    path("enterprise/deployments/new/", deployments.deployment_describe, name="deployment-new"),
    path("enterprise/deployments/<int:deployment_id>/", deployments.deployment_status,
         name="deployment-status"),
    path("enterprise/deployments/<int:deployment_id>/describe/",
         deployments.deployment_describe, name="deployment-describe"),
    path("enterprise/deployments/<int:deployment_id>/retention/",
         deployments.deployment_retention, name="deployment-retention"),
    path("enterprise/deployments/<int:deployment_id>/assessment/",
         deployments.deployment_assessment, name="deployment-assessment"),
    path("enterprise/deployments/<int:deployment_id>/submit/", deployments.deployment_review,
         name="deployment-submit"),
    path("enterprise/deployments/<int:deployment_id>/decommission/",
         deployments.deployment_decommission_page, name="deployment-decommission"),
    path("enterprise/deployments/<int:deployment_id>/change-requests/<int:change_id>/withdraw/",
         deployments.deployment_change_withdraw_page, name="deployment-change-withdraw"),
    path("enterprise/filings/<int:filing_id>/", deployments.filing_page, name="filing-submit"),
    # regulator
    path("regulator/approvals/", regulator.approval_queue, name="regulator-approvals"),
    path("regulator/deployments/<int:deployment_id>/", regulator.regulator_deployment,
         name="regulator-deployment"),
    path("regulator/deployments/<int:deployment_id>/change-requests/<int:change_id>/"
         "<slug:decision>/", regulator.regulator_change_decide, name="regulator-change-decide"),
    path("regulator/deployments/<int:deployment_id>/<slug:action>/", regulator.regulator_decide,
         name="regulator-decide"),
    path("regulator/filings/", regulator.regulator_filings, name="regulator-filings"),
    path("regulator/filings/<int:filing_id>/acknowledge/",
         regulator.regulator_filing_acknowledge, name="regulator-filing-acknowledge"),
    # public register, no login
    path("register/", register.register_index, name="register"),
    path("register/<int:deployment_id>/", register.register_detail, name="register-detail"),
    path("register/<int:deployment_id>/signage/", register.register_signage,
         name="register-signage"),
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
    # retention: the gauge, certificates and holds; the citizen's certificates
    path("retention/", retention.retention_dashboard, name="retention-dashboard"),
    path("retention/holds/new/", retention.legal_hold_new, name="legal-hold-new"),
    path("retention/holds/<int:hold_id>/release/", retention.legal_hold_release_page,
         name="legal-hold-release"),
    path("citizen/deletion-certificates/", retention.citizen_certificates,
         name="citizen-certificates"),
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
