"""Demo deployments for `seed_demo`: one running, one waiting for the regulator, one draft
that the rules engine refuses. Built through the services, so the demo shows real events."""

from governance.demo import ACME, register_seeder
from governance.errors import RuleViolations
from governance.models import Deployment, Organisation, User
from governance.purposes import purpose_taxonomy_ensure
from governance.services.assessments import impact_assessment_save
from governance.services.deployments import deployment_create, deployment_update
from governance.services.lifecycle import deployment_submit

ANSWERS = {
    "necessity": "more_effective", "lawful_basis": "documented", "scale": "under_1000",
    "vulnerable": "yes", "error_effect": "inconvenience", "encryption": "encrypted",
    "access": "role_based_logged", "residual_risk": "low",
    "necessity_summary": "Residents asked for hands-free entry; key cards are lost weekly.",
    "rights_summary": "Anyone may keep using the key card; children use cards only.",
    "security_summary": "Templates are encrypted on the gate device; access is logged.",
    "residual_summary": "Low: 1:1 verification on the device, consent-based.",
}

GATE = {
    "name": "Residential gate — Block A", "location": "Acme Gardens, Block A main entrance",
    "scenario": "access_control", "mode": "verification",
    "place_type": "residential_community", "interest": "private", "expected_subjects": 420,
    "non_face_alternative": "Residents keep their key card; the guard opens for visitors.",
    "requires_liveness": True,
}
METRO = {
    "name": "Metro Line 2 gates", "location": "Line 2, all 18 stations",
    "scenario": "transportation", "mode": "identification_realtime",
    "place_type": "transport_hub", "is_public_place": True, "has_signage": True,
    "interest": "public", "legal_basis": "public_security_law", "expected_subjects": 2_000_000,
    "non_face_alternative": "Every gate also takes tickets, transit cards and phones.",
    "two_person_confirmation": True, "requires_liveness": True,
}
HOTEL = {
    "name": "Hotel Lumen — room doors", "location": "Hotel Lumen, floors 2–9",
    "scenario": "access_control", "mode": "verification", "place_type": "hotel_room",
    "interest": "private", "non_face_alternative": "Guests get a key card at reception.",
}
LOG_RETENTION = [{"category": "recognition_event", "period_days": 183, "trigger": "collection"}]


def _admin() -> User:
    return User.objects.get(username="acme_admin")


def _make(acme: Organisation, fields: dict, purposes: list[str], notice: str) -> Deployment:
    existing = Deployment.objects.filter(organisation=acme, name=fields["name"]).first()
    if existing:
        return existing
    deployment = deployment_create(organisation=acme, actor=_admin(), fields=fields,
                                   purposes=purposes, retention_rules=LOG_RETENTION,
                                   notice_text=notice)
    impact_assessment_save(deployment=deployment, actor=_admin(), answers=ANSWERS)
    return deployment


def seed_deployments(*, password: str) -> list[str]:
    purpose_taxonomy_ensure()
    acme = Organisation.objects.get(name=ACME)
    gate = _make(acme, GATE, ["access_control"],
                 "Block A's gate opens for residents who consented to face recognition. "
                 "Templates stay on the gate; key cards always work.")
    if gate.status == "draft":
        # Set before it runs: a threshold changed in operation needs an evaluation at it
        # (governance/compliance/accuracy.py), which the demo does not run at seed time.
        deployment_update(deployment=gate, actor=_admin(), fields={"threshold": 0.55},
                          threshold_reason="Fewer false accepts in the first month's audit.")
        deployment_submit(deployment=gate, actor=_admin())
    metro = _make(acme, METRO, ["public_security", "passenger_flow"],
                  "Line 2 gates compare faces against a court-ordered watch list. "
                  "Matches are confirmed by two officers. Tickets and cards always work.")
    if metro.status == "draft":
        deployment_submit(deployment=metro, actor=_admin())
    hotel = _make(acme, HOTEL, ["access_control"], "Room doors open by face.")
    if hotel.status == "draft":
        try:
            deployment_submit(deployment=hotel, actor=_admin())
        except RuleViolations:
            pass  # the point of this draft: the rules engine refuses it, and it stays a draft
    return [f"  deployment      {d.name}: {d.status}"
            for d in Deployment.objects.filter(id__in=[gate.id, metro.id, hotel.id])]


def register() -> None:
    register_seeder(20, seed_deployments)
