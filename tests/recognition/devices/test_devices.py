"""Edge devices in-process: registration, signed requests, permits, orders and their
certificates, pushed logs, per-device template spaces, and the refusal of central enrolment."""

import datetime as dt
import hashlib
import time

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from rest_framework.test import APIClient

from governance.models import DeletionCertificate, DeploymentStatus
from governance.services.retention import overdue_by_category
from recognition import edge_protocol as proto
from recognition.models import (
    Device,
    DeviceNonce,
    DeviceOrder,
    DeviceRefusal,
    DeviceStatus,
    DeviceSubject,
    Outcome,
    RecognitionEvent,
    VaultSubject,
)
from recognition.services.devices import (
    device_orders_sweep,
    device_transform,
    platform_key,
)
from recognition.services.recognition import purge_handler
from tests.effects import snapshot
from tests.recognition.devices.conftest import log_events

pytestmark = pytest.mark.django_db


def _keys():
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return (proto.public_key_b64(Ed25519PrivateKey.generate()),
            proto.public_key_b64(X25519PrivateKey.generate()))


# --- registration ------------------------------------------------------------------------------


def test_an_admin_registers_a_device_by_its_public_keys_only(world, gate):
    public, encryption = _keys()
    client = APIClient()
    client.force_authenticate(world.acme_admin)
    response = client.post(f"/api/v1/deployments/{gate.id}/devices/",
                           {"name": "Gate A", "place": "Block A, north door",
                            "public_key": public, "encryption_key": encryption}, format="json")
    assert response.status_code == 201, response.content
    device = Device.objects.get()
    assert (device.public_key, device.status, device.key_id) == (
        public, DeviceStatus.ACTIVE, proto.key_id(public))
    listed = client.get(f"/api/v1/deployments/{gate.id}/devices/").json()
    assert [d["name"] for d in listed] == ["Gate A"]
    assert listed[0]["pending_orders"] == 0


@pytest.mark.parametrize("persona", ["acme_operator", "other_admin", "inspector"])
def test_only_the_deployments_admin_registers_devices(world, gate, persona):
    public, encryption = _keys()
    client = APIClient()
    client.force_authenticate(world.user(persona))
    response = client.post(f"/api/v1/deployments/{gate.id}/devices/",
                           {"name": "Gate A", "public_key": public,
                            "encryption_key": encryption}, format="json")
    assert response.status_code in (403, 404)
    assert not Device.objects.exists()


def test_a_malformed_or_reused_key_is_refused_and_nothing_stored(world, gate, signed_device):
    existing = signed_device()
    client = APIClient()
    client.force_authenticate(world.acme_admin)
    _, encryption = _keys()
    bad = client.post(f"/api/v1/deployments/{gate.id}/devices/",
                      {"name": "X", "public_key": "not-a-key", "encryption_key": encryption},
                      format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_key")
    reused = client.post(f"/api/v1/deployments/{gate.id}/devices/",
                         {"name": "X", "public_key": existing.device.public_key,
                          "encryption_key": encryption}, format="json")
    assert (reused.status_code, reused.json()["code"]) == (409, "key_taken")
    assert Device.objects.count() == 1


# --- signed requests ---------------------------------------------------------------------------


def test_a_signed_poll_gives_a_permit_the_device_can_check_offline(signed_device, gate):
    device = signed_device()
    response = device.poll()
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["operating"] is True and body["platform_key"] == platform_key()
    permit = body["permit"]
    assert proto.verify(body["platform_key"],
                        proto.signed_message(proto.DOMAIN_PERMIT, permit["payload"]),
                        permit["signature"])
    expires = dt.datetime.fromisoformat(permit["payload"]["expires_at"])
    assert dt.timedelta(seconds=800) < expires - timezone.now() <= dt.timedelta(seconds=900)
    # The template-space secret opens only with the device's own X25519 key.
    secret = proto.open_secret(private=device.encryption, sealed=body["sealed_secret"],
                               device_id=device.device.id, version=1)
    vector = np.random.default_rng(1).standard_normal(128).astype(np.float32)
    assert np.allclose(device_transform(device=device.device).apply(vector),
                       __import__("recognition.vault.crypto", fromlist=["x"])
                       .TemplateTransform(secret).apply(vector))
    assert Device.objects.get().last_contact_at is not None


@pytest.mark.parametrize("attack", ["forged", "stale", "replayed", "unknown_device"])
def test_forged_stale_replayed_requests_are_refused_recorded_and_store_nothing(
        signed_device, consent, gate, attack):
    device = signed_device()
    consent(gate, "alice")
    path, payload = "/api/v1/edge/permits/", {"subject_ref": "alice",
                                              "purpose": "access_control"}
    if attack == "replayed":
        first = device.post(path, payload, nonce="a1b2c3d4e5f6")
        assert first.status_code == 201
    before = snapshot([DeviceSubject, RecognitionEvent, DeviceOrder])
    if attack == "forged":
        response = device.post(path, payload, key=Ed25519PrivateKey.generate())
    elif attack == "stale":
        response = device.post(path, payload, timestamp=int(time.time()) - 3600)
    elif attack == "replayed":
        response = device.post(path, payload, nonce="a1b2c3d4e5f6")
    else:
        device.device.id = 99999
        response = device.post(path, payload)
    codes = {"forged": "device_signature_invalid", "stale": "device_timestamp_stale",
             "replayed": "device_nonce_replayed", "unknown_device": "device_unknown"}
    assert (response.status_code, response.json()["code"]) == (401, codes[attack])
    assert DeviceRefusal.objects.filter(code=codes[attack]).count() == 1
    assert snapshot([DeviceSubject, RecognitionEvent, DeviceOrder]) == before


def test_a_retired_device_is_refused_and_recorded(world, signed_device):
    device = signed_device()
    client = APIClient()
    client.force_authenticate(world.acme_admin)
    assert client.post(f"/api/v1/devices/{device.device.id}/retire/").status_code == 200
    response = device.poll()
    assert (response.status_code, response.json()["code"]) == (403, "device_retired")
    assert DeviceRefusal.objects.filter(code="device_retired").exists()
    assert not DeviceNonce.objects.exists()


def test_a_suspended_device_stops_at_its_next_contact_but_still_gets_orders(world,
                                                                             signed_device):
    device = signed_device()
    client = APIClient()
    client.force_authenticate(world.acme_admin)
    response = client.post(f"/api/v1/devices/{device.device.id}/suspend/")
    assert response.json()["status"] == "suspended"
    body = device.poll().json()
    assert (body["operating"], body["reason"], body["permit"]) == (False, "device_suspended",
                                                                   None)
    assert [o["kind"] for o in body["orders"]] == ["stop"]
    assert device.ack(body["orders"][0], result="stopped", templates=0).status_code == 200
    assert device.post("/api/v1/edge/permits/", {"subject_ref": "a",
                                                 "purpose": "access_control"}
                       ).json()["code"] == "device_suspended"


def test_a_suspended_deployment_stops_its_devices(signed_device, gate):
    device = signed_device()
    gate.status = DeploymentStatus.SUSPENDED
    gate.save(update_fields=["status"])
    body = device.poll().json()
    assert (body["operating"], body["reason"]) == (False, "deployment_not_active")


# --- permits -----------------------------------------------------------------------------------


def test_the_policy_gate_refuses_a_permit_without_consent_and_the_refusal_names_the_device(
        signed_device):
    device = signed_device()
    response = device.post("/api/v1/edge/permits/", {"subject_ref": "bob",
                                                     "purpose": "access_control"})
    assert response.status_code == 403
    event = RecognitionEvent.objects.get()
    assert (event.outcome, event.device_id, event.subject_ref) == (
        Outcome.REFUSED, device.device.id, "bob")
    assert event.refusal_code == response.json()["code"]
    assert not DeviceSubject.objects.exists()


def test_a_permit_is_signed_short_lived_and_counts_the_person_on_the_device(
        signed_device, consent, gate):
    device = signed_device()
    consent(gate, "alice")
    response = device.post("/api/v1/edge/permits/", {"subject_ref": "alice",
                                                     "purpose": "access_control"})
    assert response.status_code == 201
    permit = response.json()
    assert proto.verify(platform_key(), proto.signed_message(proto.DOMAIN_PERMIT,
                                                             permit["payload"]),
                        permit["signature"])
    row = DeviceSubject.objects.get()
    assert (row.device_id, row.subject_ref) == (device.device.id, "alice")
    assert row.delete_after is not None


# --- orders, acknowledgements, certificates ----------------------------------------------------


def _enrolled(device, consent, gate, ref="alice"):
    consent(gate, ref)
    assert device.post("/api/v1/edge/permits/", {"subject_ref": ref,
                                                 "purpose": "access_control"}
                       ).status_code == 201


def test_withdrawal_orders_deletion_and_the_signed_ack_becomes_a_certificate_once(
        signed_device, consent, gate):
    device = signed_device()
    _enrolled(device, consent, gate)
    purge_handler(deployment_id=gate.id, subject_ref="alice", reason="consent_withdrawn")
    purge_handler(deployment_id=gate.id, subject_ref="alice", reason="consent_withdrawn")
    orders = device.poll().json()["orders"]
    assert [(o["kind"], o["subject_ref"]) for o in orders] == [("delete_subject", "alice")]
    assert proto.verify(platform_key(), proto.signed_message(proto.DOMAIN_ORDER, {
        k: v for k, v in orders[0].items() if k != "signature"}), orders[0]["signature"])
    first = device.ack(orders[0])
    assert first.status_code == 200, first.content
    certificate = DeletionCertificate.objects.get()
    assert first.json()["certificate"] == certificate.reference
    assert "Gate A" in certificate.description and certificate.trigger == "consent_withdrawal"
    order = DeviceOrder.objects.get()
    proof = hashlib.sha256(proto.signed_message(proto.DOMAIN_ACK, order.ack)
                           + order.ack_signature.encode()).hexdigest()
    assert proof in certificate.description  # the chained certificate commits to the ack
    assert proto.verify(device.device.public_key,
                        proto.signed_message(proto.DOMAIN_ACK, order.ack), order.ack_signature)
    assert certificate.count == 1 and len(certificate.subject_hashes) == 1
    # A repeated acknowledgement (the device restarted before seeing the answer) is no-op.
    again = device.ack(orders[0], executed_at="2026-12-01T10:05:00+00:00")
    assert again.json()["certificate"] == certificate.reference
    assert DeletionCertificate.objects.count() == 1
    assert not DeviceSubject.objects.exists()
    assert device.poll().json()["orders"] == []


def test_an_ack_for_an_order_never_sent_or_badly_signed_is_refused_and_recorded(
        signed_device, consent, gate):
    device, other = signed_device(), signed_device(name="Gate B")
    _enrolled(device, consent, gate)
    purge_handler(deployment_id=gate.id, subject_ref="alice", reason="deletion_request")
    order = device.poll().json()["orders"][0]
    stolen = other.ack(order)  # another device acknowledging this device's order
    assert (stolen.status_code, stolen.json()["code"]) == (404, "order_unknown")
    never = device.ack({**order, "order_id": 424242})
    assert (never.status_code, never.json()["code"]) == (404, "order_unknown")
    forged = device.ack(order, result="kept")
    assert (forged.status_code, forged.json()["code"]) == (400, "ack_invalid")
    assert DeviceRefusal.objects.filter(code__in=["order_unknown", "ack_invalid"]).count() == 3
    assert not DeletionCertificate.objects.exists()
    assert DeviceOrder.objects.get().acknowledged_at is None


def test_unacknowledged_orders_past_deadline_are_overdue_retention_and_an_alert(
        world, signed_device, consent, gate, client):
    device = signed_device()
    _enrolled(device, consent, gate)
    purge_handler(deployment_id=gate.id, subject_ref="alice", reason="consent_withdrawn")
    assert overdue_by_category()["device_deletion_order"] == 0
    DeviceOrder.objects.update(deadline_at=timezone.now() - dt.timedelta(minutes=1))
    assert overdue_by_category()["device_deletion_order"] == 1
    report = device_orders_sweep()
    assert (report.overdue, report.alerted) == (1, 1)
    for user in (world.acme_admin, world.inspector):
        client.force_login(user)
        page = client.get("/enterprise/" if user == world.acme_admin else "/regulator/")
        assert "Device orders overdue" in page.content.decode()
    client.force_login(world.acme_admin)
    page = client.get(f"/recognition/deployments/{gate.id}/devices/").content.decode()
    assert "Gate A" in page and "waiting" in page


def test_the_sweep_orders_deletion_of_people_past_their_retention(signed_device, consent,
                                                                    gate):
    device = signed_device()
    _enrolled(device, consent, gate)
    assert device_orders_sweep().issued == 0
    DeviceSubject.objects.update(delete_after=timezone.now() - dt.timedelta(seconds=1))
    assert device_orders_sweep().issued == 1
    assert device_orders_sweep().issued == 0  # the open order stands
    assert DeviceOrder.objects.get().subject_ref == "alice"


# --- the pushed event log ----------------------------------------------------------------------


def test_a_pushed_log_is_verified_and_stored_as_the_deployments_events(signed_device, consent,
                                                                         gate):
    device = signed_device()
    _enrolled(device, consent, gate)
    push = log_events(device.device.id, device.key, [
        {"operation": "enroll", "outcome": "enrolled", "subject_ref": "alice"},
        {"operation": "verify", "outcome": "match", "subject_ref": "alice", "distance": 0.3,
         "threshold": 0.6},
    ])
    response = device.post("/api/v1/edge/events/", push)
    assert response.status_code == 201, response.content
    events = list(RecognitionEvent.objects.filter(device=device.device).order_by("sequence"))
    assert [(e.operation, e.outcome) for e in events] == [("enroll", "enrolled"),
                                                          ("verify", "match")]
    assert DeviceSubject.objects.get().enrolled_at is not None
    # The next push continues the chain.
    more = log_events(device.device.id, device.key,
                      [{"operation": "identify", "outcome": "match", "matched_refs": ["alice"]}],
                      start=2, head=push["events"][-1]["hash"])
    assert device.post("/api/v1/edge/events/", more).status_code == 201
    assert RecognitionEvent.objects.filter(device=device.device).count() == 3


@pytest.mark.parametrize("fault", ["gap", "broken_link", "altered", "unsigned"])
def test_a_log_with_a_gap_or_broken_link_is_refused_recorded_and_nothing_stored(
        signed_device, fault):
    device = signed_device()
    push = log_events(device.device.id, device.key, [
        {"operation": "verify", "outcome": "no_match", "subject_ref": "a"},
        {"operation": "verify", "outcome": "match", "subject_ref": "a"},
    ])
    if fault == "gap":
        push = log_events(device.device.id, device.key,
                          [{"operation": "verify", "outcome": "match"}], start=3)
    elif fault == "broken_link":
        push["events"][1]["previous_hash"] = "f" * 64
    elif fault == "altered":
        push["events"][0]["outcome"] = "match"
    else:
        push["head_signature"] = proto.sign(Ed25519PrivateKey.generate(), b"x")
    response = device.post("/api/v1/edge/events/", push)
    assert response.status_code == 409
    assert response.json()["code"] in {"event_log_gap", "event_log_broken",
                                       "event_log_signature"}
    assert DeviceRefusal.objects.filter(code=response.json()["code"]).count() == 1
    assert not RecognitionEvent.objects.exists()
    assert Device.objects.get().event_sequence == 0


# --- template spaces and central enrolment -----------------------------------------------------


def test_each_device_and_version_has_its_own_template_space(signed_device):
    a, b = signed_device().device, signed_device(name="Gate B").device
    vector = np.random.default_rng(7).standard_normal(128).astype(np.float32)
    spaces = [device_transform(device=a).apply(vector), device_transform(device=b).apply(vector),
              device_transform(device=a, version=2).apply(vector)]
    for i in range(3):
        for j in range(i + 1, 3):
            assert np.linalg.norm(spaces[i] - spaces[j]) > 0.5
    assert np.allclose(device_transform(device=a).apply(vector), spaces[0])  # deterministic


def test_an_on_device_deployment_refuses_central_enrolment_and_stores_nothing(
        world, gate, consent, read_face):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from recognition.services.apikeys import api_key_create

    consent(gate, "alice")
    _, raw = api_key_create(deployment=gate, name="camera", actor=world.acme_admin)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    photo = SimpleUploadedFile("a.jpg", read_face("people/obama/obama_1.jpg"),
                               content_type="image/jpeg")
    response = client.post("/api/v1/recognition/enroll/", {
        "subject_ref": "alice", "purpose": "access_control", "image": photo},
        format="multipart")
    assert (response.status_code, response.json()["code"]) == (409, "storage_on_device")
    assert not VaultSubject.objects.exists()
    assert RecognitionEvent.objects.get().refusal_code == "storage_on_device"


def test_the_register_says_templates_stay_on_the_devices(signed_device, gate, client):
    from governance.selectors.register import register_entry

    signed_device()
    page = client.get(f"/register/{gate.id}/").content.decode()
    assert "runs on 1 device, and people" in page and "FaceGov holds none of them" in page
    assert register_entry(gate)["devices"] == {"devices": 1, "operating": 1,
                                               "templates_stay_on_devices": True}
    api = client.get(f"/api/v1/register/{gate.id}/").json()
    assert api["devices"]["templates_stay_on_devices"] is True


@pytest.mark.parametrize(("persona", "sees"), [("acme_admin", True), ("acme_operator", True),
                                               ("inspector", True), ("other_admin", False),
                                               ("citizen", False)])
def test_the_devices_page_shows_status_contact_and_orders_to_whom_it_may(
        world, signed_device, consent, gate, client, persona, sees):
    device = signed_device()
    _enrolled(device, consent, gate)
    device.poll()
    device.post("/api/v1/edge/poll/", key=Ed25519PrivateKey.generate())  # forged: recorded
    purge_handler(deployment_id=gate.id, subject_ref="alice", reason="consent_withdrawn")
    client.force_login(world.user(persona))
    response = client.get(f"/recognition/deployments/{gate.id}/devices/")
    if not sees:
        assert response.status_code in (403, 404)
        return
    page = response.content.decode()
    assert "Gate A" in page and "Active" in page
    assert "Delete a person&#x27;s templates" in page and "waiting" in page
    assert ("Suspend" in page) == (persona == "acme_admin")
    assert "does not verify with this device" in page


def test_the_admin_suspends_a_device_from_its_page(world, signed_device, gate, client):
    device = signed_device()
    client.force_login(world.acme_admin)
    client.post(f"/recognition/deployments/{gate.id}/devices/",
                {"device": device.device.id, "action": "suspend"})
    assert Device.objects.get().status == DeviceStatus.SUSPENDED
    assert DeviceOrder.objects.get().kind == "stop"


def test_the_agent_rotates_its_gallery_into_the_next_space_and_the_ack_records_it(
        world, signed_device, tmp_path):
    """The agent's rotation, in-process (no platform call): every template moves from the
    device's space v1 to v2, which the platform derives the same way."""
    import base64

    from edge_agent.agent import Agent, _decode, _empty_state, _encode, init_keys
    from recognition.services.devices import _sealed_secret, device_rotate

    keys = init_keys(tmp_path / "edge")
    device = signed_device().device
    device.public_key, device.encryption_key = keys["public_key"], keys["encryption_key"]
    device.save(update_fields=["public_key", "encryption_key"])
    agent = Agent(data_dir=tmp_path / "edge", platform="http://127.0.0.1:9", device_id=device.id)
    vector = np.random.default_rng(3).standard_normal(128).astype(np.float32)
    state = _empty_state(device.id)
    state["secret"] = base64.b64encode(proto.open_secret(
        private=agent.encryption, sealed=_sealed_secret(device, 1), device_id=device.id,
        version=1)).decode()
    state["transform_version"] = 1
    state["gallery"]["alice"] = [_encode(device_transform(device=device).apply(vector))]
    order = device_rotate(device=device, actor=world.acme_admin)
    entry = {"kind": "rotate", "transform_version": 2,
             "sealed_secret": _sealed_secret(device, 2)}
    assert agent._carry_out(state, entry) == ("rotated", 1)
    assert np.allclose(_decode(state["gallery"]["alice"][0]),
                       device_transform(device=device, version=2).apply(vector), atol=1e-5)
    ack = {"order_id": order.id, "device_id": device.id, "kind": "rotate", "subject_ref": "",
           "result": "rotated", "templates": 1, "executed_at": "2026-12-01T10:00:00+00:00"}
    from recognition.services.devices import device_order_ack

    device_order_ack(device=device, order_id=order.id, ack=ack,
                     signature=proto.sign(agent.signing,
                                          proto.signed_message(proto.DOMAIN_ACK, ack)))
    assert Device.objects.get(pk=device.pk).transform_version == 2


def test_the_device_sweep_runs_on_the_beat_schedule(signed_device, consent, gate):
    from django.conf import settings

    from recognition.tasks import device_orders_sweep_task

    entry = settings.CELERY_BEAT_SCHEDULE["device-orders-sweep"]
    assert entry["task"] == device_orders_sweep_task.name
    device = signed_device()
    _enrolled(device, consent, gate)
    DeviceSubject.objects.update(delete_after=timezone.now() - dt.timedelta(seconds=1))
    assert device_orders_sweep_task.run()["issued"] == 1


def test_a_legal_hold_keeps_the_person_on_the_device_until_it_ends(world, signed_device,
                                                                     consent, gate):
    from governance.services.retention import legal_hold_place, legal_hold_release

    device = signed_device()
    _enrolled(device, consent, gate)
    hold = legal_hold_place(actor=world.inspector, deployment=gate, reason="Investigation",
                            subject_ref="alice",
                            expires_at=timezone.now() + dt.timedelta(days=30))
    purge_handler(deployment_id=gate.id, subject_ref="alice", reason="consent_withdrawn")
    assert device_orders_sweep().issued == 0 and not DeviceOrder.objects.exists()
    legal_hold_release(hold=hold, actor=world.inspector)
    assert device_orders_sweep().issued == 1
    assert DeviceOrder.objects.get().trigger == "consent_withdrawal"
