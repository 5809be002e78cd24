"""What the regulator sees before deciding on a deployment (issue 16: "decide with
everything in view"): the impact-assessment answers in words, the filings' contents, the
published notice, the location, the approval proposals, and panels other apps fill.

Panels come from providers registered in AppConfig.ready() (governance never imports the
apps that own them): `decision_panel_provider(name, func)` with
`func(*, deployment, user) -> dict | None`. Each name in DEFAULT_PANELS is always in the
dossier (None until a provider answers), so templates can rely on it:

- `complaints`: complaints and tips about the deployment ({"rows": [...], "total": n});
- `credit_grade`: the operator's industry credit grade ({"grade", "score", "body"}), filled
  by the industry self-regulation app when it exists (partial regulator/_credit_grade.html).
"""

from collections.abc import Callable
from typing import Any

from governance.compliance.questionnaire import QUESTIONS, SECTIONS
from governance.models import Deployment, ImpactAssessment

DecisionPanel = Callable[..., dict[str, Any] | None]
DEFAULT_PANELS = ("complaints", "credit_grade")
_PANELS: dict[str, DecisionPanel] = {}


def decision_panel_provider(name: str, func: DecisionPanel) -> DecisionPanel:
    _PANELS[name] = func
    return func


def assessment_answers(assessment: ImpactAssessment | None) -> list[dict[str, Any]]:
    """The answers as a person reads them: per section, each question with its chosen
    answer's label, then the section's written summary."""
    if assessment is None:
        return []
    answers = assessment.answers or {}
    sections = []
    for key, title in SECTIONS:
        rows = []
        for question in QUESTIONS:
            if question.section != key:
                continue
            labels = {value: label for value, label, _ in question.choices}
            rows.append({"question": question.text,
                         "answer": labels.get(answers.get(question.key, ""), "")})
        sections.append({"title": title, "rows": rows,
                         "summary": answers.get(f"{key}_summary", "")})
    return sections


def decision_dossier(*, deployment: Deployment, user: Any) -> dict[str, Any]:
    """Everything for the decision page; the caller has checked the user may see it."""
    assessment = deployment.assessments.order_by("-version").first()
    notice = (deployment.notices.filter(published_at__isnull=False).order_by("-version")
              .first())
    panels: dict[str, Any] = dict.fromkeys(DEFAULT_PANELS)
    for name, provider in _PANELS.items():
        panels[name] = provider(deployment=deployment, user=user)
    return {
        "assessment": assessment,
        "assessment_sections": assessment_answers(assessment),
        "filings": list(deployment.filings.select_related("submitted_by")
                        .order_by("-triggered_at")),
        "notice": notice,
        "proposals": list(deployment.approval_proposals.select_related(
            "proposed_by", "decided_by", "regulator")),
        "panels": panels,
    }
