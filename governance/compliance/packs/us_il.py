"""The Illinois pack: the Biometric Information Privacy Act (740 ILCS 14).

BIPA binds private entities: a written release before collection, a retention schedule
published before collection, destruction when the initial purpose is satisfied or within
3 years of the person's last interaction (whichever first), and no sale or profit. It sets
no term for answering a person, none for breach notices and no filing: those deadlines are
the platform's own. A minor is a person under 18 in Illinois (755 ILCS 5/11-1), so the
release of a minor is executed by the legally authorized representative.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from governance.compliance import checks
from governance.compliance.law import BIPA, PLATFORM, Citation, Instrument
from governance.compliance.packs.accuracy import accuracy_rules
from governance.compliance.packs.base import Pack, Severity, StatutoryCap, rule
from governance.models import DataCategory, RetentionTrigger

US_IL = "US-IL"
BLOCKS, ADVISES = Severity.BLOCKING, Severity.WARNING

BIPA_15_A = Citation(BIPA, "Sec. 15(a)", "must develop a written policy, made available to the "
                     "public, establishing a retention schedule and guidelines for permanently "
                     "destroying biometric identifiers … when the initial purpose … has been "
                     "satisfied or within 3 years of the individual's last interaction with the "
                     "private entity, whichever occurs first")
BIPA_15_B = Citation(BIPA, "Sec. 15(b)", "informs the subject … in writing of the specific "
                     "purpose and length of term for which a biometric identifier … is being "
                     "collected, stored, and used; and (3) receives a written release executed by "
                     "the subject … or the subject's legally authorized representative")
PROBATE_ACT = Instrument("il_probate", US_IL, "755 ILCS 5/11-1",
                         "Illinois Probate Act of 1975, Art. XI (Minors)", "as amended",
                         "ilga.gov")
MINOR = Citation(PROBATE_ACT, "Sec. 11-1", "\"Minor\" means a person who has not attained the "
                 "age of 18 years.",
                 note="BIPA lets the legally authorized representative execute the release.")
PROMISE_ALTERNATIVE = Citation(PLATFORM, "11 (refusal is always possible)",
                               "Every deployment declares a non-face alternative.",
                               note="BIPA requires none; the platform does.")
PROMISE_PUBLIC_INTEREST = Citation(
    PLATFORM, "— public-interest uses", "Stricter prior regulation for public-interest uses.",
    note="Platform policy: public security waits for the regulator's approval.")

THREE_YEARS = dt.timedelta(days=3 * 365)
CAPS = tuple(StatutoryCap(category, THREE_YEARS, RetentionTrigger.LAST_INTERACTION, BIPA_15_A)
             for category in (DataCategory.FACE_TEMPLATE, DataCategory.FACE_IMAGE))

RULES = (
    rule("written_release", US_IL, BLOCKS, _("A written release before collection"),
         checks.written_release, BIPA_15_B),
    rule("retention_schedule_published", US_IL, BLOCKS,
         _("A retention schedule is published before collection"),
         checks.template_retention_declared, BIPA_15_A),
    rule("notice_published", US_IL, BLOCKS, _("People are told the purpose and term in writing"),
         checks.notice_published, BIPA_15_B),
    rule("retention_within_statutory_caps", US_IL, ADVISES,
         _("Destroyed within 3 years of the last interaction"),
         checks.retention_within_caps, BIPA_15_A),
    rule("public_security_needs_public_interest", US_IL, BLOCKS,
         _("Public security only as a public-interest deployment"),
         checks.public_security_public_interest, PROMISE_PUBLIC_INTEREST),
    rule("non_face_alternative", US_IL, BLOCKS, _("A non-face alternative is offered"),
         checks.non_face_alternative, PROMISE_ALTERNATIVE),
) + accuracy_rules(US_IL)

PACK = Pack(
    jurisdiction=US_IL,
    name=_("United States — Illinois"),
    instruments=("bipa",),
    rules=RULES,
    guardian_age_rule=lambda: 18,
    guardian_citation=MINOR,
    deadlines={},
    retention_caps=CAPS,
    retention_default_reference="platform default (BIPA sets no term for this category)",
    erasure_reference="BIPA Sec. 15(a) (initial purpose satisfied); FaceGov promise 4",
    receipt_laws=("Illinois Biometric Information Privacy Act (740 ILCS 14)",),
    notice_footer=_("BIPA Sec. 15(a)–(b)"),
)
