"""The seeded purpose taxonomy. Recognition calls must name one of a deployment's purposes.

The database keeps the English text; pages show it translated (gettext_noop marks it for the
catalogue; `{{ p.name|translated }}` or governance.labels.purpose_label at display time).
"""

from django.utils.translation import gettext_noop

PURPOSE_TAXONOMY: list[tuple[str, str, str]] = [
    ("identity_verification", gettext_noop("Identity verification"),
     gettext_noop("Confirm that a person is who they claim to be (1:1).")),
    ("access_control", gettext_noop("Access control"),
     gettext_noop("Let enrolled people through a gate or door.")),
    ("payment_authentication", gettext_noop("Payment authentication"),
     gettext_noop("Authorise a payment by face.")),
    ("attendance", gettext_noop("Attendance"),
     gettext_noop("Record that an enrolled person was present.")),
    ("public_security", gettext_noop("Public security"),
     gettext_noop("Identify persons of interest under a public-security legal basis.")),
    ("passenger_flow", gettext_noop("Passenger flow"),
     gettext_noop("Count and route passengers at transport hubs.")),
    ("customer_analytics", gettext_noop("Customer analytics"),
     gettext_noop("Analyse customers' visits to a business.")),
]


def purpose_taxonomy_ensure() -> None:
    """Put back any missing purpose of the taxonomy (the data migration seeds it; a flushed
    database — demo reset, transactional tests — loses it)."""
    from governance.models import Purpose

    if Purpose.objects.count() >= len(PURPOSE_TAXONOMY):
        return
    for code, name, description in PURPOSE_TAXONOMY:
        Purpose.objects.update_or_create(code=code,
                                         defaults={"name": name, "description": description})
