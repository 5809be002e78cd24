from django.urls import path

from complaints.views import citizen, enterprise, investigations, public, regulator
from complaints.views import guidance as guidance_pages

urlpatterns = [
    # anyone, no account
    path("report/", public.report_problem, name="report-problem"),
    path("tips/status/", public.tip_status, name="tip-status"),
    path("evidence-packages/verify/", public.package_verify_page, name="package-verify"),
    path("guidance/", guidance_pages.guidance, name="guidance"),
    # citizen
    path("citizen/complaints/", citizen.my_complaints, name="complaint-mine"),
    path("citizen/complaints/<int:complaint_id>/", citizen.my_complaint,
         name="complaint-mine-detail"),
    path("citizen/complaints/<int:complaint_id>/evidence-package/",
         citizen.my_complaint_package_request, name="complaint-mine-package"),
    path("citizen/complaints/<int:complaint_id>/evidence-package/download/",
         citizen.my_complaint_package_download, name="complaint-mine-package-download"),
    # regulator
    path("regulator/complaints/", regulator.inbox, name="complaint-inbox"),
    path("regulator/complaints/<int:complaint_id>/", regulator.case_page, name="complaint-case"),
    path("regulator/complaints/<int:complaint_id>/triage/", regulator.case_triage,
         name="complaint-case-triage"),
    path("regulator/complaints/<int:complaint_id>/message/", regulator.case_message,
         name="complaint-case-message"),
    path("regulator/complaints/<int:complaint_id>/forward/", regulator.case_forward,
         name="complaint-case-forward"),
    path("regulator/complaints/<int:complaint_id>/suspend/", regulator.case_suspend,
         name="complaint-case-suspend"),
    path("regulator/complaints/<int:complaint_id>/close/", regulator.case_close,
         name="complaint-case-close"),
    path("regulator/complaints/<int:complaint_id>/reveal/", regulator.case_reveal_request,
         name="complaint-case-reveal"),
    path("regulator/complaints/<int:complaint_id>/reveal/<int:reveal_id>/",
         regulator.case_reveal_decide, name="complaint-case-reveal-decide"),
    path("regulator/complaints/<int:complaint_id>/files/<int:attachment_id>/",
         regulator.case_file, name="complaint-case-file"),
    # enterprise
    path("enterprise/complaints/", enterprise.about_us, name="complaint-about-us"),
    path("enterprise/complaints/<int:complaint_id>/", enterprise.about_us_detail,
         name="complaint-about-us-detail"),
    path("consultations/", guidance_pages.consultation_list, name="consultation-list"),
    path("consultations/<int:consultation_id>/", guidance_pages.consultation_detail,
         name="consultation-detail"),
    path("regulator/investigations/", investigations.case_list, name="investigation-list"),
    path("regulator/investigations/<int:investigation_id>/", investigations.case_page,
         name="investigation-case"),
    path("enterprise/investigations/", investigations.enterprise_list,
         name="enterprise-investigations"),
    path("enterprise/rfis/<int:rfi_id>/answer/", investigations.enterprise_rfi_answer,
         name="enterprise-rfi-answer"),
    path("enterprise/orders/<int:order_id>/done/", investigations.enterprise_order_done,
         name="enterprise-order-done"),
    path("regulator/orders/<int:order_id>/verify/", investigations.case_order_verify,
         name="investigation-order-verify"),
]
