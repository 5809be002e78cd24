"""Edge devices (issue 14): order round trip, pushed-log verification, local vs central verify.

A throwaway database (SQLite in a temp dir, or ``--database-url``) gets an active on-device
gate with one registered device and a central gate. A real platform process
(``manage.py runserver`` on 127.0.0.1:``--port``, default 8301, on that database) and a real
agent process (``python -m edge_agent run`` polling at its default interval, 2 s, with its
local API on ``--port``+1) run beside this process. Three figures:

1. Order round trip: the deletion order a withdrawal issues (``device_subject_erase``, what
   the purge hook runs in the worker) → the agent's next poll → deletion in its sealed
   gallery → the signed acknowledgement → the certificate on the deployment's chain, timed
   here until the order reads acknowledged, each issued at a random moment of the poll
   cycle. Median and p95 over ``--orders`` rounds; the
   baseline is the default poll interval (a poll-driven round trip cannot beat half of it on
   average). The worker's pick-up of the purge task is not included (tests/workers.py
   measures it elsewhere).
2. Verifying a pushed log of ``--events`` events (default 10,000): the hash chain, every
   event hash and the head signature (``_check_log``), then the whole push with storage as
   recognition events (``device_events_push``), beside the baseline of writing central
   recognition events one by one (``event_record``, a sample of 500, per event).
3. Verify on the agent (its local API, the engine on the device) vs the same verification
   through the central API (``POST /api/v1/recognition/verify/`` with an API key), both over
   HTTP on this machine with the same photos, ``--verifies`` each, alternating.

Run: python benchmarks/edge_orders.py [--orders 10] [--events 10000] [--verifies 5]
                                      [--database-url postgres://...]
Full size: python benchmarks/edge_orders.py --orders 50 --events 10000 --verifies 20
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import REPO_ROOT, faces_dir
from _django import add_database_argument, make_enterprise_deployment, throwaway_django

PHOTO_ENROL = "people/obama/obama_1.jpg"
PHOTO_PROBE = "people/obama/obama_2.jpg"
CLICK = {"time": "2026-03-01T10:00:00+00:00", "ip": "203.0.113.7", "user_agent": "benchmark"}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _wait(condition, what: str, timeout: float = 120.0, every: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")
        time.sleep(every)


def _http(method: str, url: str, body: dict | None = None, headers: dict | None = None,
          data: bytes | None = None) -> tuple[int, dict]:
    payload = data if data is not None else (json.dumps(body).encode() if body else None)
    request = urllib.request.Request(url, data=payload, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _multipart(fields: dict[str, str], image: bytes) -> tuple[bytes, str]:
    boundary = "----facegov-bench"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
             .encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
                 f'filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode() + image
                 + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--verifies", type=int, default=5)
    parser.add_argument("--port", type=int, default=8301)
    add_database_argument(parser)
    args = parser.parse_args()
    photos = faces_dir()

    with throwaway_django(args.database_url) as where:
        from django.db import connection

        from edge_agent.agent import DEFAULT_POLL_SECONDS, Agent, init_keys
        from governance.models import DeploymentNotice
        from governance.services.consent import consent_give
        from recognition import edge_protocol as proto
        from recognition.models import DeviceOrder, DeviceSubject, Operation, Outcome
        from recognition.services.apikeys import api_key_create
        from recognition.services.devices import (
            _check_log,
            device_events_push,
            device_register,
            device_subject_erase,
        )
        from recognition.services.events import event_record

        print(f"database: {where}")
        gate, admin = make_enterprise_deployment("Bench edge gate")
        notice = DeploymentNotice.objects.get(deployment=gate)
        central = type(gate).objects.get(pk=gate.pk)
        central.pk = central.id = None
        central.name, central.storage = "Bench central gate", "central"
        central.central_storage_separate_consent = True
        central.save()
        central.purposes.set(gate.purposes.all())
        DeploymentNotice.objects.create(deployment=central, version=1, text=notice.text,
                                        published_at=notice.published_at)
        for deployment, central_storage in ((gate, False), (central, True)):
            consent_give(deployment=deployment, actor=admin, subject_ref="resident-1",
                         purposes=["access_control"], method="in_app_explicit",
                         central_storage=central_storage, evidence=dict(CLICK))

        work = Path(tempfile.mkdtemp(prefix="facegov-edge-bench-"))
        device = device_register(deployment=gate, name="Bench device", place="", actor=admin,
                                 **init_keys(work / "device"))
        db = connection.settings_dict
        url = (f"sqlite:///{db['NAME']}" if connection.vendor == "sqlite" else
               f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:"
               f"{db['PORT'] or 5432}/{db['NAME']}")
        env = {**os.environ, "DATABASE_URL": url}
        platform = f"http://127.0.0.1:{args.port}"
        logs = open(work / "processes.log", "w")  # noqa: SIM115
        server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload",
                                   f"127.0.0.1:{args.port}"], cwd=REPO_ROOT, env=env,
                                  stdout=logs, stderr=subprocess.STDOUT)
        agent = None
        try:
            _wait(lambda: _ok(f"{platform}/healthz"), "the platform", timeout=120, every=0.3)
            agent_port = args.port + 1
            agent = subprocess.Popen(
                [sys.executable, "-m", "edge_agent", "run", "--data-dir", str(work / "device"),
                 "--device-id", str(device.id), "--platform", platform,
                 "--listen", str(agent_port)],
                cwd=REPO_ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT)
            local = f"http://127.0.0.1:{agent_port}"
            _wait(lambda: _ok(f"{local}/status"), "the agent", timeout=120, every=0.3)

            # --- 3. local verify vs central verify --------------------------------------------
            enrol_image, probe = (photos / PHOTO_ENROL).read_bytes(), (photos / PHOTO_PROBE
                                                                        ).read_bytes()
            status, body = _http("POST", f"{local}/enrol", {
                "subject_ref": "resident-1", "purpose": "access_control",
                "image_b64": base64.b64encode(enrol_image).decode()})
            if status != 200:
                sys.exit(f"agent enrolment failed: {status} {body}")
            _, raw_key = api_key_create(deployment=central, name="camera", actor=admin)
            data, boundary = _multipart({"subject_ref": "resident-1",
                                         "purpose": "access_control"}, enrol_image)
            headers = {"X-Api-Key": raw_key,
                       "Content-Type": f"multipart/form-data; boundary={boundary}"}
            status, body = _http("POST", f"{platform}/api/v1/recognition/enroll/",
                                 headers=headers, data=data)
            if status != 201:
                sys.exit(f"central enrolment failed: {status} {body}")
            probe_body, probe_boundary = _multipart({"subject_ref": "resident-1",
                                                     "purpose": "access_control"}, probe)
            central_headers = {"X-Api-Key": raw_key, "Content-Type":
                               f"multipart/form-data; boundary={probe_boundary}"}
            local_times, central_times = [], []
            for _ in range(args.verifies):
                start = time.perf_counter()
                status, body = _http("POST", f"{local}/verify", {
                    "subject_ref": "resident-1", "purpose": "access_control",
                    "image_b64": base64.b64encode(probe).decode()})
                local_times.append(time.perf_counter() - start)
                assert status == 200 and body["match"], body
                start = time.perf_counter()
                status, body = _http("POST", f"{platform}/api/v1/recognition/verify/",
                                     headers=central_headers, data=probe_body)
                central_times.append(time.perf_counter() - start)
                assert status == 200 and body["match"], body

            # --- 1. order round trips ---------------------------------------------------------
            agent_state = Agent(data_dir=work / "device")
            import numpy as np

            rng = np.random.default_rng(0)
            refs = [f"s-{i}" for i in range(args.orders)]
            with agent_state._locked() as state:  # people on the device, as enrolments leave
                for ref in refs:
                    state["gallery"][ref] = [base64.b64encode(
                        rng.standard_normal(128).astype("<f4").tobytes()).decode()]
                agent_state._save(state)
            from django.utils import timezone

            DeviceSubject.objects.bulk_create(DeviceSubject(
                device=device, subject_ref=ref, permitted_at=timezone.now(),
                enrolled_at=timezone.now(), last_interaction_at=timezone.now()) for ref in refs)
            trips = []
            jitter = np.random.default_rng(1)
            for ref in refs:
                # Withdrawals arrive at any moment of the agent's poll cycle, not just after
                # the previous acknowledgement (which would phase-lock every round).
                time.sleep(float(jitter.uniform(0, DEFAULT_POLL_SECONDS)))
                start = time.perf_counter()
                (order,) = device_subject_erase(deployment_id=gate.id, subject_ref=ref,
                                                trigger="consent_withdrawal")
                _wait(lambda o=order: DeviceOrder.objects.filter(
                    pk=o.pk, certificate__isnull=False).exists(), f"order {order.id}")
                trips.append(time.perf_counter() - start)
            certified = DeviceOrder.objects.filter(certificate__isnull=False).count()
        finally:
            for process in (agent, server):
                if process is not None and process.poll() is None:
                    process.terminate()
                    process.wait(timeout=30)
            logs.close()

        # --- 2. a pushed log of N events -----------------------------------------------------
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        key = Ed25519PrivateKey.generate()
        log_device = device_register(
            deployment=gate, name="Log device", place="", actor=admin,
            public_key=proto.public_key_b64(key),
            encryption_key=proto.public_key_b64(X25519PrivateKey.generate()))
        events, head = [], proto.GENESIS
        for i in range(1, args.events + 1):
            fields = {name: None for name in proto.EVENT_FIELDS}
            fields.update(sequence=i, at="2026-12-01T10:00:00+00:00", operation="verify",
                          outcome="match", purpose="access_control", subject_ref="resident-1",
                          matched_refs=[], faces=1, distance=0.31, threshold=0.6,
                          refusal_code="")
            digest = proto.event_hash(fields, head)
            events.append({**fields, "previous_hash": head, "hash": digest})
            head = digest
        signature = proto.sign(key, proto.signed_message(proto.DOMAIN_LOG_HEAD,
                                                         proto.log_head_payload(
                                                             device_id=log_device.id,
                                                             sequence=args.events, head=head)))
        start = time.perf_counter()
        _check_log(log_device, events, signature)
        verify_seconds = time.perf_counter() - start
        start = time.perf_counter()
        device_events_push(device=log_device, events=events, head_signature=signature)
        push_seconds = time.perf_counter() - start
        baseline_events = min(args.events, 500)  # ~50 ms each: a sample, per event
        start = time.perf_counter()
        for _ in range(baseline_events):
            event_record(deployment=central, operation=Operation.VERIFY, outcome=Outcome.MATCH,
                         purpose="access_control", subject_ref="resident-1", faces=1,
                         distance=0.31, threshold=0.6)
        central_per_event = (time.perf_counter() - start) / baseline_events

    ms = 1000
    print(f"\norder round trip (issue → device deletes → signed ack certified), "
          f"{len(trips)} orders, agent polling every {DEFAULT_POLL_SECONDS:.1f} s "
          f"({certified} certificates):")
    print(f"  median {statistics.median(trips) * ms:.0f} ms, p95 {_p95(trips) * ms:.0f} ms, "
          f"max {max(trips) * ms:.0f} ms")
    print(f"  baseline: half the poll interval {DEFAULT_POLL_SECONDS / 2 * ms:.0f} ms "
          f"(ratio median/baseline {statistics.median(trips) / (DEFAULT_POLL_SECONDS / 2):.2f})")
    print(f"\npushed log of {args.events} events:")
    print(f"  verify only (chain, hashes, head signature): {verify_seconds * ms:.0f} ms "
          f"({verify_seconds / args.events * 1e6:.1f} µs/event)")
    print(f"  verify + store as recognition events: {push_seconds * ms:.0f} ms "
          f"({push_seconds / args.events * 1e6:.0f} µs/event)")
    per_event = push_seconds / args.events
    print(f"  baseline: central events written one by one (event_record, {baseline_events} "
          f"sampled): {central_per_event * 1e6:.0f} µs/event (ratio push/baseline per event "
          f"{per_event / central_per_event:.3f})")
    print(f"\nverify, {args.verifies} calls each, both over HTTP on this machine:")
    print(f"  on the agent (local engine): median {statistics.median(local_times) * ms:.0f} ms")
    ratio = statistics.median(central_times) / statistics.median(local_times)
    print(f"  central API: median {statistics.median(central_times) * ms:.0f} ms "
          f"(ratio central/local {ratio:.2f})")


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


if __name__ == "__main__":
    main()
