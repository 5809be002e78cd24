"""Real processes: the platform (live server), a Celery worker and the edge agent.

A withdrawal deletes the template on the device and its certificate appears; an agent killed
before acknowledging and restarted still deletes and acknowledges once; a device offline past
its permit refuses; a suspended deployment's device stops at its next contact."""

import json
import os
import subprocess
import sys
import time

import pytest

from edge_agent.agent import CRASH_BEFORE_ACK_ENV, init_keys
from governance.models import DeletionCertificate, DeploymentStatus, Role
from governance.services.consent import consent_give, consent_withdraw
from recognition.models import DeviceOrder, DeviceSubject, RecognitionEvent
from recognition.services.devices import device_register
from recognition.services.recognition import purge_handler
from tests.conftest import REPO_ROOT
from tests.factories import (
    CLICK,
    ActiveDeploymentFactory,
    DeploymentNoticeFactory,
    MembershipFactory,
    OrganisationFactory,
)
from tests.workers import celery_worker, wait_until, worker_env

PHOTO = "people/obama/obama_1.jpg"
PROBE = "people/obama/obama_2.jpg"


@pytest.fixture
def edge_gate(transactional_db):
    from governance.models import Purpose

    Purpose.objects.get_or_create(code="access_control", defaults={"name": "Access control"})
    acme = OrganisationFactory(name="Acme")
    gate = ActiveDeploymentFactory(organisation=acme, name="Block A gate", storage="on_device")
    DeploymentNoticeFactory(deployment=gate)
    admin = MembershipFactory(organisation=acme, role=Role.ADMIN).user
    consent = consent_give(deployment=gate, actor=admin, subject_ref="alice",
                           purposes=["access_control"], method="in_app_explicit",
                           evidence=dict(CLICK))
    return gate, admin, consent


@pytest.fixture
def agent_device(edge_gate, tmp_path, live_server):
    gate, admin, _ = edge_gate
    data_dir = tmp_path / "edge"
    keys = init_keys(data_dir)
    device = device_register(deployment=gate, name="Gate A", place="Block A",
                             actor=admin, **keys)
    return device, data_dir


def _agent(data_dir, *args, platform=None, env=None):
    command = [sys.executable, "-m", "edge_agent", *args, "--data-dir", str(data_dir)]
    if platform:
        command += ["--platform", platform]
    return command, {**os.environ, **(env or {})}


def _call(data_dir, *args, platform=None):
    command, env = _agent(data_dir, *args, platform=platform)
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=180)
    return done.returncode, json.loads(done.stdout or done.stderr or "{}")


def _start(data_dir, log_path, *, env=None, platform=None, device_id=None):
    extra = ["--poll-interval", "0.5"] + (["--device-id", str(device_id)] if device_id else [])
    command, full_env = _agent(data_dir, "run", *extra, platform=platform, env=env)
    log = open(log_path, "w")  # noqa: SIM115 — closed with the process
    return subprocess.Popen(command, cwd=REPO_ROOT, env=full_env, stdout=log,
                            stderr=subprocess.STDOUT)


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@pytest.mark.worker
def test_withdrawal_reaches_the_device_once_even_when_the_agent_dies_before_acknowledging(
        edge_gate, agent_device, live_server, faces_dir, tmp_path):
    gate, admin, consent = edge_gate
    device, data_dir = agent_device
    code, enrolled = _call(data_dir, "enrol", "--subject", "alice", "--image",
                           str(faces_dir / PHOTO), "--device-id", str(device.id),
                           platform=live_server.url)
    assert code == 0, enrolled
    assert enrolled["templates"] == 1
    code, verified = _call(data_dir, "verify", "--subject", "alice", "--image",
                           str(faces_dir / PROBE))
    assert (code, verified["match"]) == (0, True)

    agent_log = str(tmp_path / "agent.log")
    agent = _start(data_dir, agent_log, env={CRASH_BEFORE_ACK_ENV: "1"})
    worker_log = str(tmp_path / "worker.log")
    try:
        with celery_worker(worker_env(), worker_log):
            consent_withdraw(consent=consent, actor=admin)  # the purge task → the order
            wait_until(lambda: agent.poll() is not None, log_path=agent_log,
                       what="the agent to execute the order and die before acknowledging")
            assert agent.returncode == 17
            order = DeviceOrder.objects.get()
            assert order.acknowledged_at is None and not DeletionCertificate.objects.filter(
                description__contains="Gate A").exists()
            code, status = _call(data_dir, "status")
            assert status["subjects"] == [] and status["unsent_acks"] == [order.id]

            agent = _start(data_dir, agent_log)  # restarted: sends the stored ack
            wait_until(lambda: DeviceOrder.objects.filter(acknowledged_at__isnull=False)
                       .exists(), log_path=agent_log, what="the restarted agent's ack")
            wait_until(lambda: RecognitionEvent.objects.filter(
                device=device, operation="delete").exists(), log_path=agent_log,
                what="the device's delete event in its pushed log")
    finally:
        _stop(agent)
    certificates = DeletionCertificate.objects.filter(description__contains="Gate A")
    assert certificates.count() == 1
    certificate = certificates.get()
    assert (certificate.count, certificate.trigger) == (1, "consent_withdrawal")
    assert DeviceOrder.objects.get().certificate == certificate
    assert not DeviceSubject.objects.exists()
    code, refused = _call(data_dir, "verify", "--subject", "alice", "--image",
                          str(faces_dir / PROBE))
    assert (code, refused["code"]) == (2, "subject_not_enrolled")
    # Every use the device made is the deployment's event, naming the device.
    operations = list(RecognitionEvent.objects.filter(device=device)
                      .values_list("operation", "outcome"))
    assert ("enroll", "enrolled") in operations and ("verify", "match") in operations


@pytest.mark.worker
def test_offline_past_its_permit_the_device_refuses_applies_orders_first_and_stops(
        edge_gate, agent_device, live_server, faces_dir, settings):
    settings.FACEGOV_EDGE_PERMIT_SECONDS = 15
    gate, _, _ = edge_gate
    device, data_dir = agent_device
    code, _ = _call(data_dir, "enrol", "--subject", "alice", "--image",
                    str(faces_dir / PHOTO), "--device-id", str(device.id),
                    platform=live_server.url)
    assert code == 0
    # Offline: nothing answers at this address. The permit still holds for a few seconds…
    offline = "http://127.0.0.1:8309"
    code, verified = _call(data_dir, "verify", "--subject", "alice", "--image",
                           str(faces_dir / PROBE), platform=offline)
    assert (code, verified.get("match")) == (0, True)
    _, status = _call(data_dir, "status")
    permit_left = (time.mktime(time.strptime(status["permit_expires_at"][:19],
                                             "%Y-%m-%dT%H:%M:%S")) - time.mktime(time.gmtime()))
    time.sleep(max(permit_left, 0) + 1.5)
    # … then it refuses.
    code, refused = _call(data_dir, "verify", "--subject", "alice", "--image",
                          str(faces_dir / PROBE))
    assert (code, refused["code"]) == (2, "permit_expired")

    # A deletion ordered while it was away is applied before it recognises anyone again.
    purge_handler(deployment_id=gate.id, subject_ref="alice", reason="deletion_request")
    code, refused = _call(data_dir, "verify", "--subject", "alice", "--image",
                          str(faces_dir / PROBE), platform=live_server.url)
    assert (code, refused["code"]) == (2, "subject_not_enrolled")
    order = DeviceOrder.objects.get()
    assert order.acknowledged_at is not None and order.certificate.trigger == "deletion_request"

    # Back online, the deployment suspended: at the next contact the device stops.
    gate.status = DeploymentStatus.SUSPENDED
    gate.save(update_fields=["status"])
    code, contact = _call(data_dir, "sync")  # its next poll
    assert (code, contact["reached"], contact["operating"]) == (0, True, False)
    code, refused = _call(data_dir, "verify", "--subject", "alice", "--image",
                          str(faces_dir / PROBE))
    assert (code, refused["code"]) == (2, "deployment_not_active")
    _, status = _call(data_dir, "status")
    assert (status["operating"], status["reason"]) == (False, "deployment_not_active")


@pytest.mark.worker
def test_a_leaked_device_gallery_is_traced_to_the_device_and_intercepted_there(
        edge_gate, agent_device, live_server, faces_dir, tmp_path, eager):
    """The real agent enrols alice and keeps its canaries; a thief's copy of its sealed
    gallery (read with the device's own key and the agent's own code) names the device and
    version; interception suspends the device and the running agent rotates its gallery, fresh
    canaries included, so the leaked copy matches nothing it holds any more."""
    import io

    import numpy as np

    from complaints.services.leaks import leak_case_intercept, leak_case_open
    from edge_agent.agent import Agent, _decode
    from governance.models import OrganisationKind
    from recognition.models import Canary, Device, DeviceStatus

    gate, _admin, _consent = edge_gate
    device, data_dir = agent_device
    code, enrolled = _call(data_dir, "enrol", "--subject", "alice", "--image",
                           str(faces_dir / PHOTO), "--device-id", str(device.id),
                           platform=live_server.url)
    assert (code, enrolled["templates"]) == (0, 1)

    def dump():
        with Agent(data_dir=data_dir)._locked() as state:
            return np.stack([_decode(r) for rows in state["gallery"].values() for r in rows])

    leaked = dump()
    assert len(leaked) == 1 + Canary.objects.filter(copy_id=device.id).count() == 6
    regulator = OrganisationFactory(name="Regulator", kind=OrganisationKind.REGULATOR)
    inspector = MembershipFactory(organisation=regulator, role=Role.INSPECTOR).user
    buffer = io.BytesIO()
    np.save(buffer, leaked)
    case = leak_case_open(actor=inspector, file=buffer.getvalue())
    case.refresh_from_db()
    source = case.report["sources"][0]
    assert (case.status, source["kind"], source["device_id"],
            source["transform_version"]) == ("done", "device", device.id, 1)
    agent_log = str(tmp_path / "agent.log")
    agent = _start(data_dir, agent_log)
    try:
        case = leak_case_intercept(case=case, actor=inspector, reason="Gallery sold online.")
        assert Device.objects.get(pk=device.pk).status == DeviceStatus.SUSPENDED
        assert case.interception["matches_after"]["matched"] == 0
        wait_until(lambda: Device.objects.get(pk=device.pk).transform_version == 2,
                   log_path=agent_log, what="the device to rotate its gallery")
        wait_until(lambda: not DeviceOrder.objects.filter(device=device,
                                                          acknowledged_at__isnull=True).exists(),
                   log_path=agent_log, what="the stop order's acknowledgement")
    finally:
        _stop(agent)
    code, status = _call(data_dir, "status")
    assert (status["subjects"], status["templates"], status["stopped"],
            status["transform_version"]) == (["alice"], 1, True, 2)
    held = dump()
    assert len(held) == 11  # alice + 5 old canaries re-issued + 5 fresh ones
    assert np.linalg.norm(leaked[:, None] - held[None], axis=2).min() > 0.6
