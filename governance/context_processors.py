from typing import Any

from django.http import HttpRequest

from governance.navigation import PERSONA_LABELS, nav_for
from governance.permissions import personas_of
from governance.platform.notifications import notifications_unread_count


def persona(request: HttpRequest) -> dict[str, Any]:
    """Every page knows the user's personas and the navigation of each."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    personas = personas_of(user)
    sections = [
        {"persona": p, "label": PERSONA_LABELS.get(p, ""), "items": nav_for(p)}
        for p in personas
        if nav_for(p)
    ]
    return {"personas": personas, "nav_sections": sections,
            "notifications_unread": notifications_unread_count(user=user)}
