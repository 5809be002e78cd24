"""Wiring of the consent ledger and rights requests into the platform's registries:
the ledger registry (verify_ledger), the navigation and the demo seeders."""

from governance.demo import register_seeder
from governance.navigation import nav_add
from governance.permissions import Persona
from governance.platform.ledger import register_ledger

CONSENT_LEDGER = "consent"


def register_consent() -> None:
    from governance.consent_demo import seed_consent_demo
    from governance.models import ConsentLedgerEntry

    register_ledger(CONSENT_LEDGER, ConsentLedgerEntry)
    nav_add(Persona.CITIZEN, "My deployments", "citizen-deployments", 10)
    nav_add(Persona.CITIZEN, "My consents", "citizen-consents", 20)
    nav_add(Persona.CITIZEN, "My requests", "citizen-requests", 30)
    nav_add(Persona.ENTERPRISE, "Consent records", "enterprise-consents", 40)
    nav_add(Persona.ENTERPRISE, "Renewals", "enterprise-renewals", 45)
    nav_add(Persona.ENTERPRISE, "Rights requests", "enterprise-requests", 50)
    register_seeder(50, seed_consent_demo)
