"""The checks the rule packs are made of: each looks at one declared fact of a deployment.

A check returns None when the deployment complies, else what is wrong in one sentence
(without the legal reference: the engine appends the citing rule's reference, so one check
serves every pack whose law asks the same thing). Checks read only the deployment and the
pack that judges it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from governance.models import (
    DataCategory,
    Deployment,
    FilingKind,
    FilingStatus,
    Interest,
    LegalBasis,
    Mode,
    PlaceType,
    Scenario,
    Storage,
)
from governance.platform.deadlines import DeadlineKind
from governance.retention.rules import effective_retention, exceeds_cap

if TYPE_CHECKING:
    from governance.compliance.packs.base import Pack

IDENTIFICATION_MODES = frozenset({Mode.IDENTIFICATION_REALTIME, Mode.IDENTIFICATION_POST})
PRIVATE_SPACES = frozenset({PlaceType.HOTEL_ROOM, PlaceType.PUBLIC_BATH,
                            PlaceType.CHANGING_ROOM, PlaceType.TOILET})


@dataclass(frozen=True)
class Subject:
    """What the checks look at: the deployment, its purpose codes read once, and its pack."""

    deployment: Deployment
    purposes: frozenset[str]
    pack: "Pack"


Check = Callable[[Subject], str | None]


def private_space(s: Subject) -> str | None:
    if s.deployment.place_type in PRIVATE_SPACES:
        place = s.deployment.get_place_type_display().lower()
        return _("Face recognition may not be installed in a %(place)s") % {"place": place}
    return None


def public_place_public_security_only(s: Subject) -> str | None:
    if s.deployment.is_public_place and "public_security" not in s.purposes:
        return _("In a public place face recognition may only serve public security")
    return None


def public_place_signage(s: Subject) -> str | None:
    if s.deployment.is_public_place and not s.deployment.has_signage:
        return _("A public place needs prominent signs announcing face recognition")
    return None


def public_security_public_interest(s: Subject) -> str | None:
    if "public_security" in s.purposes and s.deployment.interest != Interest.PUBLIC:
        return _("Public security is a public-interest purpose: declare the public interest "
                 "so that the regulator approves it first")
    return None


def non_face_alternative(s: Subject) -> str | None:
    if len(s.deployment.non_face_alternative.strip()) < 10:
        return _("Describe how a person who refuses face recognition gets the same service")
    return None


def impact_assessment_current(s: Subject) -> str | None:
    latest = (s.deployment.assessments.filter(completed_at__isnull=False)
              .order_by("-version").first())
    if latest is None:
        return _("A complete impact assessment is required before processing")
    changed = s.deployment.material_change_at
    if changed is not None and latest.completed_at < changed:
        return _("The impact assessment is older than the deployment's last material change; "
                 "assess again")
    return None


def central_storage_separate_consent(s: Subject) -> str | None:
    d = s.deployment
    if d.storage == Storage.CENTRAL and not d.central_storage_separate_consent:
        return _("Face information is stored on the recognition device unless the person "
                 "separately consents to central storage: declare that this consent is "
                 "collected, or store on the device")
    return None


def customer_analytics_in_public(s: Subject) -> str | None:
    if s.deployment.is_public_place and "customer_analytics" in s.purposes:
        return _("Images collected in a public place may serve public security only, not "
                 "customer analytics")
    return None


def identification_two_person_confirmation(s: Subject) -> str | None:
    d = s.deployment
    if d.mode in IDENTIFICATION_MODES and not d.two_person_confirmation:
        return _("Remote identification needs each match confirmed by two people before "
                 "anyone acts on it")
    return None


def notice_published(s: Subject) -> str | None:
    if not s.deployment.notices.exists():
        return _("Publish a notice telling people what is done with their face")
    return None


def images_justified(s: Subject) -> str | None:
    d = s.deployment
    if d.keeps_images and not d.keeps_images_justification.strip():
        return _("Raw face images are kept only when the purpose needs them: justify it, or do "
                 "not keep them")
    return None


def identification_logs_kept(s: Subject) -> str | None:
    minimum = s.pack.log_minimum
    if minimum is None or s.deployment.mode not in IDENTIFICATION_MODES:
        return None
    rule = effective_retention(deployment=s.deployment,
                               category=DataCategory.RECOGNITION_EVENT)
    if rule.period < minimum.period:
        return _("Logs of remote identification must be kept at least %(minimum)d days, not "
                 "%(days)d") % {"minimum": minimum.period.days, "days": rule.period.days}
    return None


def retention_within_caps(s: Subject) -> str | None:
    breaches = []
    for category in DataCategory.values:
        cap = exceeds_cap(deployment=s.deployment, category=category)
        if cap is not None:
            breaches.append(_("%(category)s: at most %(days)d days %(trigger)s") % {
                "category": DataCategory(category).label, "days": cap.period.days,
                "trigger": cap.trigger_label})
    if breaches:
        return _("Declared retention exceeds the statutory cap, which applies instead: "
                 "%(breaches)s") % {"breaches": "; ".join(breaches)}
    return None


def template_retention_declared(s: Subject) -> str | None:
    declared = {r.category for r in s.deployment.retention_rules.all()}
    if DataCategory.FACE_TEMPLATE not in declared:
        return _("Declare how long face templates are kept: the retention schedule is part of "
                 "what people are told before their face is collected")
    return None


def filing_due(s: Subject) -> str | None:
    threshold = s.pack.filing_threshold
    d = s.deployment
    subjects = max(d.stored_subjects, d.expected_subjects)
    if threshold is None or subjects < threshold:
        return None
    initial = d.filings.filter(kind=FilingKind.INITIAL).first()
    if initial is not None and initial.status != FilingStatus.OPEN:
        return None
    due = initial.due_at if initial else s.pack.due_at(DeadlineKind.FILING,
                                                       d.activated_at or d.created_at)
    return _("%(subjects)s people reach the %(threshold)s mark: file with the regulator by "
             "%(due)s") % {"subjects": f"{subjects:,}", "threshold": f"{threshold:,}",
                           "due": f"{due:%Y-%m-%d}"}


def realtime_identification_for_law_enforcement(s: Subject) -> str | None:
    d = s.deployment
    if (d.mode == Mode.IDENTIFICATION_REALTIME and d.is_public_place
            and (d.scenario == Scenario.PUBLIC_SECURITY or "public_security" in s.purposes)):
        return _("Real-time remote identification in a publicly accessible space for law "
                 "enforcement is prohibited, save the narrow exceptions that need a prior "
                 "judicial or independent authorisation this platform does not hold")
    return None


def special_category_basis(s: Subject) -> str | None:
    if s.deployment.legal_basis == LegalBasis.CONTRACT:
        return _("Biometric data for identifying a person may not rest on a contract alone: "
                 "it needs explicit consent or a basis in law")
    return None


def written_release(s: Subject) -> str | None:
    if s.deployment.legal_basis != LegalBasis.CONSENT:
        return _("A private entity collects a face template only after the person's written "
                 "release: the legal basis must be the person's consent")
    return None


def alternative_when_consent(s: Subject) -> str | None:
    d = s.deployment
    if d.legal_basis == LegalBasis.CONSENT and len(d.non_face_alternative.strip()) < 10:
        return _("Consent is not freely given when the service depends on it: describe the "
                 "non-face alternative")
    return None


# The checks that read only what the first step of the deployment wizard declares (no
# assessment, notice, retention, filing or evaluation): the wizard runs them as soon as these
# facts are known, so a prohibited place is refused on step 1, not at submission.
DECLARED_FACT_CHECKS: frozenset[Check] = frozenset({
    private_space, public_place_public_security_only, public_place_signage,
    public_security_public_interest, non_face_alternative, central_storage_separate_consent,
    customer_analytics_in_public, identification_two_person_confirmation, images_justified,
    realtime_identification_for_law_enforcement, special_category_basis, written_release,
    alternative_when_consent,
})
