from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """Organisations and roles, deployments and purposes, rules, consent, rights, retention.

    Governance never imports recognition or complaints; they plug into its registries.
    """

    name = "governance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from governance import audit  # noqa: F401  (registers models with django-auditlog)
        from governance.retention.rules import connect_retention_rules_cache
        from governance.services.policy import connect_policy_cache

        connect_policy_cache()
        connect_retention_rules_cache()
        from django.contrib.auth.signals import user_logged_in

        from governance.views.language import remember_language_at_sign_in

        user_logged_in.connect(remember_language_at_sign_in,
                               dispatch_uid="governance.remember_language")
        from governance.demo_deployments import register as register_demo
        from governance.navigation import nav_add
        from governance.permissions import Persona

        nav_add(Persona.ENTERPRISE, _("Deployments"), "deployment-list", 10)
        nav_add(Persona.REGULATOR, _("Approvals"), "regulator-approvals", 10)
        nav_add(Persona.REGULATOR, _("Filings"), "regulator-filings", 20)
        for persona in (Persona.ANONYMOUS, Persona.CITIZEN, Persona.ENTERPRISE,
                        Persona.REGULATOR, Persona.INDUSTRY_BODY):
            nav_add(persona, _("Public register"), "register", 90)
        register_demo()
        from governance.demo_translations import register as register_demo_translations

        register_demo_translations()
        from governance.models import DeletionCertificate
        from governance.platform.ledger import register_ledger
        from governance.records import register_records_provider
        from governance.selectors.retention import certificate_rows_for_subject
        from governance.services.retention import DELETION_CERTIFICATE_LEDGER

        register_ledger(DELETION_CERTIFICATE_LEDGER, DeletionCertificate)
        register_records_provider("deletion_certificates", certificate_rows_for_subject)
        nav_add(Persona.ENTERPRISE, _("Retention"), "retention-dashboard", 50)
        nav_add(Persona.REGULATOR, _("Retention & holds"), "retention-dashboard", 30)
        nav_add(Persona.CITIZEN, _("Deletion certificates"), "citizen-certificates", 40)
        from governance.consent_setup import register_consent

        register_consent()
        from governance.conventions.platform_probes import register as register_probes

        register_probes()
        from governance.selectors.industry import credit_badge_section
        from governance.selectors.register import register_section_provider

        register_section_provider("credit", credit_badge_section)
        for persona in (Persona.ANONYMOUS, Persona.CITIZEN, Persona.ENTERPRISE,
                        Persona.REGULATOR, Persona.INDUSTRY_BODY):
            nav_add(persona, "Industry members", "register-industry", 95)
        nav_add(Persona.ENTERPRISE, "Industry audits", "member-industry", 60)
        nav_add(Persona.REGULATOR, "Industry credit", "regulator-credit", 60)
