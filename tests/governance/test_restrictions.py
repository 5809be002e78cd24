"""A granted restriction request stops recognition of the person (`restricted`) until the
operator lifts it, with a reason the person is told."""

import pytest

from governance.errors import PolicyRefusal
from governance.models import ProcessingRestriction, RightsRequestEvent
from governance.services.policy import policy_check
from governance.services.rights import (
    rights_request_file,
    rights_request_fulfil,
    rights_restriction_lift,
)
from recognition.models import RecognitionEvent, Template
from recognition.services.recognition import Caller, recognition_enroll


def gate_answer(deployment, subject_ref) -> str:
    decision = policy_check(deployment=deployment, subject_ref=subject_ref,
                            purpose="access_control", operation="verify")
    return "allowed" if decision.allowed else decision.code


@pytest.fixture
def restriction(world, gate, citizen_consent):
    return rights_request_file(citizen=world.citizen, deployment=gate, type="restriction",
                               details="I contest the accuracy of the matches.")


def test_a_fulfilled_restriction_makes_the_gate_refuse_and_lifting_it_re_enables(
        world, gate, citizen_consent, restriction):
    ref = citizen_consent.subject_ref
    assert gate_answer(gate, ref) == "allowed"
    rights_request_fulfil(request=restriction, actor=world.acme_admin,
                          response="Processing is restricted while we check.")
    in_force = ProcessingRestriction.objects.get()
    assert (in_force.deployment, in_force.subject_ref, in_force.lifted_at) == (gate, ref, None)
    assert gate_answer(gate, ref) == "restricted"
    assert gate_answer(gate, "someone-else") != "restricted"
    rights_restriction_lift(request=restriction, actor=world.acme_admin,
                            reason="The matches were checked and are accurate.")
    assert gate_answer(gate, ref) == "allowed"
    in_force.refresh_from_db()
    assert in_force.lift_reason == "The matches were checked and are accurate."
    assert RightsRequestEvent.objects.filter(
        request=restriction, note__startswith="Restriction lifted").count() == 1


def test_recognition_of_a_restricted_person_is_refused_and_logged(
        world, gate, citizen_consent, restriction, faces_dir):
    rights_request_fulfil(request=restriction, actor=world.acme_admin, response="Restricted.")
    with pytest.raises(PolicyRefusal) as refused:
        recognition_enroll(caller=Caller(deployment=gate, api_key=None),
                           subject_ref=citizen_consent.subject_ref, purpose="access_control",
                           image=(faces_dir / "people/obama/obama_1.jpg").read_bytes())
    assert refused.value.code == "restricted"
    assert RecognitionEvent.objects.get().refusal_code == "restricted"
    assert not Template.objects.exists()


def test_lifting_needs_a_reason_and_changes_nothing_without(world, gate, citizen_consent,
                                                            restriction, api_as):
    rights_request_fulfil(request=restriction, actor=world.acme_admin, response="Restricted.")
    client = api_as(world.acme_admin)
    url = f"/api/v1/requests/{restriction.id}/lift-restriction/"
    refused = client.post(url, {"reason": " "}, format="json")
    assert refused.status_code == 400
    assert gate_answer(gate, citizen_consent.subject_ref) == "restricted"
    lifted = client.post(url, {"reason": "Checked."}, format="json")
    assert lifted.status_code == 200
    assert lifted.json()["restrictions"][0]["lift_reason"] == "Checked."
    again = client.post(url, {"reason": "Again."}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "restriction_not_in_force")


@pytest.mark.parametrize(("persona", "status"), [("citizen", 403), ("acme_operator", 403),
                                                 ("inspector", 403), ("other_admin", 404)])
def test_only_the_operators_rights_handlers_lift(world, gate, citizen_consent, restriction,
                                                 api_as, persona, status):
    rights_request_fulfil(request=restriction, actor=world.acme_admin, response="Restricted.")
    response = api_as(world.user(persona)).post(
        f"/api/v1/requests/{restriction.id}/lift-restriction/", {"reason": "Mine."},
        format="json")
    assert response.status_code == status
    assert gate_answer(gate, citizen_consent.subject_ref) == "restricted"
