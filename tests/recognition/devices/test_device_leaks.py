"""Edge devices meet leak tracing (issues 14 + 15): canaries planted in each device's copy,
the device space provider, and interception of a device source.

The agent is the real one (edge_agent.agent.Agent) talking to the platform through the test
client (signed exactly as over HTTP); only the face encoder is replaced by fixed vectors, so
a "probe" can be made to be a canary."""

import hashlib
import io
import json
import secrets
import time
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from complaints.models import InvestigationLogEntry, LeakCase
from edge_agent import agent as agent_module
from edge_agent.agent import Agent, Refused, _decode, init_keys
from edge_agent.client import PlatformRefused
from governance.models import Notification, SubjectLink
from recognition import edge_protocol as proto
from recognition.models import (
    Canary,
    Device,
    DeviceOrder,
    DeviceStatus,
    DisclosureEntry,
    RecognitionEvent,
)
from recognition.services.devices import device_register, device_rotate, device_transform
from recognition.services.leaks import canary_vectors
from recognition.vault.crypto import vector_to_bytes

RNG = np.random.default_rng(1415)


class SignedTransport:
    """edge_agent.client.Client's contract over Django's test client."""

    def __init__(self, device_id, key):
        self.device_id, self.key, self.http = device_id, key, APIClient()

    def call(self, method, path, payload=None):
        body = b"" if payload is None else json.dumps(payload).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        message = proto.request_message(method=method, path=path, timestamp=timestamp,
                                        nonce=nonce, body=body)
        response = self.http.generic(
            method, path, body, content_type="application/json",
            HTTP_X_DEVICE_ID=str(self.device_id), HTTP_X_DEVICE_TIMESTAMP=timestamp,
            HTTP_X_DEVICE_NONCE=nonce, HTTP_X_DEVICE_SIGNATURE=proto.sign(self.key, message))
        data = response.json() if response.content else {}
        if response.status_code >= 400:
            raise PlatformRefused(response.status_code, data.get("code", ""),
                                  data.get("detail", ""))
        return data


def _person():
    v = RNG.standard_normal(128).astype(np.float32)
    return v / np.linalg.norm(v) * 1.4


@pytest.fixture
def faces(monkeypatch):
    """The encoder returns the vector queued for the next image (bytes are its key)."""
    queued = {}

    def encode(image):
        return SimpleNamespace(vector=queued[image])

    monkeypatch.setattr(agent_module, "load_image", lambda data: data)
    monkeypatch.setattr(agent_module, "encode_for_enrolment", encode)
    monkeypatch.setattr(agent_module, "encode_probe", encode)
    monkeypatch.setattr(agent_module, "encode_all", lambda image: [encode(image)])

    def image(vector):
        key = hashlib.sha256(vector_to_bytes(vector)).digest()
        queued[key] = np.asarray(vector, np.float32)
        return key

    return image


@pytest.fixture
def make_agent(world, gate, tmp_path):
    def make(name):
        data_dir = tmp_path / name
        keys = init_keys(data_dir)
        device = device_register(deployment=gate, name=name, place="Block A",
                                 public_key=keys["public_key"],
                                 encryption_key=keys["encryption_key"], actor=world.acme_admin)
        agent = Agent(data_dir=data_dir, platform="http://testserver", device_id=device.id,
                      poll_seconds=3600)
        agent.client = SignedTransport(device.id, agent.signing)
        agent.sync()
        return agent, device

    return make


def _gallery_dump(agent):
    """What a thief holding the device and its key reads out of the sealed gallery file."""
    with agent._locked() as state:
        return np.stack([_decode(row) for rows in state["gallery"].values() for row in rows])


def _enrol(agent, consent, gate, faces, ref):
    consent(gate, ref)
    vector = _person()
    agent.enrol(subject_ref=ref, purpose="access_control", image=faces(vector))
    return vector


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array, np.float32))
    return SimpleUploadedFile("device.npy", buffer.getvalue(),
                              content_type="application/octet-stream")


@pytest.fixture
def analyse_dump(api_as, world, django_capture_on_commit_callbacks, eager):
    def run(array):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(world.inspector).post("/api/v1/leak-cases/",
                                                    {"dump": _npy(array)}, format="multipart")
        assert response.status_code == 202, response.json()
        return api_as(world.inspector).get(
            f"/api/v1/leak-cases/{response.json()['id']}/").json()

    return run


def test_each_device_gets_its_own_canaries_recorded_and_never_matched_or_counted(
        make_agent, consent, gate, faces):
    agent_a, device_a = make_agent("gate-a")
    _agent_b, device_b = make_agent("gate-b")
    canaries_a = list(Canary.objects.filter(copy_kind="device", copy_id=device_a.id))
    canaries_b = list(Canary.objects.filter(copy_kind="device", copy_id=device_b.id))
    assert len(canaries_a) == len(canaries_b) == 5
    assert not {c.canary_ref for c in canaries_a} & {c.canary_ref for c in canaries_b}
    raw_a, raw_b = canary_vectors(canaries_a), canary_vectors(canaries_b)
    assert np.linalg.norm(raw_a[:, None] - raw_b[None], axis=2).min() > 0.75
    # The agent holds them in its sealed gallery, in its own space, like templates.
    with agent_a._locked() as state:
        held = {ref: _decode(rows[0]) for ref, rows in state["gallery"].items()}
    space = device_transform(device=device_a)
    for canary, raw in zip(canaries_a, raw_a, strict=True):
        assert np.allclose(held[canary.canary_ref], space.apply(raw), atol=1e-5)
    # The delivery is in the disclosure ledger: recipient, space, version, refs, item hashes.
    entry = DisclosureEntry.objects.get(recipient_kind="device", recipient_id=device_a.id)
    assert (entry.deployment_id, entry.space_kind, entry.transform_version,
            entry.item_count) == (gate.id, "device", 1, 5)
    assert entry.canary_refs == sorted(c.canary_ref for c in canaries_a)
    assert sorted(entry.item_hashes) == sorted(
        hashlib.sha256(vector_to_bytes(held[c.canary_ref])).hexdigest() for c in canaries_a)
    # Never counted, never returned, never verified, never in the pushed log.
    alice = _enrol(agent_a, consent, gate, faces, "alice")
    status = agent_a.status()
    assert (status["subjects"], status["templates"]) == (["alice"], 1)
    assert agent_a.identify(purpose="access_control", image=faces(raw_a[0]))["matches"] == []
    assert [m["subject_ref"] for m in agent_a.identify(
        purpose="access_control", image=faces(alice))["matches"]] == ["alice"]
    with pytest.raises(Refused) as refused:
        agent_a.verify(subject_ref=canaries_a[0].canary_ref, purpose="access_control",
                       image=faces(raw_a[0]))
    assert refused.value.code == "subject_not_enrolled"
    agent_a.sync()
    refs = {ref for event in RecognitionEvent.objects.filter(device=device_a)
            for ref in [event.subject_ref, *event.matched_refs]}
    # Only alice was enrolled or matched; the probed canary matched nobody.
    assert refs - {canaries_a[0].canary_ref, ""} == {"alice"}
    canary_refs = {c.canary_ref for c in canaries_a}
    assert not [e for e in RecognitionEvent.objects.filter(device=device_a)
                if e.outcome in ("match", "enrolled")
                and ({e.subject_ref, *e.matched_refs} & canary_refs)]


def test_a_dump_of_a_device_gallery_names_that_device_and_version_and_no_other(
        make_agent, consent, gate, faces, analyse_dump):
    agent_a, device_a = make_agent("gate-a")
    _agent_b, device_b = make_agent("gate-b")
    _enrol(agent_a, consent, gate, faces, "alice")
    _enrol(agent_a, consent, gate, faces, "bob")
    dump = _gallery_dump(agent_a)
    assert len(dump) == 7  # 2 people + 5 canaries, indistinguishable in the file
    body = analyse_dump(dump)
    assert body["status"] == "done"
    named = [(s["kind"], s["device_id"], s["transform_version"]) for s in body["sources"]]
    assert named == [("device", device_a.id, 1)]
    assert body["sources"][0]["deployment_id"] == gate.id
    assert body["sources"][0]["canaries"] == 5 and body["sources"][0]["score"] > 0.99
    assert device_b.id not in {s["device_id"] for s in body["sources"]}
    # The leak case sits on the device's deployment.
    assert LeakCase.objects.get().source_deployment_id == gate.id
    # Re-encoded into raw space: the canaries still name the device (version unknown).
    raw = device_transform(device=device_a).invert(dump)
    again = analyse_dump(raw)
    assert [(s["kind"], s["device_id"]) for s in again["sources"]] == [("device", device_a.id)]
    assert again["canary_hits"][0]["found_in"] == "raw"


def test_after_a_rotation_an_old_dump_names_the_old_version_and_a_new_one_the_new(
        make_agent, world, consent, gate, faces, analyse_dump):
    agent, device = make_agent("gate-a")
    _enrol(agent, consent, gate, faces, "alice")
    old = _gallery_dump(agent)
    device_rotate(device=device, actor=world.acme_admin)
    agent.sync()
    device.refresh_from_db()
    assert device.transform_version == 2 and agent.status()["transform_version"] == 2
    # The canaries re-issued in the new space are recorded.
    assert DisclosureEntry.objects.filter(recipient_id=device.id, transform_version=2).exists()
    new = _gallery_dump(agent)
    assert not np.allclose(np.sort(old, axis=0), np.sort(new, axis=0), atol=1e-3)
    before = analyse_dump(old)["sources"]
    assert [(s["device_id"], s["transform_version"], s["current_version"])
            for s in before] == [(device.id, 1, False)]
    after = analyse_dump(new)["sources"]
    assert [(s["device_id"], s["transform_version"], s["current_version"])
            for s in after] == [(device.id, 2, True)]


def test_intercepting_a_device_source_suspends_it_rotates_its_space_and_plants_fresh_canaries(
        make_agent, world, consent, gate, faces, analyse_dump, api_as,
        django_capture_on_commit_callbacks):
    agent, device = make_agent("gate-a")
    _other, other_device = make_agent("gate-b")
    _enrol(agent, consent, gate, faces, "p-2")
    SubjectLink.objects.create(citizen=world.citizen, deployment=gate, subject_ref="p-2")
    dump = _gallery_dump(agent)
    case_id = analyse_dump(dump)["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.inspector).post(f"/api/v1/leak-cases/{case_id}/intercept/",
                                                {"reason": "Gate dump sold online."},
                                                format="json")
    assert response.status_code == 200, response.json()
    interception = response.json()["interception"]
    device.refresh_from_db()
    assert device.status == DeviceStatus.SUSPENDED
    open_orders = {o.kind: o for o in DeviceOrder.objects.filter(device=device,
                                                                 acknowledged_at__isnull=True)}
    assert set(open_orders) == {"stop", "rotate"} and open_orders["rotate"].transform_version == 2
    assert Device.objects.get(pk=other_device.pk).status == DeviceStatus.ACTIVE
    assert Canary.objects.filter(copy_kind="device", copy_id=device.id).count() == 10
    assert DisclosureEntry.objects.filter(recipient_id=device.id, transform_version=2,
                                          item_count=5).exists()
    assert (interception["kind"], interception["device_id"], interception["transform_version"],
            interception["leaked_version"]) == ("device", device.id, 2, 1)
    assert interception["matches_after"]["matched"] == 0
    assert interception["people_notified"] == 1
    assert "Block A gate" in Notification.objects.get(recipient=world.citizen).subject
    case = LeakCase.objects.get(pk=case_id)
    log = InvestigationLogEntry.objects.get(investigation_id=case.investigation_id,
                                            kind="leak_intercepted")
    assert log.detail["device_id"] == device.id
    # The page says what was done, in words.
    from django.test import Client
    from django.urls import reverse

    page = Client()
    page.force_login(world.inspector)
    html = page.get(reverse("leak-case", args=[case_id])).content.decode()
    assert "edge device" in html and device.name in html and "suspended" in html
    # The device obeys at its next contact: stops, moves everything (fresh canaries too) into v2.
    agent.sync()
    device.refresh_from_db()
    status = agent.status()
    assert device.transform_version == 2 and status["stopped"] and status["subjects"] == ["p-2"]
    current = _gallery_dump(agent)
    assert len(current) == 11  # p-2 + 10 canaries
    distances = np.linalg.norm(dump[:, None] - current[None], axis=2)
    assert distances.min() > 0.6  # the leaked copy matches nothing the device now holds
    assert [(s["device_id"], s["transform_version"])
            for s in analyse_dump(current)["sources"]] == [(device.id, 2)]


def test_a_device_canaries_outlive_the_vault_gallery_being_emptied(make_agent, gate):
    from recognition.services.leaks import canaries_destroy_with_gallery

    _agent, device = make_agent("gate-a")
    assert canaries_destroy_with_gallery(deployment=gate) == 0
    assert Canary.objects.filter(copy_kind="device", copy_id=device.id).count() == 5
