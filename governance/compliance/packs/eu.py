"""The EU pack: the GDPR and the AI Act's provisions on biometric identification.

The guardian age is 16 unless a member state set a lower one (13–16): the setting
FACEGOV_EU_GUARDIAN_AGE holds the member state's choice, 16 by default (GDPR Art. 8(1)).
Remote biometric identification systems are high-risk (AI Act Annex III point 1(a)): their
logs are kept at least six months (Art. 26(6)) and a match is acted on only after two people
confirmed it (Art. 14(5)). Both apply to 1:N identification, in a public place or not;
1:1 verification is outside Annex III 1(a).
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from governance.compliance import checks
from governance.compliance.law import AI_ACT, GDPR, PLATFORM, Citation
from governance.compliance.packs.accuracy import accuracy_rules
from governance.compliance.packs.base import Deadline, LogMinimum, Pack, Severity, rule
from governance.models import Deployment
from governance.platform.deadlines import DeadlineKind, Term

EU = "EU"
BLOCKS, ADVISES = Severity.BLOCKING, Severity.WARNING

GDPR_5_1_C = Citation(GDPR, "Art. 5(1)(c)", "adequate, relevant and limited to what is necessary "
                      "in relation to the purposes for which they are processed ('data "
                      "minimisation')")
GDPR_5_1_E = Citation(GDPR, "Art. 5(1)(e)", "kept in a form which permits identification of data "
                      "subjects for no longer than is necessary for the purposes",
                      note="No number of days: the platform's default applies until the "
                           "operator declares a shorter term.")
GDPR_7_4 = Citation(GDPR, "Art. 7(4)", "utmost account shall be taken of whether … the provision "
                    "of a service, is conditional on consent to the processing of personal data "
                    "that is not necessary for the performance of that contract")
GDPR_8_1 = Citation(GDPR, "Art. 8(1)", "Where the child is below the age of 16 years, such "
                    "processing shall be lawful only if and to the extent that consent is given "
                    "or authorised by the holder of parental responsibility … Member States may "
                    "provide by law for a lower age … not below 13 years.",
                    note="Art. 8 speaks of information society services; the platform applies "
                         "the member state's age to every consent-based enrolment.")
GDPR_9_2 = Citation(GDPR, "Art. 9(1)–(2)", "Processing of … biometric data for the purpose of "
                    "uniquely identifying a natural person … shall be prohibited, unless (a) the "
                    "data subject has given explicit consent … (g) … substantial public interest, "
                    "on the basis of Union or Member State law")
GDPR_12_3 = Citation(GDPR, "Art. 12(3)", "without undue delay and in any event within one month "
                     "of receipt of the request. That period may be extended by two further "
                     "months where necessary")
GDPR_13 = Citation(GDPR, "Art. 13(1)", "the controller shall, at the time when personal data are "
                   "obtained, provide the data subject with all of the following information")
GDPR_17 = Citation(GDPR, "Art. 17(1)(b)", "the data subject withdraws consent on which the "
                   "processing is based … and where there is no other legal ground")
GDPR_33 = Citation(GDPR, "Art. 33(1)", "without undue delay and, where feasible, not later than "
                   "72 hours after having become aware of it, notify the personal data breach to "
                   "the supervisory authority")
GDPR_35 = Citation(GDPR, "Art. 35(1), (3)(b)–(c)", "the controller shall, prior to the "
                   "processing, carry out an assessment of the impact … required in particular "
                   "in the case of … processing on a large scale of special categories of data "
                   "… a systematic monitoring of a publicly accessible area on a large scale")
AI_5_1_H = Citation(AI_ACT, "Art. 5(1)(h)", "the use of 'real-time' remote biometric "
                    "identification systems in publicly accessible spaces for the purposes of "
                    "law enforcement, unless and in so far as such use is strictly necessary for "
                    "one of the following objectives",
                    note="The exceptions need a prior authorisation (Art. 5(3)) the platform "
                         "does not record, so it refuses.")
AI_14_5 = Citation(AI_ACT, "Art. 14(5)", "no action or decision is taken by the deployer on the "
                   "basis of the identification resulting from the system unless that "
                   "identification has been separately verified and confirmed by at least two "
                   "natural persons with the necessary competence, training and authority",
                   note="For Annex III point 1(a) systems (remote biometric identification).")
AI_26_6 = Citation(AI_ACT, "Art. 26(6)", "Deployers of high-risk AI systems shall keep the logs "
                   "automatically generated by that high-risk AI system … for a period … of at "
                   "least six months")
PROMISE_PUBLIC_INTEREST = Citation(
    PLATFORM, "— public-interest uses", "Stricter prior regulation for public-interest uses.",
    note="Platform policy: public security waits for the regulator's approval.")


def is_remote_identification(deployment: Deployment) -> bool:
    return deployment.mode in checks.IDENTIFICATION_MODES


def guardian_age() -> int:
    """The member state's age of digital consent (13–16), GDPR's 16 by default."""
    return min(16, max(13, settings.FACEGOV_EU_GUARDIAN_AGE))


AI_ACT_15 = Citation(
    AI_ACT, "Art. 15(1)",
    "High-risk AI systems shall be designed and developed in such a way that they achieve an "
    "appropriate level of accuracy, robustness, and cybersecurity, and that they perform "
    "consistently in those respects throughout their lifecycle.")

RULES = (
    rule("realtime_identification_for_law_enforcement", EU, BLOCKS,
         _("No real-time remote identification for law enforcement in public"),
         checks.realtime_identification_for_law_enforcement, AI_5_1_H),
    rule("biometric_data_legal_basis", EU, BLOCKS,
         _("Biometric identification rests on explicit consent or law"),
         checks.special_category_basis, GDPR_9_2),
    rule("public_security_needs_public_interest", EU, BLOCKS,
         _("Public security only as a public-interest deployment"),
         checks.public_security_public_interest, PROMISE_PUBLIC_INTEREST),
    rule("consent_alternative", EU, BLOCKS,
         _("Consent is free: a non-face alternative is offered"),
         checks.alternative_when_consent, GDPR_7_4),
    rule("impact_assessment_current", EU, BLOCKS, _("Impact assessment complete and current"),
         checks.impact_assessment_current, GDPR_35),
    rule("notice_published", EU, BLOCKS, _("A public notice exists"),
         checks.notice_published, GDPR_13),
    rule("images_kept_only_when_justified", EU, BLOCKS, _("Raw images kept only when justified"),
         checks.images_justified, GDPR_5_1_C),
    rule("identification_two_person_confirmation", EU, BLOCKS,
         _("Two-person confirmation of identification matches"),
         checks.identification_two_person_confirmation, AI_14_5),
    rule("identification_logs_kept_six_months", EU, BLOCKS,
         _("Identification logs kept at least six months"),
         checks.identification_logs_kept, AI_26_6),
) + accuracy_rules(EU, AI_ACT_15)

PACK = Pack(
    jurisdiction=EU,
    name=_("European Union"),
    instruments=("gdpr", "ai_act"),
    rules=RULES,
    guardian_age_rule=guardian_age,
    guardian_citation=GDPR_8_1,
    deadlines={
        DeadlineKind.RIGHTS_REQUEST: Deadline(Term("months", 1), GDPR_12_3),
        DeadlineKind.RIGHTS_REQUEST_EXTENSION: Deadline(Term("months", 2), GDPR_12_3),
        DeadlineKind.BREACH_NOTICE: Deadline(Term("hours", 72), GDPR_33),
    },
    retention_default_reference=f"{GDPR_5_1_E.reference} (storage limitation; platform "
                                "default)",
    erasure_reference=GDPR_17.reference,
    log_minimum=LogMinimum(dt.timedelta(days=183), AI_26_6),
    two_person_confirmation=is_remote_identification,
    two_person_citation=AI_14_5,
    receipt_laws=("Regulation (EU) 2016/679 (GDPR)",
                  "Regulation (EU) 2024/1689 (Artificial Intelligence Act)"),
    notice_footer=_("GDPR Art. 13; EU AI Act Art. 26"),
)
