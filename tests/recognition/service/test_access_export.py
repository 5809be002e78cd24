"""An access request's export lists the person's real recognition events: enrolled and verified
through the engine on a central deployment, read back through the recognition app's records
provider (no stub), and nobody else's."""

from governance.models import RightsExport
from governance.services.consent import consent_give
from governance.services.exports import rights_export_open
from governance.services.rights import rights_request_file, rights_request_fulfil
from recognition.models import RecognitionEvent
from tests.factories import CLICK, active_gate
from tests.recognition.service.conftest import BIDEN, OBAMA, OBAMA_2


def enrol_and_verify(device, upload, subject_ref, enrol_photo, verify_photo) -> list[int]:
    """Enrol then verify one subject through the device API; the two events' ids."""
    enrolled = device.post("/api/v1/recognition/enroll/",
                           {"subject_ref": subject_ref, "purpose": "access_control",
                            "image": upload(enrol_photo)}, format="multipart")
    assert enrolled.status_code == 201, enrolled.json()
    verified = device.post("/api/v1/recognition/verify/",
                           {"subject_ref": subject_ref, "purpose": "access_control",
                            "image": upload(verify_photo)}, format="multipart")
    assert verified.status_code == 200, verified.json()
    assert verified.json()["match"] is True
    return [enrolled.json()["event_id"], verified.json()["event_id"]]


def test_the_access_export_lists_the_persons_real_recognition_events_and_no_one_elses(
        world, device, upload, eager, django_capture_on_commit_callbacks):
    gate = active_gate(world.acme, name="Central gate", storage="central",
                       purposes=["access_control"])
    mine = consent_give(deployment=gate, actor=world.citizen, purposes=["access_control"],
                        central_storage=True, method="in_app_explicit", evidence=dict(CLICK))
    consent_give(deployment=gate, actor=world.acme_admin, subject_ref="visitor-9",
                 purposes=["access_control"], central_storage=True, method="in_app_explicit",
                 evidence=dict(CLICK))
    camera = device(gate)
    my_event_ids = enrol_and_verify(camera, upload, mine.subject_ref, OBAMA, OBAMA_2)
    their_event_ids = enrol_and_verify(camera, upload, "visitor-9", BIDEN, BIDEN)

    request = rights_request_file(citizen=world.citizen, deployment=gate, type="access")
    with django_capture_on_commit_callbacks(execute=True):
        rights_request_fulfil(request=request, actor=world.acme_admin)  # builds the export
    document = rights_export_open(export=RightsExport.objects.get(request=request))

    sequences = dict(RecognitionEvent.objects.values_list("id", "sequence"))
    rows = document["recognition_events"]
    assert [row["sequence"] for row in rows] == [sequences[i] for i in my_event_ids]
    assert [(row["operation"], row["outcome"], row["purpose"], row["deployment_id"])
            for row in rows] == [("enroll", "enrolled", "access_control", gate.id),
                                 ("verify", "match", "access_control", gate.id)]
    assert rows[1]["distance"] <= rows[1]["threshold"] == gate.threshold
    assert not {sequences[i] for i in their_event_ids} & {row["sequence"] for row in rows}
    assert "visitor-9" not in str(document)
