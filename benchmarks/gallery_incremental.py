"""The first ``gallery_for`` after one enrolment, in-process gallery of 100,000 templates:
full rebuild (the old way) vs incremental update (recognition/gallery_part.py), same run.

A throwaway database (SQLite in a temp dir, or ``--database-url``) is filled in bulk in the
vault's format by ``vault_gallery_load.fill`` (N subjects, one sealed template each). Each
round, alternating so both see the same caches:

* baseline: one person enrolled (``template_store``), the process's gallery dropped
  (``gallery_forget``), then ``gallery_for`` - what every enrolment used to cost the next
  lookup: count, decrypt every template, build the index;
* incremental: with the gallery held, one person enrolled, then ``gallery_for``. Measured
  twice: the first enrolment after a full load (a freshly built index has no spare rows, so
  the append copies the matrix once into buffers with a quarter more room), and the next one
  (written in place into the spare rows);
* the query every update makes for the gallery's template ids alone (its O(N) part).

Correctness: each person enrolled is top-1 for their own vector right after the update, and
the updated index answers as a full rebuild does on a few known rows.

Run: python benchmarks/gallery_incremental.py [--n 100000] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time

import numpy as np
from _django import add_database_argument, make_enterprise_deployment, throwaway_django
from vault_gallery_load import fill


def enrol(deployment, rng: np.random.Generator, number: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    from recognition.services.vault import template_store

    vector = rng.standard_normal(128, dtype=np.float32)
    vector /= np.linalg.norm(vector)
    template_store(deployment=deployment, subject_ref=f"new-{number:04d}", vector=vector)
    return vector


def timed_lookup(deployment_id: int):  # type: ignore[no-untyped-def]
    from recognition.gallery import gallery_for

    gc.collect()
    start = time.perf_counter()
    index, secrets = gallery_for(deployment_id=deployment_id)
    return time.perf_counter() - start, index, secrets


def found_first(index, secrets, vector: np.ndarray, subject_id: int) -> bool:  # type: ignore[no-untyped-def]
    top = index.search(secrets.transform.apply(vector), top_k=1, threshold=0.6)
    return bool(top) and top[0].subject_ref == subject_id


def id_query(deployment_id: int) -> float:
    from recognition.services.vault import gallery_templates

    start = time.perf_counter()
    np.fromiter(gallery_templates(deployment_id=deployment_id).values_list("id", flat=True)
                .iterator(chunk_size=20_000), dtype=np.int64)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="templates (default 100,000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds timed (median)")
    parser.add_argument("--batch", type=int, default=5000, help="rows per bulk_create batch")
    parser.add_argument("--seed", type=int, default=7)
    add_database_argument(parser)
    args = parser.parse_args()

    with throwaway_django(args.database_url) as database:
        from django.db import connection

        from recognition.gallery import gallery_forget
        from recognition.models import VaultSubject

        print(f"database: {database}")
        deployment, _ = make_enterprise_deployment()
        rng = np.random.default_rng(args.seed)
        start = time.perf_counter()
        known = fill(deployment, args.n, args.batch, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE recognition_template; ANALYZE recognition_vaultsubject")
        print(f"filled {args.n:,} subjects x 1 template in {time.perf_counter() - start:.1f} s "
              f"(bulk, not timed)")

        full, first, later, ids, ok = [], [], [], [], True
        enrolled = 0

        def check(index, secrets, vector) -> bool:  # type: ignore[no-untyped-def]
            subject_id = VaultSubject.objects.get(subject_ref=f"new-{enrolled:04d}").id
            return found_first(index, secrets, vector, subject_id)

        for _ in range(args.rounds):
            enrolled += 1
            vector = enrol(deployment, rng, enrolled)
            gallery_forget()
            seconds, rebuilt, secrets = timed_lookup(deployment.id)
            full.append(seconds)
            ok &= check(rebuilt, secrets, vector)
            for times in (first, later):
                enrolled += 1
                vector = enrol(deployment, rng, enrolled)
                seconds, index, secrets = timed_lookup(deployment.id)
                times.append(seconds)
                ok &= check(index, secrets, vector)
            ids.append(id_query(deployment.id))
            for subject_id, vector in known.values():  # same answers as the full rebuild
                ok &= found_first(index, secrets, vector, subject_id)
            del rebuilt
        rows = len(index)

        median = statistics.median
        runs = lambda xs: ", ".join(f"{x * 1000:.0f}" for x in xs)  # noqa: E731
        print(f"first gallery_for after one enrolment, {rows:,} templates (median of "
              f"{args.rounds}; ms per run):")
        print(f"  full rebuild (old way, baseline): {median(full) * 1000:.0f} ms ({runs(full)})")
        print(f"  incremental, first after a load (matrix copied once into spare rows): "
              f"{median(first) * 1000:.1f} ms ({runs(first)}) -> "
              f"{median(full) / median(first):.0f}x faster")
        print(f"  incremental, next enrolment (in place): {median(later) * 1000:.1f} ms "
              f"({runs(later)}) -> {median(full) / median(later):.0f}x faster")
        print(f"  of which the template-id query alone: {median(ids) * 1000:.1f} ms")
        print(f"correctness: {'ok' if ok else 'FAILED'} (each new person top-1 after its update; "
              f"{len(known)} known rows top-1 in the updated index)")
        if not ok:
            sys.exit(1)


if __name__ == "__main__":
    main()
