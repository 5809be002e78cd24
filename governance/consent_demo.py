"""Demo data for consent and rights: alice has consented to Acme's residential gate and has
one open access request. Idempotent; the registry branch seeds the same deployment by name."""

from django.utils import timezone

from governance.demo import ACME
from governance.models import (
    Consent,
    Deployment,
    DeploymentNotice,
    DeploymentStatus,
    Interest,
    Mode,
    Organisation,
    PlaceType,
    Purpose,
    RequestType,
    RightsRequest,
    Scenario,
    User,
)
from governance.purposes import PURPOSE_TAXONOMY
from governance.services.consent import consent_give
from governance.services.rights import rights_request_file

GATE = "Residential gate — Block A"
GATE_NOTICE = ("Acme recognises residents' faces at the Block A gate to open it. Templates stay "
               "on the gate device. You may refuse and use your resident card instead, and "
               "withdraw at any time in FaceGov; your template is then deleted at once.")


def _purpose(code: str) -> Purpose:
    # The taxonomy comes from a data migration, which transactional tests flush away.
    name, description = next((n, d) for c, n, d in PURPOSE_TAXONOMY if c == code)
    purpose, _ = Purpose.objects.get_or_create(code=code, defaults={
        "name": name, "description": description})
    return purpose


def _gate(acme: Organisation) -> Deployment:
    gate, _ = Deployment.objects.get_or_create(
        organisation=acme, name=GATE,
        defaults={"scenario": Scenario.ACCESS_CONTROL, "mode": Mode.VERIFICATION,
                  "place_type": PlaceType.RESIDENTIAL_COMMUNITY, "interest": Interest.PRIVATE,
                  "location": "Block A, Demo Province", "status": DeploymentStatus.ACTIVE,
                  "non_face_alternative": "Resident card or a call to the gatehouse."})
    if not gate.purposes.exists():
        gate.purposes.set([_purpose("access_control")])
    if not gate.notices.filter(published_at__isnull=False).exists():
        DeploymentNotice.objects.create(deployment=gate, version=1, text=GATE_NOTICE,
                                        published_at=timezone.now())
    return gate


def seed_consent_demo(*, password: str) -> list[str]:
    acme = Organisation.objects.filter(name=ACME).first()
    alice = User.objects.filter(username="alice").first()
    if acme is None or alice is None:
        return []
    gate = _gate(acme)
    if gate.status != DeploymentStatus.ACTIVE:
        return [f"  (skipped consent demo: {GATE} is {gate.status})"]
    if not Consent.objects.filter(deployment=gate, citizen=alice).exists():
        consent_give(deployment=gate, actor=alice, purposes=["access_control"],
                     method="in_app_explicit",
                     evidence={"time": timezone.now().isoformat(), "ip": "127.0.0.1",
                               "user_agent": "seed_demo"})
    if not RightsRequest.objects.filter(citizen=alice, deployment=gate).exists():
        rights_request_file(citizen=alice, deployment=gate, type=RequestType.ACCESS,
                            details="Please send me everything you hold about me.")
    return [f"  alice consented to {GATE} and has an open access request"]
