"""Wiring of the consent ledger and rights requests into the platform's registries:
the ledger registry and its projection check (verify_ledger), the navigation and the demo
seeders."""

from django.utils.translation import gettext_lazy as _

from governance.demo import register_seeder
from governance.navigation import nav_add
from governance.permissions import Persona
from governance.platform.ledger import register_ledger


def register_consent() -> None:
    from governance.consent_demo import seed_consent_demo
    from governance.models import ConsentLedgerEntry
    from governance.platform.ledger_verify import register_projection_check
    from governance.selectors.consent_ledger import (
        CONSENT_LEDGER,
        consent_projection_mismatches,
    )

    register_ledger(CONSENT_LEDGER, ConsentLedgerEntry)
    register_projection_check(CONSENT_LEDGER, consent_projection_mismatches)
    nav_add(Persona.CITIZEN, _("My deployments"), "citizen-deployments", 10)
    nav_add(Persona.CITIZEN, _("My consents"), "citizen-consents", 20)
    nav_add(Persona.CITIZEN, _("My requests"), "citizen-requests", 30)
    nav_add(Persona.ENTERPRISE, _("Consent records"), "enterprise-consents", 40)
    nav_add(Persona.ENTERPRISE, _("Renewals"), "enterprise-renewals", 45)
    nav_add(Persona.ENTERPRISE, _("Rights requests"), "enterprise-requests", 50)
    register_seeder(50, seed_consent_demo)
