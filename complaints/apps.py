from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    """Complaints and anonymous tips, investigations, evidence, enforcement, breaches.
    May import recognition and governance."""

    name = "complaints"
    default_auto_field = "django.db.models.BigAutoField"
