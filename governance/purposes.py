"""The seeded purpose taxonomy. Recognition calls must name one of a deployment's purposes."""

PURPOSE_TAXONOMY: list[tuple[str, str, str]] = [
    ("identity_verification", "Identity verification",
     "Confirm that a person is who they claim to be (1:1)."),
    ("access_control", "Access control", "Let enrolled people through a gate or door."),
    ("payment_authentication", "Payment authentication", "Authorise a payment by face."),
    ("attendance", "Attendance", "Record that an enrolled person was present."),
    ("public_security", "Public security",
     "Identify persons of interest under a public-security legal basis."),
    ("passenger_flow", "Passenger flow", "Count and route passengers at transport hubs."),
    ("customer_analytics", "Customer analytics", "Analyse customers' visits to a business."),
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
