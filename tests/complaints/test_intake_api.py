"""Filing complaints and tips through the API: what is stored, what is answered, and that bad
input stores nothing."""

import io
import re

import pytest
from django.db import connection

from complaints.models import CaseKind, CaseLogEntry, Complaint, LogKind
from tests.complaints.conftest import stored_counts

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8"
       b"\xb4\x00\x00\x00\x00IEND\xaeB`\x82")


def upload(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def test_a_citizen_complaint_answers_the_fixed_fields_and_starts_the_24_hour_clock(
        world, gate, api_as):
    response = api_as(world.citizen).post("/api/v1/complaints/", {
        "deployment_id": gate.id, "category": "no_alternative",
        "description": "No card reader any more."}, format="json")
    assert response.status_code == 201, response.data
    body = response.json()
    assert {"id", "status", "priority", "triage_due"} <= set(body)
    complaint = Complaint.objects.get(id=body["id"])
    assert body["status"] == "received"
    assert complaint.complainant == world.citizen and complaint.regulator == world.regulator
    assert (complaint.triage_due - complaint.received_at).total_seconds() == 24 * 3600
    kinds = list(CaseLogEntry.objects.filter(complaint_id=complaint.id)
                 .order_by("sequence").values_list("kind", flat=True))
    assert kinds == [LogKind.RECEIVED, LogKind.ASSIGNED]


def test_the_complainants_identity_is_stored_sealed_not_readable(world, file_complaint):
    complaint = file_complaint()
    sealed = bytes(complaint.sealed_identity)
    assert sealed and world.citizen.username.encode() not in sealed
    assert world.citizen.email.encode() not in sealed


def test_a_tip_answers_a_16_digit_receipt_that_is_stored_nowhere(api, db, world):
    response = api.post("/api/v1/tips/", {
        "operator_name": "Riverside Mall", "place": "Riverside Mall, Demo Province",
        "category": "unregistered", "description": "Camera above the door."}, format="json")
    assert response.status_code == 201, response.data
    receipt = response.json()["receipt"]
    assert re.fullmatch(r"\d{16}", receipt)
    assert "id" not in response.json()
    tip = Complaint.objects.get()
    assert tip.kind == CaseKind.TIP and tip.complainant is None
    assert tip.receipt_hash.startswith("$argon2id$") and tip.region == "Demo Province"
    with connection.cursor() as cursor:  # the receipt is in no column of the row
        cursor.execute(f"SELECT * FROM {Complaint._meta.db_table}")  # noqa: S608
        assert all(receipt not in str(value) for value in cursor.fetchone())


def test_a_tip_with_a_photo_seals_the_file(api, db, world):
    response = api.post("/api/v1/tips/", {
        "operator_name": "Mall", "category": "no_signage", "description": "No sign.",
        "files": [upload("camera.png", PNG)]}, format="multipart")
    assert response.status_code == 201, response.data
    attachment = Complaint.objects.get().attachments.get()
    assert attachment.sealed.content_type == "image/png" and attachment.party == "tipster"
    assert attachment.sealed.uploaded_by is None


@pytest.mark.parametrize("files, status, code", [
    ([upload("huge.png", PNG + b"\0" * 11_000_000)], 413, "upload_too_large"),
    ([upload("photo.png", b"\x7fELF\x02\x01\x01" + bytes(range(256)))], 415,
     "upload_type_not_allowed"),
])
def test_a_refused_attachment_stores_nothing_of_the_tip(api, db, world, files, status, code):
    before = stored_counts()
    response = api.post("/api/v1/tips/", {
        "operator_name": "Mall", "category": "other", "description": "See the file.",
        "files": files}, format="multipart")
    assert response.status_code == status and response.json()["code"] == code
    assert stored_counts() == before


def test_an_unknown_deployment_is_a_404_with_a_code_and_stores_nothing(world, api_as, api):
    before = stored_counts()
    for client, path in ((api_as(world.citizen), "/api/v1/complaints/"), (api, "/api/v1/tips/")):
        response = client.post(path, {"deployment_id": 999999, "category": "other",
                                      "description": "x"}, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "deployment_not_found"
    assert stored_counts() == before


def test_a_draft_deployment_is_as_unknown_as_a_missing_one(world, api):
    from tests.factories import DeploymentFactory

    draft = DeploymentFactory(organisation=world.acme)
    response = api.post("/api/v1/tips/", {"deployment_id": draft.id, "category": "other",
                                          "description": "x"}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "deployment_not_found"


def test_a_tip_must_name_what_it_is_about(api, db, world):
    response = api.post("/api/v1/tips/", {"category": "other", "description": "x"},
                        format="json")
    assert response.status_code == 400 and response.json()["code"] == "target_required"
    assert not Complaint.objects.exists()


def test_only_a_citizen_can_file_a_signed_complaint(world, gate, api_as):
    before = stored_counts()
    response = api_as(world.acme_admin).post("/api/v1/complaints/", {
        "deployment_id": gate.id, "category": "other", "description": "x"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_a_citizen"
    assert stored_counts() == before


def test_an_unknown_category_is_refused_and_stores_nothing(world, gate, api_as):
    response = api_as(world.citizen).post("/api/v1/complaints/", {
        "deployment_id": gate.id, "category": "sorcery", "description": "x"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "validation_error"
    assert not Complaint.objects.exists()


def test_the_receipt_opens_its_own_tip_and_no_other(api, send_tip):
    first, receipt = send_tip(description="First tip.")
    send_tip(description="Second tip.")
    response = api.post("/api/v1/tips/status/", {"receipt": receipt}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "received"
    assert response.json()["category"] == first.category


@pytest.mark.parametrize("wrong", ["0000000000000000", "1234", "abcdefghijklmnop", ""])
def test_a_wrong_receipt_is_a_404_that_says_nothing_more(api, send_tip, wrong):
    _, receipt = send_tip()
    guess = wrong or ("1" if receipt[0] != "1" else "2") + receipt[1:]
    response = api.post("/api/v1/tips/status/", {"receipt": guess}, format="json")
    assert response.status_code in (404, 400)
    if response.status_code == 404:
        assert response.json() == {"code": "receipt_not_found",
                                   "detail": "No tip matches this receipt."}


def test_a_tip_with_the_same_receipt_prefix_still_opens_only_by_the_full_receipt(
        api, send_tip, settings):
    settings.FACEGOV_TIP_RECEIPT_INDEX_DIGITS = 0  # every tip in one bucket: all are verified
    first, receipt = send_tip(description="Mine.")
    send_tip(description="Someone else's.")
    response = api.post("/api/v1/tips/status/", {"receipt": receipt}, format="json")
    assert response.status_code == 200


def test_receipt_attempts_are_throttled_per_client(api, send_tip, settings):
    # The platform's throttles read the rates from settings at each request.
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**rates, "tip_receipt": "3/hour"}}
    send_tip()
    codes = [api.post("/api/v1/tips/status/", {"receipt": "1" * 16}, format="json").status_code
             for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_the_tip_endpoints_also_count_against_the_platforms_anonymous_limit(api, db, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**rates, "anon": "2/min"}}
    payload = {"operator_name": "Mall", "category": "other", "description": "x"}
    codes = [api.post("/api/v1/tips/", payload, format="json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert Complaint.objects.count() == 2


def test_tips_are_limited_globally(api, db, world, settings):
    settings.FACEGOV_TIP_GLOBAL_RATE = "2/hour"
    payload = {"operator_name": "Mall", "category": "other", "description": "x"}
    codes = [api.post("/api/v1/tips/", payload, format="json",
                      REMOTE_ADDR=f"198.51.100.{i}").status_code for i in range(3)]
    assert codes == [201, 201, 429]
    assert Complaint.objects.count() == 2


def test_the_tipster_answers_with_the_receipt_in_the_body(api, send_tip):
    tip, receipt = send_tip()
    response = api.post("/api/v1/tips/messages/", {"receipt": receipt, "body": "More: it is "
                                                   "on the 2nd floor too."}, format="json")
    assert response.status_code == 201
    message = tip.messages.get()
    assert message.party == "tipster" and message.author is None
    assert [m["body"] for m in response.json()["messages"]] == [message.body]
