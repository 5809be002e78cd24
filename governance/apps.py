from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Organisations and roles, deployments and purposes, rules, consent, rights, retention.

    Governance never imports recognition or complaints; they plug into its registries.
    """

    name = "governance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from governance import audit  # noqa: F401  (registers models with django-auditlog)
        from governance.consent_setup import register_consent

        register_consent()
