from django.urls import path

from governance.apis.assessments import (
    DeploymentAssessmentApi,
    FilingAcknowledgeApi,
    FilingListApi,
    FilingSubmitApi,
)
from governance.apis.auth import CitizenSignupApi, TokenObtainApi
from governance.apis.changes import ChangeRequestDetailApi, ChangeRequestListApi, decision_api
from governance.apis.consent import (
    ConsentEvidenceApi,
    ConsentReceiptApi,
    ConsentRenewApi,
    ConsentWithdrawApi,
    DeploymentConsentsApi,
    DeploymentNoticePublishApi,
    DeploymentRefusalsApi,
)
from governance.apis.contacts import ContactProofConfirmApi, ContactProofStartApi
from governance.apis.deployments import (
    DeploymentComplianceApi,
    DeploymentDetailApi,
    DeploymentListApi,
    DeploymentProposeApprovalApi,
    action_api,
)
from governance.apis.industry import (
    AuditDetailApi,
    AuditListApi,
    AuditProbesApi,
    AuditRequirementApi,
    AuditSampleApi,
    ConventionDetailApi,
    ConventionListApi,
    MemberCreditApi,
    audit_transition_api,
)
from governance.apis.ledger import LedgerHeadsApi, ReceiptVerifyApi
from governance.apis.notifications import (
    MyNotificationReadApi,
    MyNotificationsApi,
    MyNotificationsReadAllApi,
)
from governance.apis.organisations import MeApi, OrganisationDetailApi, OrganisationListApi
from governance.apis.register import RegisterDetailApi, RegisterListApi
from governance.apis.retention import (
    DeletionCertificateDetailApi,
    DeletionCertificateListApi,
    LegalHoldListApi,
    LegalHoldReleaseApi,
)
from governance.apis.rights import (
    MyRecordsApi,
    RightsRequestDetailApi,
    RightsRequestExportApi,
    RightsRequestExtendApi,
    RightsRequestFulfilApi,
    RightsRequestLiftRestrictionApi,
    RightsRequestListApi,
    RightsRequestRejectApi,
    RightsRequestStartApi,
)
from governance.apis.rules import RuleListApi
from governance.services.change_requests import DECISIONS
from governance.services.industry import TRANSITIONS
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
    path("deployments/<int:deployment_id>/propose-approval/",
         DeploymentProposeApprovalApi.as_view(), name="api-deployment-propose-approval"),
    *[path(f"deployments/<int:deployment_id>/{action}/", action_api(action).as_view(),
           name=f"api-deployment-{action}") for action in ACTIONS],
    path("deployments/<int:deployment_id>/change-requests/", ChangeRequestListApi.as_view(),
         name="api-deployment-change-requests"),
    path("deployments/<int:deployment_id>/change-requests/<int:change_id>/",
         ChangeRequestDetailApi.as_view(), name="api-deployment-change-request"),
    *[path(f"deployments/<int:deployment_id>/change-requests/<int:change_id>/{decision}/",
           decision_api(decision).as_view(), name=f"api-deployment-change-request-{decision}")
      for decision in DECISIONS],
    path("filings/", FilingListApi.as_view(), name="api-filing-list"),
    path("filings/<int:filing_id>/submit/", FilingSubmitApi.as_view(), name="api-filing-submit"),
    path("filings/<int:filing_id>/acknowledge/", FilingAcknowledgeApi.as_view(),
         name="api-filing-acknowledge"),
    path("register/", RegisterListApi.as_view(), name="api-register-list"),
    path("rules/", RuleListApi.as_view(), name="api-rules"),
    path("register/<int:deployment_id>/", RegisterDetailApi.as_view(),
         name="api-register-detail"),
    path("register/ledger-heads/", LedgerHeadsApi.as_view(), name="api-register-ledger-heads"),
    path("register/verify-receipt/", ReceiptVerifyApi.as_view(),
         name="api-register-verify-receipt"),
    # consent ledger, refusals, notices
    path("deployments/<int:deployment_id>/consents/", DeploymentConsentsApi.as_view(),
         name="api-deployment-consents"),
    path("deployments/<int:deployment_id>/refusals/", DeploymentRefusalsApi.as_view(),
         name="api-deployment-refusals"),
    path("deployments/<int:deployment_id>/notices/", DeploymentNoticePublishApi.as_view(),
         name="api-deployment-notices"),
    path("consents/<str:receipt_id>/withdraw/", ConsentWithdrawApi.as_view(),
         name="api-consent-withdraw"),
    path("consents/<str:receipt_id>/renew/", ConsentRenewApi.as_view(), name="api-consent-renew"),
    path("consents/<str:receipt_id>/receipt/", ConsentReceiptApi.as_view(),
         name="api-consent-receipt"),
    path("consents/<str:receipt_id>/evidence/", ConsentEvidenceApi.as_view(),
         name="api-consent-evidence"),
    # citizens: records, contact proofs, rights requests
    path("me/records/", MyRecordsApi.as_view(), name="api-my-records"),
    path("me/contact-proofs/", ContactProofStartApi.as_view(), name="api-contact-proofs"),
    path("me/notifications/", MyNotificationsApi.as_view(), name="api-my-notifications"),
    path("me/notifications/read-all/", MyNotificationsReadAllApi.as_view(),
         name="api-my-notifications-read-all"),
    path("me/notifications/<int:notification_id>/read/", MyNotificationReadApi.as_view(),
         name="api-my-notification-read"),
    path("me/contact-proofs/<int:proof_id>/confirm/", ContactProofConfirmApi.as_view(),
         name="api-contact-proof-confirm"),
    path("requests/", RightsRequestListApi.as_view(), name="api-requests"),
    path("requests/<int:request_id>/", RightsRequestDetailApi.as_view(),
         name="api-request-detail"),
    path("requests/<int:request_id>/start/", RightsRequestStartApi.as_view(),
         name="api-request-start"),
    path("requests/<int:request_id>/extend/", RightsRequestExtendApi.as_view(),
         name="api-request-extend"),
    path("requests/<int:request_id>/fulfil/", RightsRequestFulfilApi.as_view(),
         name="api-request-fulfil"),
    path("requests/<int:request_id>/reject/", RightsRequestRejectApi.as_view(),
         name="api-request-reject"),
    path("requests/<int:request_id>/lift-restriction/",
         RightsRequestLiftRestrictionApi.as_view(), name="api-request-lift-restriction"),
    path("requests/<int:request_id>/export/", RightsRequestExportApi.as_view(),
         name="api-request-export"),
    # retention: deletion certificates and legal holds
    path("deletion-certificates/", DeletionCertificateListApi.as_view(),
         name="api-deletion-certificates"),
    path("deletion-certificates/<int:certificate_id>/", DeletionCertificateDetailApi.as_view(),
         name="api-deletion-certificate-detail"),
    path("legal-holds/", LegalHoldListApi.as_view(), name="api-legal-holds"),
    path("legal-holds/<int:hold_id>/release/", LegalHoldReleaseApi.as_view(),
         name="api-legal-hold-release"),
    # industry self-regulation
    path("conventions/", ConventionListApi.as_view(), name="api-convention-list"),
    path("conventions/<int:convention_id>/", ConventionDetailApi.as_view(),
         name="api-convention-detail"),
    path("audits/", AuditListApi.as_view(), name="api-audit-list"),
    path("audits/<int:audit_id>/", AuditDetailApi.as_view(), name="api-audit-detail"),
    path("audits/<int:audit_id>/requirements/<str:ref_id>/", AuditRequirementApi.as_view(),
         name="api-audit-requirement"),
    path("audits/<int:audit_id>/probes/", AuditProbesApi.as_view(), name="api-audit-probes"),
    path("audits/<int:audit_id>/sample/", AuditSampleApi.as_view(), name="api-audit-sample"),
    *[path(f"audits/<int:audit_id>/{action}/", audit_transition_api(action).as_view(),
           name=f"api-audit-{action}") for action in TRANSITIONS],
    path("members/<int:organisation_id>/credit/", MemberCreditApi.as_view(),
         name="api-member-credit"),
]
