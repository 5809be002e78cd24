"""The rules engine: the law a deployment must keep, as a table of rules.

Each rule has an id, its legal reference, a severity and a check. A check returns None when
the deployment complies and otherwise a message saying what is wrong. Blocking rules stop a
submission and any change to a running deployment; warnings are shown but do not block.
The engine runs on submit, on every change to a running deployment, and on demand.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from governance.compliance import accuracy
from governance.models import (
    FILING_SUBJECTS_THRESHOLD,
    DataCategory,
    Deployment,
    FilingKind,
    FilingStatus,
    Interest,
    PlaceType,
    Storage,
)
from governance.platform.deadlines import DeadlineKind, due_at
from governance.retention.rules import (
    IDENTIFICATION_LOG_MINIMUM,
    IDENTIFICATION_MODES,
    effective_retention,
    exceeds_cap,
)


class Severity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"


Check = Callable[["Subject"], str | None]


@dataclass(frozen=True)
class Rule:
    id: str
    reference: str
    severity: Severity
    title: str
    check: Check


@dataclass(frozen=True)
class Subject:
    """What the checks look at: the deployment, with its purpose codes read once."""

    deployment: Deployment
    purposes: frozenset[str]

    @classmethod
    def of(cls, deployment: Deployment) -> "Subject":
        codes = frozenset(p.code for p in deployment.purposes.all())
        return cls(deployment, codes)


@dataclass(frozen=True)
class Finding:
    rule: str
    reference: str
    severity: str
    title: str
    passed: bool
    message: str

    def as_violation(self) -> dict[str, str]:
        return {"rule": self.rule, "reference": self.reference, "message": self.message}


PROHIBITED_PLACES = frozenset({PlaceType.HOTEL_ROOM, PlaceType.PUBLIC_BATH,
                               PlaceType.CHANGING_ROOM, PlaceType.TOILET})


def _prohibited_place(s: Subject) -> str | None:
    if s.deployment.place_type in PROHIBITED_PLACES:
        place = s.deployment.get_place_type_display().lower()
        return f"Face recognition may not be installed in a {place} (CAC Measures Art. 13)."
    return None


def _public_place_purpose(s: Subject) -> str | None:
    if s.deployment.is_public_place and "public_security" not in s.purposes:
        return ("In a public place face recognition may only serve public security "
                "(PIPL Art. 26).")
    return None


def _public_place_signage(s: Subject) -> str | None:
    if s.deployment.is_public_place and not s.deployment.has_signage:
        return "A public place needs prominent signs announcing face recognition (PIPL Art. 26)."
    return None


def _public_security_interest(s: Subject) -> str | None:
    if "public_security" in s.purposes and s.deployment.interest != Interest.PUBLIC:
        return ("Public security is a public-interest purpose: declare interest=public so "
                "the regulator approves it first (PIPL Art. 26).")
    return None


def _non_face_alternative(s: Subject) -> str | None:
    if len(s.deployment.non_face_alternative.strip()) < 10:
        return ("Describe how a person who refuses face recognition gets the same service "
                "(CAC Measures Art. 10; SPC 2021 Interpretation Art. 10).")
    return None


def _impact_assessment_current(s: Subject) -> str | None:
    latest = (s.deployment.assessments.filter(completed_at__isnull=False)
              .order_by("-version").first())
    if latest is None:
        return "A complete impact assessment is required before processing (PIPL Art. 55–56)."
    changed = s.deployment.material_change_at
    if changed is not None and latest.completed_at < changed:
        return ("The impact assessment is older than the deployment's last material change; "
                "assess again (PIPL Art. 55–56).")
    return None


def _central_storage_consent(s: Subject) -> str | None:
    d = s.deployment
    if d.storage == Storage.CENTRAL and not d.central_storage_separate_consent:
        return ("Central storage of face information needs the person's separate consent; "
                "declare that it is collected, or store on the device (CAC Measures Art. 8).")
    return None


def _customer_analytics_in_public(s: Subject) -> str | None:
    if s.deployment.is_public_place and "customer_analytics" in s.purposes:
        return "Customer analytics by face in a public place is not allowed (PIPL Art. 26)."
    return None


def _two_person_confirmation(s: Subject) -> str | None:
    d = s.deployment
    if d.is_public_place and d.mode in IDENTIFICATION_MODES and not d.two_person_confirmation:
        return ("Remote identification in a public place needs each match confirmed by two "
                "people before anyone acts on it (EU AI Act Art. 14(5)).")
    return None


def _notice_published(s: Subject) -> str | None:
    if not s.deployment.notices.exists():
        return "Publish a notice telling people what is done with their face (PIPL Art. 17)."
    return None


def _images_justified(s: Subject) -> str | None:
    d = s.deployment
    if d.keeps_images and not d.keeps_images_justification.strip():
        return ("Raw face images are kept only when the purpose needs them: justify it, or do "
                "not keep them (PIPL Art. 6, minimum necessary).")
    return None


def _identification_logs_kept(s: Subject) -> str | None:
    if s.deployment.mode not in IDENTIFICATION_MODES:
        return None
    rule = effective_retention(deployment=s.deployment, category=DataCategory.RECOGNITION_EVENT)
    if rule.period < IDENTIFICATION_LOG_MINIMUM:
        return (f"Logs of remote identification must be kept at least "
                f"{IDENTIFICATION_LOG_MINIMUM.days} days, not {rule.period.days} "
                f"(EU AI Act Art. 26(6)).")
    return None


def _retention_within_caps(s: Subject) -> str | None:
    breaches = []
    for category in DataCategory.values:
        cap = exceeds_cap(deployment=s.deployment, category=category)
        if cap is not None:
            breaches.append(f"{category}: at most {cap.period.days} days {cap.trigger} "
                            f"({cap.reference})")
    if breaches:
        return "Declared retention exceeds the statutory cap, which applies instead: " + (
            "; ".join(breaches) + ".")
    return None


def _filing_due(s: Subject) -> str | None:
    d = s.deployment
    subjects = max(d.stored_subjects, d.expected_subjects)
    if subjects < FILING_SUBJECTS_THRESHOLD:
        return None
    initial = d.filings.filter(kind=FilingKind.INITIAL).first()
    if initial is not None and initial.status != FilingStatus.OPEN:
        return None
    due = initial.due_at if initial else due_at(DeadlineKind.FILING, d.activated_at or d.created_at)
    return (f"{subjects:,} subjects reach the {FILING_SUBJECTS_THRESHOLD:,} mark: file with the "
            f"regulator by {due:%Y-%m-%d} (CAC Measures Art. 15).")


BLOCKING, WARNING = Severity.BLOCKING, Severity.WARNING

RULES: tuple[Rule, ...] = (
    Rule("prohibited_place", "CAC Measures Art. 13", BLOCKING,
         "Not in hotel rooms, public baths, changing rooms or toilets", _prohibited_place),
    Rule("public_place_public_security_only", "PIPL Art. 26", BLOCKING,
         "Public places only for public security", _public_place_purpose),
    Rule("public_place_signage", "PIPL Art. 26", BLOCKING,
         "Public places need signage", _public_place_signage),
    Rule("public_security_needs_public_interest", "PIPL Art. 26", BLOCKING,
         "Public security only as a public-interest deployment", _public_security_interest),
    Rule("non_face_alternative", "CAC Measures Art. 10; SPC 2021 Interpretation Art. 10",
         BLOCKING, "A non-face alternative is offered", _non_face_alternative),
    Rule("impact_assessment_current", "PIPL Art. 55–56", BLOCKING,
         "Impact assessment complete and current", _impact_assessment_current),
    Rule("central_storage_separate_consent", "CAC Measures Art. 8", BLOCKING,
         "Central storage only with separate consent", _central_storage_consent),
    Rule("no_customer_analytics_in_public", "PIPL Art. 26", BLOCKING,
         "No customer analytics in public places", _customer_analytics_in_public),
    Rule("public_identification_two_person_confirmation", "EU AI Act Art. 14(5)", BLOCKING,
         "Two-person confirmation for identification in public", _two_person_confirmation),
    Rule("notice_published", "PIPL Art. 17", BLOCKING,
         "A public notice exists", _notice_published),
    Rule("images_kept_only_when_justified", "PIPL Art. 6", BLOCKING,
         "Raw images kept only when justified", _images_justified),
    Rule("identification_logs_kept_six_months", "EU AI Act Art. 26(6)", BLOCKING,
         "Identification logs kept at least six months", _identification_logs_kept),
    Rule("retention_within_statutory_caps", "BIPA 740 ILCS 14/15(a)", WARNING,
         "Declared retention within statutory caps", _retention_within_caps),
    Rule("filing_due", "CAC Measures Art. 15", WARNING,
         "Filing once 100,000 people are stored", _filing_due),
    # Measured accuracy (governance/compliance/accuracy.py; evidence from recognition).
    Rule("threshold_change_evaluated", "EU AI Act Art. 15", BLOCKING,
         "A threshold changed in operation was evaluated at that threshold",
         accuracy.threshold_change_evaluated),
    Rule("public_identification_evaluated", "EU AI Act Art. 15", BLOCKING,
         "Public identification evaluated before it runs",
         accuracy.public_identification_evaluated),
    Rule("worst_group_meets_target", "EU AI Act Art. 15", BLOCKING,
         "Worst-served group meets the target false-match rate (public interest)",
         accuracy.worst_group_meets_target_public),
    Rule("worst_group_meets_target_advisory", "EU AI Act Art. 15", WARNING,
         "Worst-served group meets the target false-match rate (private interest)",
         accuracy.worst_group_meets_target_private),
)
RULES_BY_ID = {r.id: r for r in RULES}


def evaluate(deployment: Deployment) -> list[Finding]:
    """Every rule's verdict on the deployment, in table order."""
    subject = Subject.of(deployment)
    findings = []
    for r in RULES:
        message = r.check(subject)
        findings.append(Finding(r.id, r.reference, r.severity, r.title, message is None,
                                message or ""))
    return findings


def violations(deployment: Deployment) -> list[Finding]:
    """The blocking rules the deployment breaks."""
    return [f for f in evaluate(deployment) if not f.passed and f.severity == BLOCKING]
