"""The other direction of the channel: the regulator's guidance notes, and enterprises'
questions to their regulator (consultations), some published as anonymised public Q&A."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import Organisation


class GuidanceNote(models.Model):
    """One version of a note; a new version of the same `series` supersedes the previous."""

    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="guidance_notes")
    series = models.SlugField(max_length=80)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=20000)
    # The note in other languages, {"zh-hans": {"title": ..., "body": ...}}, shown by the
    # reader's language (localized_title / localized_body).
    translations = models.JSONField(default=dict, blank=True)
    # Ids of the rules engine's rules the note explains (governance/compliance/rules.py).
    rules = models.JSONField(default=list, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["series", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["regulator", "series", "version"],
                                    name="guidance_note_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def _translated(self, field: str) -> str:
        from django.utils.translation import get_language

        language = (get_language() or "").lower()
        for code in (language, language.split("-")[0]):
            version = self.translations.get(code) if isinstance(self.translations, dict) else None
            if isinstance(version, dict) and version.get(field):
                return version[field]
        return getattr(self, field)

    @property
    def localized_title(self) -> str:
        return self._translated("title")

    @property
    def localized_body(self) -> str:
        return self._translated("body")


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the regulator")
    ANSWERED = "answered", _("Answered")


class Consultation(models.Model):
    enterprise = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                   related_name="consultations")
    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="consultations_received")
    subject = models.CharField(max_length=200)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    status = models.CharField(max_length=10, choices=ConsultationStatus.choices,
                              default=ConsultationStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    # Published as a public Q&A: the regulator's anonymised wording, never the thread itself.
    public_question = models.TextField(blank=True)
    public_answer = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(published_at__isnull=True)
                                   | (~Q(public_question="") & ~Q(public_answer="")),
                                   name="consultation_published_has_q_and_a"),
        ]

    def __str__(self) -> str:
        return self.subject


class ConsultationMessage(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    from_regulator = models.BooleanField()
    body = models.TextField(max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message {self.id} in consultation {self.consultation_id}"
