from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    """Complaints and anonymous tips, investigations, evidence, enforcement, breaches.
    May import recognition and governance; they never import it (it plugs into their
    registries here)."""

    name = "complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from complaints import permissions  # noqa: F401  (registers permission rules)
        from complaints.demo import seed_complaints_demo
        from complaints.metrics import complaint_metrics_text, regulator_complaint_tiles
        from complaints.models import CaseLogEntry, CaseRetentionRecord, InvestigationLogEntry
        from complaints.retention import CASE_RETENTION_LEDGER
        from complaints.selectors.cases import complaints_for_decision
        from complaints.selectors.enforcement import enforcement_published
        from complaints.selectors.guidance import guidance_for_deployment
        from complaints.services.caselog import CASE_LEDGER
        from complaints.services.investigations import INVESTIGATION_LEDGER
        from governance.compliance.guidance import register_guidance_provider
        from governance.demo import register_seeder
        from governance.enforcement_history import register_enforcement_provider
        from governance.metrics import register_metrics
        from governance.navigation import nav_add
        from governance.permissions import Persona
        from governance.platform.ledger import register_ledger
        from governance.selectors.dashboards import register_tiles
        from governance.selectors.decision import decision_panel_provider

        register_ledger(CASE_LEDGER, CaseLogEntry)
        register_ledger(INVESTIGATION_LEDGER, InvestigationLogEntry)
        register_ledger(CASE_RETENTION_LEDGER, CaseRetentionRecord)
        register_guidance_provider("complaints", guidance_for_deployment)
        register_seeder(80, seed_complaints_demo)
        from complaints.demo_guidance import seed_guidance_demo

        register_seeder(85, seed_guidance_demo)
        register_enforcement_provider(enforcement_published)
        decision_panel_provider("complaints", complaints_for_decision)
        register_metrics(complaint_metrics_text)
        register_tiles(Persona.REGULATOR, regulator_complaint_tiles)
        nav_add(Persona.ANONYMOUS, _("Report a problem"), "report-problem", 50)
        nav_add(Persona.ANONYMOUS, _("Tip status"), "tip-status", 55)
        nav_add(Persona.ANONYMOUS, _("Guidance"), "guidance", 60)
        nav_add(Persona.ANONYMOUS, _("Check an evidence package"), "package-verify", 65)
        nav_add(Persona.CITIZEN, _("My complaints"), "complaint-mine", 50)
        nav_add(Persona.REGULATOR, _("Complaints inbox"), "complaint-inbox", 5)
        nav_add(Persona.REGULATOR, _("Consultations"), "consultation-list", 60)
        nav_add(Persona.REGULATOR, _("Investigations"), "investigation-list", 6)
        nav_add(Persona.REGULATOR, _("Enforcement dashboard"), "enforcement-dashboard", 7)
        nav_add(Persona.REGULATOR, _("Leak cases"), "leak-list", 8)
        nav_add(Persona.ENTERPRISE, _("Investigations of us"), "enterprise-investigations", 62)
        nav_add(Persona.ENTERPRISE, _("Complaints about us"), "complaint-about-us", 60)
        nav_add(Persona.ENTERPRISE, _("Ask the regulator"), "consultation-list", 65)
        from complaints.industry import register as register_industry

        register_industry()
