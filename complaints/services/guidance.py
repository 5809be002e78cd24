"""Guidance notes (the regulator explains the rules) and consultations (an enterprise asks its
regulator; the regulator may publish the exchange, anonymised in its own words, as a Q&A)."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from complaints.models import Consultation, ConsultationMessage, ConsultationStatus, GuidanceNote
from complaints.permissions import regulators_of
from complaints.services.intake import regulator_for_region
from governance.compliance.packs import all_rules
from governance.errors import DomainError, NotFound
from governance.models import Organisation
from governance.permissions import can, require


def _text(value: str, *, code: str, limit: int) -> str:
    value = value.strip()
    if not value or "\x00" in value or len(value) > limit:
        raise DomainError(_("This text is missing, too long or contains invalid characters."),
                          code=code)
    return value


@transaction.atomic
def guidance_publish(*, actor: Any, title: str, body: str, rules: list[str],
                     series: str = "") -> GuidanceNote:
    """A new note, or the next version of `series` (which supersedes the previous one)."""
    require(actor, "guidance.publish")
    title = _text(title, code="title_required", limit=200)
    body = _text(body, code="body_required", limit=20000)
    known = {r.id for r in all_rules()}
    unknown = sorted(set(rules) - known)
    if unknown:
        raise DomainError(_("Unknown rules: %(rules)s.") % {"rules": ", ".join(unknown)},
                          code="unknown_rule")
    regulator = regulators_of(actor).order_by("id").first()
    series = slugify(series or title)[:80] or "note"
    last = (GuidanceNote.objects.select_for_update().filter(regulator=regulator, series=series)
            .order_by("-version").first())
    return GuidanceNote.objects.create(
        regulator=regulator, series=series, version=(last.version + 1) if last else 1,
        title=title, body=body, rules=sorted(set(rules)), published_by=actor,
        published_at=timezone.now())


@transaction.atomic
def consultation_ask(*, actor: Any, enterprise: Organisation, subject: str,
                     question: str) -> Consultation:
    require(actor, "consultation.ask", enterprise)
    subject = _text(subject, code="subject_required", limit=200)
    question = _text(question, code="question_required", limit=10000)
    regulator = regulator_for_region(enterprise.region)
    if regulator is None:
        raise NotFound(_("No regulator covers your region yet."), code="regulator_not_found")
    consultation = Consultation.objects.create(enterprise=enterprise, regulator=regulator,
                                               subject=subject, asked_by=actor)
    ConsultationMessage.objects.create(consultation=consultation, author=actor,
                                       from_regulator=False, body=question)
    return consultation


@transaction.atomic
def consultation_message_send(*, consultation: Consultation, actor: Any,
                              body: str) -> ConsultationMessage:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    from_regulator = can(actor, "consultation.answer", consultation)
    if not from_regulator:
        require(actor, "consultation.ask", consultation.enterprise)
    message = ConsultationMessage.objects.create(
        consultation=consultation, author=actor, from_regulator=from_regulator,
        body=_text(body, code="body_required", limit=10000))
    consultation.status = (ConsultationStatus.ANSWERED if from_regulator
                           else ConsultationStatus.OPEN)
    consultation.save(update_fields=["status"])
    return message


@transaction.atomic
def consultation_publish(*, consultation: Consultation, actor: Any, question: str,
                         answer: str) -> Consultation:
    """Publish as a public Q&A, in the regulator's anonymised wording."""
    require(actor, "consultation.answer", consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    consultation.public_question = _text(question, code="question_required", limit=10000)
    consultation.public_answer = _text(answer, code="answer_required", limit=10000)
    consultation.published_at = timezone.now()
    consultation.save(update_fields=["public_question", "public_answer", "published_at"])
    return consultation
