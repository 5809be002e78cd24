"""Load test of the scaled shape (`make run-scaled`): verify and identify at 10, 50 and 100
concurrent clients while consents change and people enrol, then the ledgers and retention.

Why not locust: on this 2-core machine locust's own gevent workers compete with the server
for the same cores; a closed loop of plain threads (one blocking HTTP client each, `requests`,
already a dependency) measures the same thing — throughput, p50/p99, errors — at a fraction of
the client's cost, and this script also drives the consent changes through the services.

Setup (idempotent, through the services, on the server's database): a "Load gate (central
storage)" deployment of the demo's Acme with a device key, SUBJECTS consented people enrolled
with real photos of the shared faces (the run stops unless all of them are). Each client then
loops: verify (45 %), identify (45 %), a consent withdrawn and given again (5 %), an enrolment
of a new person (5 %). A refusal the platform owes (a 4xx with
its code: a person whose consent was withdrawn and whose templates were purged, a photo already
enrolled under another name) is counted apart from errors (5xx,
timeouts, anything else). After each level: `verify_ledger` must be clean and no retention
item overdue.

Run (server started by `make run-scaled`, same DATABASE_URL and REDIS_URL):
    python benchmarks/load_test.py --url http://127.0.0.1:8000 [--clients 10 50 100]
        [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from _common import faces_dir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402

SUBJECTS = 20
PURPOSE = "access_control"
GATE_NAME = "Load gate (central storage)"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def photos() -> list[Path]:
    people = faces_dir() / "people"
    found = []
    for person in sorted(people.iterdir()):
        files = sorted(person.glob("*.jpg"))
        if len(files) >= 2:
            found.append((files[0], files[1]))
    return found


def setup(url: str) -> tuple:
    """The load gate, its key, and (subject_ref, enrol photo, probe photo) of enrolled people."""
    from governance.models import Organisation
    from governance.services.consent import consent_give
    from recognition.models import VaultSubject
    from recognition.services.apikeys import api_key_create
    from tests.factories import CLICK, central_gate

    acme = Organisation.objects.filter(name__icontains="Acme").first()
    if acme is None:
        sys.exit("run `make run-scaled` (it seeds the demo) before the load test")
    admin = acme.memberships.first().user
    from governance.models import Deployment

    # Central storage: the load test enrols through the central API, which an on_device
    # deployment (the default) refuses.
    gate = Deployment.objects.filter(organisation=acme, name=GATE_NAME).first() or (
        central_gate(acme, name=GATE_NAME, purposes=[PURPOSE]))
    _, key = api_key_create(deployment=gate, name="load test", actor=admin)
    people = []
    for n, (enrol, probe) in enumerate(photos()[:SUBJECTS]):
        ref = f"load-{n}"
        people.append((ref, enrol, probe))
        if VaultSubject.objects.filter(deployment=gate, subject_ref=ref).exists():
            continue
        consent_give(deployment=gate, actor=admin, subject_ref=ref, purposes=[PURPOSE],
                     central_storage=True, method="in_app_explicit", evidence=dict(CLICK))
        response = requests.post(f"{url}/api/v1/recognition/enroll/",
                                 headers={"X-Api-Key": key},
                                 data={"subject_ref": ref, "purpose": PURPOSE},
                                 files={"image": enrol.read_bytes()}, timeout=120)
        if response.status_code != 201:
            print(f"  (enrolment of {ref} refused: {response.status_code} "
                  f"{response.text[:120]})")
    enrolled = VaultSubject.objects.filter(deployment=gate,
                                           subject_ref__in=[ref for ref, _, _ in people])
    if enrolled.count() < len(people):
        # Refusals are counted apart from errors during the run: a setup that enrolled no one
        # would otherwise pass with every verify refused as "not enrolled".
        sys.exit(f"setup enrolled {enrolled.count()} of {len(people)} people: not a load test")
    return gate, key, admin, people


def run_level(url: str, key: str, gate, admin, people, clients: int,
              seconds: float) -> dict:
    from governance.models import Consent
    from governance.services.consent import consent_give, consent_withdraw
    from tests.factories import CLICK

    latencies: dict[str, list[float]] = defaultdict(list)
    refusals: dict[str, int] = defaultdict(int)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    probes = {ref: probe.read_bytes() for ref, _, probe in people}
    enrol_bytes = {ref: enrol.read_bytes() for ref, enrol, _ in people}
    counter = [0]
    enrolled_now: list[str] = []

    def client(n: int) -> None:
        from django.db import connection

        rng = random.Random(n)
        session = requests.Session()
        session.headers["X-Api-Key"] = key
        while time.monotonic() < stop_at:
            ref, _, _ = rng.choice(people)
            roll = rng.random()
            started = time.perf_counter()
            try:
                if roll < 0.45:
                    op = "verify"
                    r = session.post(f"{url}/api/v1/recognition/verify/",
                                     data={"subject_ref": ref, "purpose": PURPOSE},
                                     files={"image": probes[ref]}, timeout=120)
                    ok, owed = r.status_code == 200, 400 <= r.status_code < 500
                elif roll < 0.90:
                    op = "identify"
                    r = session.post(f"{url}/api/v1/recognition/identify/",
                                     data={"purpose": PURPOSE, "top_k": 3},
                                     files={"image": probes[ref]}, timeout=120)
                    ok, owed = r.status_code == 200, False
                elif roll < 0.95:
                    # A person enrolled during the run withdraws (their templates are purged
                    # after commit by the default queue's worker); else someone new consents.
                    op = "consent change"
                    with lock:
                        withdrawing = enrolled_now.pop() if enrolled_now else None
                    if withdrawing:
                        consent = Consent.objects.filter(deployment=gate,
                                                         subject_ref=withdrawing,
                                                         withdrawn_at__isnull=True).first()
                        if consent is not None:
                            consent_withdraw(consent=consent, actor=admin)
                    else:
                        with lock:
                            counter[0] += 1
                            new_ref = f"load-consent-{os.getpid()}-{n}-{counter[0]}"
                        consent_give(deployment=gate, actor=admin, subject_ref=new_ref,
                                     purposes=[PURPOSE], central_storage=True,
                                     method="in_app_explicit", evidence=dict(CLICK))
                    ok, owed, r = True, False, None
                else:
                    op = "enrol"
                    with lock:
                        counter[0] += 1
                        new_ref = f"load-new-{os.getpid()}-{n}-{counter[0]}"
                    consent_give(deployment=gate, actor=admin, subject_ref=new_ref,
                                 purposes=[PURPOSE], central_storage=True,
                                 method="in_app_explicit", evidence=dict(CLICK))
                    r = session.post(f"{url}/api/v1/recognition/enroll/",
                                     data={"subject_ref": new_ref, "purpose": PURPOSE},
                                     files={"image": enrol_bytes[ref]}, timeout=120)
                    ok, owed = r.status_code == 201, 400 <= r.status_code < 500
                    if ok:
                        with lock:
                            enrolled_now.append(new_ref)
            except Exception as exc:  # a timeout or a dropped connection is an error
                with lock:
                    errors[op].append(repr(exc)[:200])
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies[op].append(elapsed)
                elif owed:  # a refusal with its code, e.g. a purged person: not an error
                    refusals[f"{op}: {r.json().get('code', r.status_code)}"] += 1
                else:
                    errors[op].append(f"{r.status_code} {r.text[:160]}")
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return {"latencies": latencies, "refusals": refusals, "errors": errors, "wall": wall}


def checks() -> tuple[bool, int]:
    from governance.platform.ledger_verify import ledgers_verify
    from governance.services.retention import overdue_count

    return all(r.broken is None for r in ledgers_verify()), overdue_count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    gate, key, admin, people = setup(args.url)
    print(f"load test against {args.url}: {len(people)} enrolled people, "
          f"{args.seconds:.0f} s per level; verify 45 %, identify 45 %, consent change 5 %, "
          f"enrolment 5 %")
    clean = True
    for clients in args.clients:
        result = run_level(args.url, key, gate, admin, people, clients, args.seconds)
        total = sum(len(v) for v in result["latencies"].values())
        errors = sum(len(v) for v in result["errors"].values())
        print(f"\n{clients} clients: {total / result['wall']:.1f} ok requests/s, "
              f"{errors} errors, refusals owed: {dict(result['refusals']) or 'none'}")
        for op in ("verify", "identify", "consent change", "enrol"):
            values = result["latencies"].get(op, [])
            print(f"  {op:15s} n={len(values):5d}  p50 {percentile(values, 0.5) * 1000:8.0f} ms"
                  f"  p99 {percentile(values, 0.99) * 1000:8.0f} ms"
                  f"  errors {len(result['errors'].get(op, []))}")
            for message in result["errors"].get(op, [])[:3]:
                print(f"      e.g. {message}")
        ledgers_ok, overdue = checks()
        print(f"  after: verify_ledger {'clean' if ledgers_ok else 'BROKEN'}; "
              f"retention items overdue: {overdue}")
        clean = clean and ledgers_ok and overdue == 0 and errors == 0
        if not ledgers_ok:
            break
    sys.exit(0 if clean else 1)


if __name__ == "__main__":
    main()
