"""An on-device gate, devices registered with keys generated here, and a signed client."""

import json
import secrets
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from rest_framework.test import APIClient

from governance.services.consent import consent_give
from recognition import edge_protocol as proto
from recognition.services.devices import device_register
from tests.factories import CLICK, active_gate


@pytest.fixture
def gate(world):
    return active_gate(world.acme, name="Block A gate", purposes=["access_control"],
                       storage="on_device")


@pytest.fixture
def consent(world):
    def give(deployment, subject_ref, purposes=("access_control",)):
        return consent_give(deployment=deployment, actor=world.acme_admin,
                            subject_ref=subject_ref, purposes=list(purposes),
                            method="in_app_explicit", evidence=dict(CLICK))

    return give


class SignedDevice:
    """A device's keys and a client that signs each request as the agent does."""

    def __init__(self, device, key, encryption):
        self.device, self.key, self.encryption = device, key, encryption
        self.client = APIClient()

    def headers(self, method, path, body, *, timestamp=None, nonce=None, key=None):
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(16)
        message = proto.request_message(method=method, path=path, timestamp=timestamp,
                                        nonce=nonce, body=body)
        return {"HTTP_X_DEVICE_ID": str(self.device.id), "HTTP_X_DEVICE_TIMESTAMP": timestamp,
                "HTTP_X_DEVICE_NONCE": nonce,
                "HTTP_X_DEVICE_SIGNATURE": proto.sign(key or self.key, message)}

    def post(self, path, payload=None, **sign):
        body = b"" if payload is None else json.dumps(payload).encode()
        return self.client.generic("POST", path, body, content_type="application/json",
                                   **self.headers("POST", path, body, **sign))

    def poll(self):
        return self.post("/api/v1/edge/poll/")

    def ack(self, order, result="deleted", templates=1, **override):
        ack = {"order_id": order["order_id"], "device_id": self.device.id,
               "kind": order["kind"], "subject_ref": order["subject_ref"], "result": result,
               "templates": templates, "executed_at": "2026-12-01T10:00:00+00:00", **override}
        signature = proto.sign(self.key, proto.signed_message(proto.DOMAIN_ACK, ack))
        return self.post(f"/api/v1/edge/orders/{order['order_id']}/ack/",
                         {"ack": ack, "signature": signature})


@pytest.fixture
def signed_device(world, gate):
    def make(deployment=None, name="Gate A"):
        key, encryption = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
        device = device_register(deployment=deployment or gate, name=name, place="Block A",
                                 public_key=proto.public_key_b64(key),
                                 encryption_key=proto.public_key_b64(encryption),
                                 actor=world.acme_admin)
        return SignedDevice(device, key, encryption)

    return make


def log_events(device_id, key, entries, *, start=0, head=proto.GENESIS):
    """A signed, chained continuation of a device's log: entries are dicts of event fields."""
    events = []
    for offset, fields in enumerate(entries, start=1):
        full = {name: None for name in proto.EVENT_FIELDS}
        full.update({"sequence": start + offset, "at": "2026-12-01T10:00:00+00:00",
                     "purpose": "access_control", "subject_ref": "", "matched_refs": [],
                     "faces": 1, "refusal_code": ""}, **fields)
        entry_hash = proto.event_hash(full, head)
        events.append({**full, "previous_hash": head, "hash": entry_hash})
        head = entry_hash
    payload = proto.log_head_payload(device_id=device_id, sequence=start + len(entries),
                                     head=head)
    return {"events": events,
            "head_signature": proto.sign(key, proto.signed_message(proto.DOMAIN_LOG_HEAD,
                                                                   payload))}
