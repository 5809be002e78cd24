"""``verify`` latency through the API minus the engine's own time (aim: overhead < 10 ms).

A throwaway database (SQLite in a temp dir, or ``--database-url``) gets an active 1:1 gate with a
published notice, one recorded consent (``consent_give``), a device API key (``api_key_create``)
and one subject enrolled through ``POST /api/v1/recognition/enroll/`` with
``people/obama/obama_1.jpg``. Then, alternating so both see the same machine state:

* latency: ``POST /api/v1/recognition/verify/`` with ``people/obama/obama_2.jpg`` as multipart
  (body encoded once beforehand), through Django's test ``Client``: the whole middleware stack,
  X-Api-Key authentication, DRF parsing and validation, the policy gate, vault decryption, the
  event on the hash chain, the JSON response;
* engine alone on the same bytes: ``load_image`` + ``encode_probe``;
* a direct check without subtraction: the same requests with ``load_image``/``encode_probe``
  stubbed to return their precomputed result (so only the non-engine work is timed).

Overhead = median latency - median engine time (the paired median of per-request differences,
the difference of minima, and the same overhead in this process's CPU time - robust when other
jobs share the cores - are printed too). In-process: no network, no WSGI/HTTP server, no TLS,
and the database connection stays open between requests (the test client does not close it).

Run: python benchmarks/api_overhead.py [--requests 20] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from unittest import mock

from _common import faces_dir
from _django import add_database_argument, make_enterprise_deployment, throwaway_django

PHOTO_ENROL = "people/obama/obama_1.jpg"
PHOTO_PROBE = "people/obama/obama_2.jpg"
SUBJECT = "resident-1"
PURPOSE = "access_control"
CLICK = {"time": "2026-03-01T10:00:00+00:00", "ip": "203.0.113.7", "user_agent": "benchmark"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def print_time_by_package(stats, *, requests: int) -> None:  # type: ignore[no-untyped-def]
    """Own time (tottime) per request summed by package: where the CPU goes, not who calls."""
    import re
    from collections import Counter

    totals: Counter[str] = Counter()
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        match = re.search(r"site-packages/([^/]+)(?:/([^/]+))?(?:/([^/]+))?", filename)
        if match:
            parts = [p for p in match.groups() if p and not p.endswith(".py")]
            key = "/".join(parts[:3]) or match.group(1)
        elif "/work/" in filename:
            key = "facegov/" + "/".join(filename.split("/")[3:5])
        else:
            key = "stdlib/builtins"
        totals[key] += tottime
    print(f"own time per request by package (profiled, {requests} requests):")
    for key, seconds in totals.most_common(25):
        print(f"  {seconds / requests * 1000:7.2f} ms  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", "-r", type=int, default=20, help="timed verifications")
    parser.add_argument("--show-queries", action="store_true",
                        help="print the SQL of one verify request")
    parser.add_argument("--sql-width", type=int, default=150,
                        help="characters of each statement --show-queries prints")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of the engine-stubbed verifies")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key (with --profile)")
    parser.add_argument("--limit", default="25", help="cProfile rows or a regex (with --profile)")
    add_database_argument(parser)
    args = parser.parse_args()
    faces = faces_dir()
    enrol_bytes = (faces / PHOTO_ENROL).read_bytes()
    probe_bytes = (faces / PHOTO_PROBE).read_bytes()

    with throwaway_django(args.database_url) as database:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection
        from django.test import Client
        from django.test.client import BOUNDARY, encode_multipart
        from django.test.utils import CaptureQueriesContext

        from governance.services.consent import consent_give
        from recognition.engine import encode_probe, load_image
        from recognition.services.apikeys import api_key_create

        print(f"database: {database}")
        # Central storage: enrolled through the central API (an on_device gate refuses it).
        deployment, admin = make_enterprise_deployment(
            storage="central", central_storage_separate_consent=True)
        consent_give(deployment=deployment, actor=admin, subject_ref=SUBJECT,
                     purposes=[PURPOSE], central_storage=True, method="in_app_explicit",
                     evidence=dict(CLICK))
        _, raw_key = api_key_create(deployment=deployment, name="camera", actor=admin)
        client = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=raw_key)

        enrolled = client.post("/api/v1/recognition/enroll/", {
            "subject_ref": SUBJECT, "purpose": PURPOSE,
            "image": SimpleUploadedFile("obama_1.jpg", enrol_bytes, content_type="image/jpeg")})
        if enrolled.status_code != 201:
            sys.exit(f"enrolment failed: {enrolled.status_code} {enrolled.content[:300]!r}")

        body = encode_multipart(BOUNDARY, {
            "subject_ref": SUBJECT, "purpose": PURPOSE,
            "image": SimpleUploadedFile("obama_2.jpg", probe_bytes, content_type="image/jpeg")})
        # Not the MULTIPART_CONTENT object itself, so the client sends the body as is.
        content_type = f"multipart/form-data; boundary={BOUNDARY}"

        def verify() -> tuple[float, float]:
            start, cpu = time.perf_counter(), time.process_time()
            response = client.post("/api/v1/recognition/verify/", body,
                                    content_type=content_type)
            elapsed = time.perf_counter() - start, time.process_time() - cpu
            if response.status_code != 200 or response.json()["match"] is not True:
                sys.exit(f"verify failed: {response.status_code} {response.content[:300]!r}")
            return elapsed

        def engine() -> tuple[float, float]:
            start, cpu = time.perf_counter(), time.process_time()
            encode_probe(load_image(probe_bytes))
            return time.perf_counter() - start, time.process_time() - cpu

        for _ in range(2):  # warm-up: imports, URL resolver, models, caches
            verify()
            engine()
        with CaptureQueriesContext(connection) as queries:
            verify()
        captured = list(queries.captured_queries)  # the next request resets the query log
        # A write may sit in a WITH clause (the interaction's UPDATE, the event's INSERT).
        writes = sum(1 for q in captured
                     if any(word in q["sql"].upper() for word in ("INSERT ", "UPDATE ", "DELETE ")))
        if args.show_queries:
            for query in captured:
                print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:args.sql_width]}")

        # Wall time spent in database calls (statements and commits) during each verify.
        in_database = [0.0]

        def timed_execute(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                in_database[0] += time.perf_counter() - start

        commit = connection.commit

        def timed_commit() -> None:
            start = time.perf_counter()
            try:
                commit()
            finally:
                in_database[0] += time.perf_counter() - start

        connection.commit = timed_commit  # this connection only, for this run
        latencies, engines, latency_cpu, engine_cpu, database_times = [], [], [], [], []
        with connection.execute_wrapper(timed_execute):
            for _ in range(args.requests):
                in_database[0] = 0.0
                wall, cpu = verify()
                latencies.append(wall)
                latency_cpu.append(cpu)
                database_times.append(in_database[0])
                wall, cpu = engine()
                engines.append(wall)
                engine_cpu.append(cpu)
        del connection.commit
        ms = 1000
        latency, engine_time = statistics.median(latencies), statistics.median(engines)
        overhead = latency - engine_time
        paired = statistics.median(a - b for a, b in zip(latencies, engines, strict=True))
        print(f"verify via the API ({args.requests} requests; in-process test Client: no "
              f"network, no WSGI server): median {latency * ms:.1f} ms, "
              f"p90 {percentile(latencies, 0.9) * ms:.1f} ms, min {min(latencies) * ms:.1f} ms")
        print(f"engine alone on the same bytes (load_image + encode_probe): median "
              f"{engine_time * ms:.1f} ms, p90 {percentile(engines, 0.9) * ms:.1f} ms, "
              f"min {min(engines) * ms:.1f} ms")
        print(f"overhead = latency - engine, medians: {overhead * ms:.1f} ms (paired median "
              f"{paired * ms:.1f} ms; minima {(min(latencies) - min(engines)) * ms:.1f} ms) "
              f"-> latency/engine ratio {latency / engine_time:.2f}x (target: overhead < 10 ms)")
        cpu_overhead = statistics.median(latency_cpu) - statistics.median(engine_cpu)
        print(f"overhead in this process's CPU time (insensitive to other load on the machine; "
              f"excludes a database server's own work): {cpu_overhead * ms:.1f} ms "
              f"(verify {statistics.median(latency_cpu) * ms:.1f} ms, engine "
              f"{statistics.median(engine_cpu) * ms:.1f} ms)")
        statements = [q for q in captured if q["sql"] not in ("BEGIN", "COMMIT")]
        print(f"database per verify: {len(statements)} statements ({writes} writing) in one "
              f"transaction; wall time in database calls (statements "
              f"and commits): median {statistics.median(database_times) * ms:.1f} ms, "
              f"p90 {percentile(database_times, 0.9) * ms:.1f} ms")

        # Direct check, no subtraction: the same requests with the engine's answer precomputed.
        image = load_image(probe_bytes)
        template = encode_probe(image)
        stubbed, stubbed_cpu = [], []
        with mock.patch("recognition.services.recognition.load_image", return_value=image), \
                mock.patch("recognition.services.recognition.encode_probe",
                           return_value=template):
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.requests):
                    verify()
                profiler.disable()
                stats = pstats.Stats(profiler)
                stats.sort_stats(args.sort).print_stats(
                    int(args.limit) if args.limit.isdigit() else args.limit)
                print_time_by_package(stats, requests=args.requests)
            for _ in range(args.requests):
                wall, cpu = verify()
                stubbed.append(wall)
                stubbed_cpu.append(cpu)
        print(f"direct check - verify with the engine stubbed out (its result precomputed): "
              f"median {statistics.median(stubbed) * ms:.1f} ms, p90 "
              f"{percentile(stubbed, 0.9) * ms:.1f} ms, min {min(stubbed) * ms:.1f} ms; "
              f"CPU median {statistics.median(stubbed_cpu) * ms:.1f} ms")

        # Before/after the stamped caches (API key, the gate's deployment facts), in the
        # same run, alternating request by request: FACEGOV_STAMPED_CACHE off, then on.
        from django.test import override_settings

        modes = {"cache off (before)": False, "cache on (after)": True}
        walls = {name: [] for name in modes}
        cpus = {name: [] for name in modes}
        counts = {}
        for name, on in modes.items():
            with override_settings(FACEGOV_STAMPED_CACHE=on):
                verify()  # warm this mode's caches
                with CaptureQueriesContext(connection) as queries:
                    verify()
                counts[name] = len(queries.captured_queries)
        with mock.patch("recognition.services.recognition.load_image", return_value=image), \
                mock.patch("recognition.services.recognition.encode_probe",
                           return_value=template):
            for _ in range(args.requests):
                for name, on in modes.items():
                    with override_settings(FACEGOV_STAMPED_CACHE=on):
                        wall, cpu = verify()
                    walls[name].append(wall)
                    cpus[name].append(cpu)
        for name in modes:
            print(f"engine stubbed, {name}: median {statistics.median(walls[name]) * ms:.1f}"
                  f" ms, p90 {percentile(walls[name], 0.9) * ms:.1f} ms, CPU median "
                  f"{statistics.median(cpus[name]) * ms:.1f} ms, {counts[name]} queries")
        before, after = (statistics.median(walls[n]) for n in modes)
        print(f"stamped caches: after/before {after / before:.2f}x "
              f"({(before - after) * ms:.1f} ms less per verify)")


if __name__ == "__main__":
    main()
