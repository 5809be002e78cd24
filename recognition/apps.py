from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    """The engine (pure Python, under engine/), the template vault, the 1:N gallery,
    recognition events and deployment API keys. May import governance; never complaints."""

    name = "recognition"
    default_auto_field = "django.db.models.BigAutoField"
