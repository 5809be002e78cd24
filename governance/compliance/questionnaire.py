"""The impact-assessment questionnaire (PIPL Art. 55–56) and its risk computation.

Four sections, as PIPL Art. 56 lists what an assessment must cover: necessity and
lawfulness, impact on the person's rights, security measures, and the residual risk. Each
question offers fixed answers with risk points; each section also needs a written summary.
The deployment itself adds points for what makes face recognition riskier (identification
in public, central databases, kept images), so the level does not rest on self-scoring alone.
"""

from dataclasses import dataclass

from governance.models import Deployment, Mode, RiskLevel, Storage


@dataclass(frozen=True)
class Question:
    key: str
    section: str
    text: str
    choices: tuple[tuple[str, str, int], ...]  # (value, label, risk points)


SECTIONS: tuple[tuple[str, str], ...] = (
    ("necessity", "Necessity and lawfulness"),
    ("rights", "Impact on people's rights"),
    ("security", "Security measures"),
    ("residual", "Residual risk"),
)

QUESTIONS: tuple[Question, ...] = (
    Question("necessity", "necessity", "Why is face recognition needed for this purpose?", (
        ("strictly_necessary", "No other method achieves the purpose", 0),
        ("more_effective", "Other methods exist but are clearly less effective", 1),
        ("convenience", "It is more convenient than the alternatives", 3),
    )),
    Question("lawful_basis", "necessity", "Is the legal basis documented?", (
        ("documented", "Yes, documented and reviewed", 0),
        ("not_documented", "No", 3),
    )),
    Question("scale", "rights", "How many people will be enrolled?", (
        ("under_1000", "Fewer than 1,000", 0),
        ("under_100000", "1,000 to 100,000", 1),
        ("over_100000", "More than 100,000", 2),
    )),
    Question("vulnerable", "rights", "Are minors, elderly or other vulnerable people affected?", (
        ("no", "No", 0),
        ("yes", "Yes", 2),
    )),
    Question("error_effect", "rights", "What happens to a person after a wrong decision?", (
        ("inconvenience", "A short delay; the alternative is offered at once", 0),
        ("service_denied", "They are refused a service until staff intervene", 1),
        ("legal_effect", "Legal or similarly significant effects", 3),
    )),
    Question("encryption", "security", "How are templates protected at rest and in transit?", (
        ("encrypted", "Encrypted at rest and in transit", 0),
        ("partial", "Encrypted in transit only", 2),
        ("none", "Not encrypted", 3),
    )),
    Question("access", "security", "Who can reach the face data?", (
        ("role_based_logged", "Named roles, every access logged", 0),
        ("role_based", "Named roles, not logged", 1),
        ("unrestricted", "Any staff member", 3),
    )),
    Question("residual_risk", "residual", "After the measures, what risk remains?", (
        ("low", "Low", 0),
        ("medium", "Medium", 2),
        ("high", "High", 4),
    )),
)

SUMMARY_KEYS: tuple[str, ...] = tuple(f"{key}_summary" for key, _ in SECTIONS)

# Score → level boundaries: below 4 low, below 8 medium, below 12 high, else very high.
RISK_BANDS: tuple[tuple[int, str], ...] = (
    (4, RiskLevel.LOW), (8, RiskLevel.MEDIUM), (12, RiskLevel.HIGH),
)


def clean_answers(answers: dict) -> tuple[dict, list[str]]:
    """Keep the known keys with valid values; return them with the keys still missing."""
    cleaned: dict = {}
    for question in QUESTIONS:
        value = answers.get(question.key)
        if value in {choice[0] for choice in question.choices}:
            cleaned[question.key] = value
    for key in SUMMARY_KEYS:
        text = str(answers.get(key) or "").strip()
        if text:
            cleaned[key] = text
    missing = [q.key for q in QUESTIONS if q.key not in cleaned]
    missing += [key for key in SUMMARY_KEYS if key not in cleaned]
    return cleaned, missing


def deployment_points(deployment: Deployment) -> int:
    points = 0
    if deployment.is_public_place and deployment.mode != Mode.VERIFICATION:
        points += 3
    if deployment.storage == Storage.CENTRAL:
        points += 1
    if deployment.keeps_images:
        points += 1
    return points


def score(deployment: Deployment, answers: dict) -> int:
    points = {q.key: {c[0]: c[2] for c in q.choices} for q in QUESTIONS}
    return deployment_points(deployment) + sum(
        points[key][value] for key, value in answers.items() if key in points
    )


def risk_level(total: int) -> str:
    for upper, level in RISK_BANDS:
        if total < upper:
            return level
    return RiskLevel.VERY_HIGH
