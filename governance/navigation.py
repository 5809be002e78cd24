"""Navigation per persona. Apps add their pages in AppConfig.ready() with `nav_add`,
so governance needs no knowledge of recognition or complaints pages."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from governance.permissions import Persona


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100


_NAV: dict[str, list[NavItem]] = {
    Persona.ANONYMOUS: [NavItem(_("Home"), "home", 0)],
    Persona.ENTERPRISE: [NavItem(_("Enterprise"), "enterprise-home", 0)],
    Persona.REGULATOR: [NavItem(_("Regulator"), "regulator-home", 0)],
    Persona.INDUSTRY_BODY: [NavItem(_("Industry body"), "industry-home", 0)],
    Persona.CITIZEN: [NavItem(_("My data"), "citizen-home", 0)],
    Persona.PLATFORM_STAFF: [],
}

PERSONA_LABELS = {
    Persona.ENTERPRISE: _("Enterprise"),
    Persona.REGULATOR: _("Regulator"),
    Persona.INDUSTRY_BODY: _("Industry body"),
    Persona.CITIZEN: _("Citizen"),
    Persona.PLATFORM_STAFF: _("Platform staff"),
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
