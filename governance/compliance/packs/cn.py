# ruff: noqa: E501 — the Chinese quotations count double width; they stay whole per line.
"""The Chinese pack: PIPL, the CAC Face Recognition Measures 2025, the SPC 2021 Provisions.

Article numbers follow the final CAC Measures (Order No. 19, in force 2025-06-01), not the
2023 draft, whose numbering differs (the draft put private places and filing elsewhere and
filed at 10,000 people). GB/T 41819-2022 is a recommended standard whose clause text could
not be found; no rule cites a clause of it (see docs/coverage.md).
"""

from django.utils.translation import gettext_lazy as _

from governance.compliance import checks
from governance.compliance.law import CAC_2025, PIPL, PLATFORM, SPC_2021, Citation
from governance.compliance.packs.accuracy import accuracy_rules
from governance.compliance.packs.base import (
    Deadline,
    Pack,
    Severity,
    rule,
)
from governance.platform.deadlines import DeadlineKind, Term

CN = "CN"
BLOCKS, ADVISES = Severity.BLOCKING, Severity.WARNING

CAC_4 = Citation(CAC_2025, "Art. 4", "应用人脸识别技术处理人脸信息，应当具有特定的目的和充分的必要性，"
                 "采取对个人权益影响最小的方式，并实施严格保护措施。 (Specific purpose, sufficient "
                 "necessity, the way least intrusive on the person's rights.)")
CAC_5 = Citation(CAC_2025, "Art. 5", "处理前…告知…人脸信息的处理目的、处理方式，处理的人脸信息保存期限… "
                 "(Before processing, the person is told the purpose, the method and how long the "
                 "face information is kept.)")
CAC_8 = Citation(CAC_2025, "Art. 8", "除法律、行政法规另有规定或者取得个人单独同意外，人脸信息应当存储于"
                 "人脸识别设备内，不得通过互联网对外传输。 (Unless a law says otherwise or the "
                 "person separately consents, face information is stored in the face recognition "
                 "device and not transmitted over the internet.)")
CAC_8_RETENTION = Citation(CAC_2025, "Art. 8", "人脸信息的保存期限不得超过实现处理目的所必需的最短"
                           "时间。 (Kept no longer than the shortest time the purpose needs.)",
                           note="No number of days: the platform's default applies until the "
                                "operator declares a shorter term.")
CAC_9 = Citation(CAC_2025, "Art. 9", "应当事前进行个人信息保护影响评估，并对处理情况进行记录… "
                 "(A personal-information protection impact assessment beforehand; reassess when "
                 "the purpose or method changes; report and records kept at least 3 years.)")
CAC_10 = Citation(CAC_2025, "Art. 10", "实现相同目的或者达到同等业务要求，存在其他非人脸识别技术方式的，"
                  "不得将人脸识别技术作为唯一验证方式。 (Where another way meets the same need, "
                  "the face may not be the only way; a person who refuses gets another reasonable, "
                  "convenient way.)")
CAC_13_PUBLIC = Citation(CAC_2025, "Art. 13(1)", "在公共场所安装人脸识别设备，应当为维护公共安全所"
                         "必需，依法合理确定人脸信息采集区域，并设置显著提示标识。 (In public "
                         "places only as necessary for public security, with prominent signs.)")
CAC_13_PRIVATE = Citation(CAC_2025, "Art. 13(2)", "任何组织和个人不得在宾馆客房、公共浴室、公共更衣室、"
                          "公共卫生间等公共场所中的私密空间内部安装人脸识别设备。 (No one may "
                          "install face recognition equipment inside hotel rooms, public baths, "
                          "public changing rooms, public toilets or other private spaces in "
                          "public places.)")
CAC_15 = Citation(CAC_2025, "Art. 15", "个人信息处理者应当在应用人脸识别技术处理的人脸信息存储数量达到10万人"
                  "之日起30个工作日内向所在地省级以上网信部门履行备案手续。 (File with the "
                  "provincial cyberspace office within 30 working days of storing 100,000 "
                  "people; changes and termination are filed within 30 working days too.)")
PIPL_6 = Citation(PIPL, "Art. 6", "收集个人信息，应当限于实现处理目的的最小范围，不得过度收集个人信息。 "
                  "(Collection is limited to the minimum scope the purpose needs.)")
PIPL_17 = Citation(PIPL, "Art. 17", "个人信息处理者在处理个人信息前，应当以显著方式、清晰易懂的语言真实、"
                   "准确、完整地向个人告知下列事项… (Before processing, tell the person, "
                   "prominently and clearly, …)")
PIPL_19 = Citation(PIPL, "Art. 19", "除法律、行政法规另有规定外，个人信息的保存期限应当为实现处理目的所必要"
                   "的最短时间。 (Kept for the shortest time the purpose needs.)")
PIPL_26 = Citation(PIPL, "Art. 26", "在公共场所安装图像采集、个人身份识别设备，应当为维护公共安全所必需，"
                   "遵守国家有关规定，并设置显著的提示标识。所收集的个人图像、身份识别信息只能用于"
                   "维护公共安全的目的… (Only as necessary for public security, with prominent "
                   "signs; what is collected serves public security only, unless the person "
                   "separately consents.)")
PIPL_31 = Citation(PIPL, "Art. 31", "个人信息处理者处理不满十四周岁未成年人个人信息的，应当取得未成年人的"
                   "父母或者其他监护人的同意。 (Under 14: the parents' or guardian's consent.)")
PIPL_47 = Citation(PIPL, "Art. 47(1)", "处理目的已实现、无法实现或者为实现处理目的不再必要… 个人撤回同意… "
                   "个人信息处理者应当主动删除个人信息。 (Delete when the purpose is achieved or "
                   "the person withdraws consent.)")
PIPL_55 = Citation(PIPL, "Art. 55–56", "处理敏感个人信息… 应当事前进行个人信息保护影响评估… 报告和处理"
                   "情况记录应当至少保存三年。 (Sensitive information: assess beforehand; keep the "
                   "report at least three years.)")
PIPL_57 = Citation(PIPL, "Art. 57", "发生或者可能发生个人信息泄露、篡改、丢失的，个人信息处理者应当立即采取"
                   "补救措施，并通知履行个人信息保护职责的部门和个人。 (Immediately remedy and "
                   "notify the authority and the people concerned.)",
                   note="'Immediately' has no number: the platform counts 24 hours as the "
                        "latest it accepts.")
SPC_10 = Citation(SPC_2021, "Art. 10", "物业服务企业或者其他建筑物管理人以人脸识别作为业主或者物业使用人"
                  "出入物业服务区域的唯一验证方式，不同意的业主或者物业使用人请求其提供其他合理"
                  "验证方式的，人民法院依法予以支持。 (A property manager may not make the face "
                  "the only way in; courts uphold a resident's claim to another way.)")
PROMISE_PUBLIC_INTEREST = Citation(
    PLATFORM, "— public-interest uses", "Stricter prior regulation for public-interest uses.",
    note="Platform policy: public security waits for the regulator's approval.")


DEADLINES = {
    DeadlineKind.FILING: Deadline(Term("working_days", 30, "CN"), CAC_15),
    DeadlineKind.RIGHTS_REQUEST: Deadline(
        Term("days", 15, setting="FACEGOV_REQUEST_DEADLINE_DAYS"), None,
        "PIPL Art. 50 sets no term; the platform's default is configurable."),
    DeadlineKind.RIGHTS_REQUEST_EXTENSION: Deadline(
        Term("days", 30, setting="FACEGOV_REQUEST_EXTENSION_DAYS"), None,
        "No statutory extension; the platform allows one."),
    DeadlineKind.BREACH_NOTICE: Deadline(Term("hours", 24), PIPL_57, PIPL_57.note),
}

RULES = (
    rule("prohibited_place", CN, BLOCKS,
         _("Not in hotel rooms, public baths, changing rooms or toilets"),
         checks.private_space, CAC_13_PRIVATE),
    rule("public_place_public_security_only", CN, BLOCKS,
         _("Public places only for public security"),
         checks.public_place_public_security_only, PIPL_26, CAC_13_PUBLIC),
    rule("public_place_signage", CN, BLOCKS, _("Public places need signage"),
         checks.public_place_signage, PIPL_26, CAC_13_PUBLIC),
    rule("public_security_needs_public_interest", CN, BLOCKS,
         _("Public security only as a public-interest deployment"),
         checks.public_security_public_interest, PROMISE_PUBLIC_INTEREST),
    rule("non_face_alternative", CN, BLOCKS, _("A non-face alternative is offered"),
         checks.non_face_alternative, CAC_10, SPC_10),
    rule("impact_assessment_current", CN, BLOCKS, _("Impact assessment complete and current"),
         checks.impact_assessment_current, PIPL_55, CAC_9),
    rule("central_storage_separate_consent", CN, BLOCKS,
         _("Stored on the device unless separately consented"),
         checks.central_storage_separate_consent, CAC_8),
    rule("no_customer_analytics_in_public", CN, BLOCKS,
         _("No customer analytics in public places"),
         checks.customer_analytics_in_public, PIPL_26),
    rule("notice_published", CN, BLOCKS, _("A public notice exists"),
         checks.notice_published, PIPL_17, CAC_5),
    rule("images_kept_only_when_justified", CN, BLOCKS, _("Raw images kept only when justified"),
         checks.images_justified, PIPL_6, CAC_4),
    rule("filing_due", CN, ADVISES, _("Filing once 100,000 people are stored"),
         checks.filing_due, CAC_15),
) + accuracy_rules(CN)

PACK = Pack(
    jurisdiction=CN,
    name=_("China (mainland)"),
    instruments=("pipl", "cac_2025", "spc_2021", "gbt_41819"),
    rules=RULES,
    guardian_age_rule=lambda: 14,
    guardian_citation=PIPL_31,
    deadlines=DEADLINES,
    retention_default_reference=f"{PIPL_19.reference}; {CAC_8_RETENTION.reference} (shortest "
                                "time necessary; platform default)",
    erasure_reference=PIPL_47.reference,
    filing_threshold=100_000,
    receipt_laws=("Personal Information Protection Law of the People's Republic of China "
                  "(PIPL)",
                  "Measures for the Security Management of the Application of Face "
                  "Recognition Technology (CAC and MPS, 2025)"),
    notice_footer=_("PIPL Art. 17 and 26; CAC Measures 2025 Art. 5 and 13"),
)

