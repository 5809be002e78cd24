from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    """The engine (pure Python, under engine/), the template vault, the 1:N gallery,
    recognition events and deployment API keys. May import governance; never complaints."""

    name = "recognition"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from governance.compliance.accuracy import register_accuracy_evidence_provider
        from governance.demo import register_seeder
        from governance.metrics import register_metrics
        from governance.navigation import nav_add
        from governance.permissions import Persona
        from governance.platform.ledger import register_ledger
        from governance.purge import register_purge_handler
        from governance.records import register_holdings_provider, register_records_provider
        from governance.retention.registry import (
            register_overdue_counter,
            register_retention_source,
        )
        from governance.selectors.dashboards import register_tiles
        from governance.selectors.register import register_section_provider
        from governance.thresholds import register_threshold_range
        from recognition import permissions  # noqa: F401  (registers permission rules)
        from recognition.demo import (
            seed_canaries_demo,
            seed_evaluation_demo,
            seed_expiring_demo,
            seed_recognition_demo,
        )
        from recognition.engine import CALIBRATED_MAX_THRESHOLD, MODEL_VERSION
        from recognition.evaluation_retention import SOURCE as EVALUATION_SET_SOURCE
        from recognition.leaks.spaces import (
            deployment_vault_spaces,
            device_spaces,
            register_space_provider,
        )
        from recognition.models import DisclosureEntry, RecognitionEvent
        from recognition.retention import SOURCES
        from recognition.selectors import event_rows_for_subject, templates_held_for_subject
        from recognition.selectors.devices import register_devices_section
        from recognition.selectors.evaluations import accuracy_evidence, register_accuracy_panel
        from recognition.selectors.shards import shard_metrics_text
        from recognition.services.apikeys import connect_api_key_cache
        from recognition.services.devices import overdue_device_deletions
        from recognition.services.events import RECOGNITION_LEDGER
        from recognition.services.leaks import DISCLOSURE_LEDGER
        from recognition.services.recognition import purge_handler
        from recognition.views.devices import device_tiles

        connect_api_key_cache()
        for source in SOURCES:
            register_retention_source(source)
        register_retention_source(EVALUATION_SET_SOURCE)
        register_section_provider("accuracy", register_accuracy_panel)
        register_section_provider("devices", register_devices_section)
        register_overdue_counter("device_deletion_order", overdue_device_deletions)
        register_tiles(Persona.ENTERPRISE, device_tiles)
        register_tiles(Persona.REGULATOR, device_tiles)
        register_accuracy_evidence_provider(accuracy_evidence)
        register_purge_handler(purge_handler)
        register_ledger(RECOGNITION_LEDGER, RecognitionEvent)
        register_ledger(DISCLOSURE_LEDGER, DisclosureEntry)
        register_space_provider(deployment_vault_spaces)
        register_space_provider(device_spaces)
        register_threshold_range(maximum=CALIBRATED_MAX_THRESHOLD, source=MODEL_VERSION)
        register_records_provider("recognition_events", event_rows_for_subject)
        register_holdings_provider(templates_held_for_subject)
        register_seeder(60, seed_recognition_demo)
        register_seeder(62, seed_evaluation_demo)
        register_seeder(65, seed_expiring_demo)
        register_seeder(66, seed_canaries_demo)
        nav_add(Persona.ENTERPRISE, _("Recognition"), "recognition-activity", 40)
        nav_add(Persona.ENTERPRISE, _("Try it"), "recognition-try", 45)
        nav_add(Persona.ENTERPRISE, _("Desk enrolment"), "desk-enrol", 44)
        nav_add(Persona.ENTERPRISE, _("Match reviews"), "recognition-confirmations", 46)
        nav_add(Persona.ENTERPRISE, _("Accuracy"), "evaluation-list", 47)
        nav_add(Persona.REGULATOR, _("Accuracy"), "evaluation-list", 47)
        nav_add(Persona.CITIZEN, _("Who recognised me"), "recognition-my-events", 30)
        from recognition.industry_probes import register as register_industry_probes

        register_industry_probes()
        nav_add(Persona.PLATFORM_STAFF, _("Gallery shards"), "recognition-shards", 80)
        register_metrics(shard_metrics_text)
