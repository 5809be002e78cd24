"""Navigation per persona. Apps add their pages in AppConfig.ready() with `nav_add`,
so governance needs no knowledge of recognition or complaints pages."""

from dataclasses import dataclass

from governance.permissions import Persona


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100


_NAV: dict[str, list[NavItem]] = {
    Persona.ANONYMOUS: [NavItem("Home", "home", 0)],
    Persona.ENTERPRISE: [NavItem("Enterprise", "enterprise-home", 0)],
    Persona.REGULATOR: [NavItem("Regulator", "regulator-home", 0)],
    Persona.INDUSTRY_BODY: [NavItem("Industry body", "industry-home", 0)],
    Persona.CITIZEN: [NavItem("My data", "citizen-home", 0)],
    Persona.PLATFORM_STAFF: [],
}

PERSONA_LABELS = {
    Persona.ENTERPRISE: "Enterprise",
    Persona.REGULATOR: "Regulator",
    Persona.INDUSTRY_BODY: "Industry body",
    Persona.CITIZEN: "Citizen",
    Persona.PLATFORM_STAFF: "Platform staff",
}

LANDING_URL_NAMES = {
    Persona.ENTERPRISE: "enterprise-home",
    Persona.REGULATOR: "regulator-home",
    Persona.INDUSTRY_BODY: "industry-home",
    Persona.CITIZEN: "citizen-home",
    Persona.PLATFORM_STAFF: "admin:index",
}


def nav_add(persona: str, label: str, url_name: str, order: int = 100) -> None:
    items = _NAV[persona]
    if all(item.url_name != url_name for item in items):
        items.append(NavItem(label, url_name, order))
        items.sort(key=lambda item: item.order)


def nav_for(persona: str) -> list[NavItem]:
    return list(_NAV.get(persona, []))
