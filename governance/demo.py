"""Demo data, in seeders that run in order. Every seeder is idempotent (get-or-create).

Apps add their seeders with `register_seeder(order, func)` in AppConfig.ready(); a seeder
takes the demo password and returns lines to print.
"""

from collections.abc import Callable

from governance.models import Organisation, OrganisationKind, Role, User
from governance.services.accounts import (
    industry_membership_add,
    membership_add,
    organisation_create,
)

Seeder = Callable[..., list[str]]
_SEEDERS: list[tuple[int, Seeder]] = []

ACME = "Acme Property Management"
REGULATOR = "Cyberspace Administration — Demo Province"
ASSOCIATION = "Face Recognition Industry Association"
DEMO_REGION = "Demo Province"


def register_seeder(order: int, seeder: Seeder) -> None:
    if seeder not in [s for _, s in _SEEDERS]:
        _SEEDERS.append((order, seeder))
        _SEEDERS.sort(key=lambda pair: pair[0])


def run_seeders(*, password: str) -> list[str]:
    lines: list[str] = []
    for _, seeder in _SEEDERS:
        lines.extend(seeder(password=password))
    return lines


def demo_user(username: str, password: str, *, email: str = "") -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created or not user.check_password(password):
        user.set_password(password)
        user.save()
    return user


def demo_organisation(name: str, kind: str, region: str = DEMO_REGION) -> Organisation:
    existing = Organisation.objects.filter(name=name).first()
    return existing or organisation_create(name=name, kind=kind, region=region)


def seed_organisations(*, password: str) -> list[str]:
    from governance.models import CitizenProfile

    acme = demo_organisation(ACME, OrganisationKind.ENTERPRISE)
    regulator = demo_organisation(REGULATOR, OrganisationKind.REGULATOR)
    association = demo_organisation(ASSOCIATION, OrganisationKind.INDUSTRY_BODY, region="")
    people = [
        ("acme_admin", acme, Role.ADMIN),
        ("reg_inspector", regulator, Role.INSPECTOR),
        ("reg_supervisor", regulator, Role.SUPERVISOR),
        ("assoc_auditor", association, Role.AUDITOR),
    ]
    for username, organisation, role in people:
        membership_add(organisation=organisation, user=demo_user(username, password), role=role)
    industry_membership_add(industry_body=association, enterprise=acme)
    alice = demo_user("alice", password, email="alice@example.org")
    CitizenProfile.objects.get_or_create(user=alice, defaults={"display_name": "Alice"})
    return [f"  {username:<15} {role} at {org.name}" for username, org, role in people] + [
        "  alice           citizen"
    ]


register_seeder(0, seed_organisations)


def seed_industry(*, password: str) -> list[str]:
    """Issue 12: the association publishes the shipped convention, Acme pledges to it, and
    one audit of Acme is in progress with the platform's probes answered."""
    from governance.conventions.library import SHIPPED_LIBRARY
    from governance.models import Audit, AuditStatus, IndustryMembership
    from governance.services.industry import (
        audit_create,
        audit_run_probes,
        audit_transition,
        convention_publish,
        credit_recompute,
        pledge_sign,
    )

    association = Organisation.objects.get(name=ASSOCIATION)
    acme = Organisation.objects.get(name=ACME)
    auditor = User.objects.get(username="assoc_auditor")
    admin = User.objects.get(username="acme_admin")
    convention = convention_publish(industry_body=association, actor=auditor,
                                    source=SHIPPED_LIBRARY.read_bytes())
    membership = IndustryMembership.objects.get(industry_body=association, enterprise=acme)
    pledge_sign(membership=membership, convention=convention, actor=admin)
    name = "2026 convention audit — Acme"
    audit = Audit.objects.filter(organisation=acme, name=name).first()
    if audit is None:
        audit = audit_create(actor=auditor, organisation=acme, convention=convention, name=name)
    if audit.status == AuditStatus.PLANNED:
        audit_transition(audit=audit, action="start", actor=auditor)
    if audit.status == AuditStatus.IN_PROGRESS and not audit.evidence.exists():
        audit_run_probes(audit=audit, actor=auditor)
    credit_recompute(organisation=acme, reason="demo")
    return [f"  {convention.name} v{convention.version} published; Acme pledged; "
            f"audit “{name}” {audit.get_status_display().lower()} "
            f"({audit.evidence.count()} probe answers)"]


register_seeder(90, seed_industry)
