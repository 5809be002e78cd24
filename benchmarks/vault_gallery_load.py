"""Cold load of a 100,000-template gallery from the encrypted vault (``gallery_for``).

A throwaway database (SQLite in a temp dir, or ``--database-url``) gets one active deployment
and N subjects with one template each. The rows are built in bulk with the vault's own format
and helpers - a data key per subject wrapped under the deployment key (``_subject_aad``), a
random unit vector put through the deployment's secret transform and sealed under that data
key (``_template_aad``) - so ``gallery_rows`` opens them exactly as it opens enrolled ones.

Measured, alternating runs so both see the same caches (database pages are warm: "cold" means
this process holds no gallery yet, as after a restart or a ``gallery_version`` bump):

* cold ``gallery_for`` after ``gallery_forget()`` - count, decrypt every row, build the index;
* baseline: the same rows and the same columns (sealed vector, wrapped data key and every aad
  part) read raw through ``values_list`` and iterated fully, without decryption;
* warm ``gallery_for`` (version check only: one query plus the deployment key's unwrap);
* memory: index nbytes, tracemalloc peak/retained of a load, RSS growth - vs the raw float32
  matrix (N x 128 x 4 bytes). tracemalloc sees Python and numpy allocations only; RSS also
  sees the database driver's C buffers but under-counts memory reused from heap that earlier
  loads freed, so it is a rough cross-check;
* a breakdown of one cold load: row reads alone, crypto alone on in-memory bytes;
* correctness: known inserted vectors (plus noise) come back as top-1 from the loaded index.

Run: python benchmarks/vault_gallery_load.py [--n 100000] [--database-url postgres://...]
(at 100k on 2 cores: about 1.7 min with SQLite, 2.2 min with PostgreSQL; the fill and the
migrations take about a third of that.)
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from types import SimpleNamespace

import numpy as np
from _django import add_database_argument, make_enterprise_deployment, throwaway_django
from tqdm import tqdm

KNOWN = 5  # inserted vectors kept aside for the top-1 check


def proc_status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # resets VmHWM (Linux >= 4.0)
        return True
    except OSError:
        return False


def fill(deployment, n: int, batch: int, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    """N subjects with one sealed template each; returns {position: (subject id, vector)} of a
    few known rows (the untransformed vector, as a probe would be)."""
    from django.db import transaction
    from django.utils import timezone

    from recognition.engine import ENGINE_VERSION, MODEL_VERSION
    from recognition.models import Template, VaultSubject
    from recognition.services.vault import (
        _subject_aad,
        _template_aad,
        deployment_key_ensure,
        deployment_secrets,
        gallery_version_bump,
    )
    from recognition.vault.crypto import generate_key, seal, vector_to_bytes, wrap_key

    secrets = deployment_secrets(deployment_key_ensure(deployment=deployment))
    known_positions = set(rng.choice(n, size=min(KNOWN, n), replace=False).tolist())
    known: dict[int, tuple[int, np.ndarray]] = {}
    now = timezone.now()
    with tqdm(total=n, unit="template", desc="filling the vault", file=sys.stderr,
              smoothing=0.1) as bar:
        for start in range(0, n, batch):
            size = min(batch, n - start)
            vectors = rng.standard_normal((size, 128), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            stored = secrets.transform.apply(vectors)
            subjects, data_keys = [], []
            for i in range(size):
                subject = VaultSubject(deployment=deployment,
                                       subject_ref=f"subject-{start + i:07d}",
                                       last_interaction_at=now)
                data_key = generate_key()
                subject.wrapped_data_key = wrap_key(kek=secrets.key, key=data_key,
                                                    aad=_subject_aad(subject))
                subjects.append(subject)
                data_keys.append(data_key)
            with transaction.atomic():
                VaultSubject.objects.bulk_create(subjects)
                templates = []
                for subject, data_key, vector in zip(subjects, data_keys, stored, strict=True):
                    template = Template(subject=subject,
                                        transform_version=secrets.transform_version,
                                        engine_version=ENGINE_VERSION, model_version=MODEL_VERSION)
                    template.sealed_vector = seal(key=data_key, plaintext=vector_to_bytes(vector),
                                                  aad=_template_aad(subject, template))
                    templates.append(template)
                Template.objects.bulk_create(templates)
            for position in known_positions:
                if start <= position < start + size:
                    known[position] = (subjects[position - start].id,
                                       vectors[position - start].copy())
            bar.update(size)
    gallery_version_bump(deployment_id=deployment.id)  # as template_store does
    return known


def raw_rows(deployment_id: int):  # type: ignore[no-untyped-def]
    """The rows gallery_rows decrypts, same order, same columns, as raw values."""
    from recognition.models import Template

    return (Template.objects.filter(subject__deployment_id=deployment_id)
            .order_by("subject_id", "id")
            .values_list("subject_id", "subject__deployment_id", "subject__subject_ref",
                         "subject__key_id", "subject__wrapped_data_key", "nonce_id",
                         "sealed_vector"))


def read_raw(deployment_id: int) -> int:
    nbytes = 0
    for row in raw_rows(deployment_id).iterator(chunk_size=2000):
        nbytes += len(row[4]) + len(row[6])
    return nbytes


def cold_load(deployment_id: int):  # type: ignore[no-untyped-def]
    from recognition.gallery import gallery_for, gallery_forget

    gallery_forget()
    gc.collect()
    start = time.perf_counter()
    index, secrets = gallery_for(deployment_id=deployment_id)
    return time.perf_counter() - start, index, secrets


def breakdown(deployment_id: int, secrets) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(row reads alone, crypto alone) for one pass over the gallery: gallery_rows reads the
    same plain columns (values_list) that `raw_rows` does."""
    from recognition.services.vault import _template_aad, subject_data_key
    from recognition.vault.crypto import open_sealed, vector_from_bytes

    start = time.perf_counter()
    read_raw(deployment_id)
    orm = time.perf_counter() - start
    rows = [
        (SimpleNamespace(id=sid, deployment_id=dep, subject_ref=ref, key_id=key_id,
                         wrapped_data_key=wrapped), SimpleNamespace(nonce_id=nonce), bytes(sealed))
        for sid, dep, ref, key_id, wrapped, nonce, sealed in raw_rows(deployment_id)
    ]
    start = time.perf_counter()
    for subject, template, sealed in rows:
        data_key = subject_data_key(subject, secrets)
        vector_from_bytes(open_sealed(key=data_key, sealed=sealed,
                                      aad=_template_aad(subject, template)))
    crypto = time.perf_counter() - start
    return orm, crypto


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="templates (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="cold loads timed (median)")
    parser.add_argument("--batch", type=int, default=5000, help="rows per bulk_create batch")
    parser.add_argument("--seed", type=int, default=5)
    add_database_argument(parser)
    args = parser.parse_args()

    with throwaway_django(args.database_url) as database:
        from django.db import connection

        from recognition.gallery import gallery_for, gallery_forget

        print(f"database: {database}")
        deployment, _ = make_enterprise_deployment()
        rng = np.random.default_rng(args.seed)
        start = time.perf_counter()
        known = fill(deployment, args.n, args.batch, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum would do after a bulk load
                cursor.execute("ANALYZE recognition_template; ANALYZE recognition_vaultsubject")
        print(f"filled {args.n:,} subjects x 1 template in {time.perf_counter() - start:.1f} s "
              f"(bulk, not timed below)")

        n, raw_bytes = args.n, args.n * 128 * 4
        read_raw(deployment.id)  # warm the database's page cache for both sides alike
        colds, raws = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            read_bytes = read_raw(deployment.id)
            raws.append(time.perf_counter() - start)
            seconds, index, secrets = cold_load(deployment.id)
            colds.append(seconds)
            assert len(index) == n, (len(index), n)
        warms = []
        for _ in range(50):
            start = time.perf_counter()
            warm_index, _ = gallery_for(deployment_id=deployment.id)
            warms.append(time.perf_counter() - start)
            assert warm_index is index
        cold, raw, warm = (statistics.median(x) for x in (colds, raws, warms))
        runs = ", ".join(f"{c:.2f}" for c in colds)
        print(f"cold gallery_for ({n:,} templates): {cold:.2f} s = "
              f"{cold / n * 1e6:.1f} us/template (median of {args.repeat}: {runs} s)")
        print(f"baseline raw read of the same rows and columns (values_list, no decryption, "
              f"{read_bytes / 2**20:.1f} MiB): {raw:.2f} s = {raw / n * 1e6:.1f} us/template "
              f"-> cold/baseline ratio {cold / raw:.1f}x")
        print(f"warm gallery_for (version check only): median {warm * 1000:.2f} ms over 50 calls")

        del index, warm_index
        gallery_forget()
        gc.collect()
        rss_before = proc_status_kib("VmRSS") * 1024
        peak_ok = reset_peak_rss()
        _, index, secrets = cold_load(deployment.id)
        rss_peak = proc_status_kib("VmHWM") * 1024 if peak_ok else 0
        rss_after = proc_status_kib("VmRSS") * 1024
        del index
        gallery_forget()
        gc.collect()
        tracemalloc.start()
        _, index, secrets = cold_load(deployment.id)
        retained, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"memory vs the raw float32 matrix ({raw_bytes / 2**20:.1f} MiB): index nbytes "
              f"{index.nbytes / raw_bytes:.3f}x; tracemalloc peak during load "
              f"{peak / raw_bytes:.3f}x, retained after {retained / raw_bytes:.3f}x; RSS growth "
              f"retained {(rss_after - rss_before) / raw_bytes:.3f}x"
              + (f", peak {(rss_peak - rss_before) / raw_bytes:.3f}x" if peak_ok else ""))

        orm, crypto = breakdown(deployment.id, secrets)
        print(f"breakdown of one cold load: row reads (values_list, no crypto) "
              f"{orm:.2f} s ({orm / cold:.0%}); unwrap + open + aad on in-memory bytes "
              f"{crypto:.2f} s ({crypto / cold:.0%}); rest (count, index build, overheads) "
              f"{max(cold - orm - crypto, 0):.2f} s")

        threshold = deployment.threshold
        found = 0
        for position, (subject_id, vector) in sorted(known.items()):
            probe = vector + rng.normal(0, 0.01, 128).astype(np.float32)
            top = index.search(secrets.transform.apply(probe), top_k=1, threshold=threshold)
            exact = index.search(secrets.transform.apply(vector), top_k=1, threshold=threshold)
            ok = bool(top) and top[0].subject_ref == subject_id and exact[0].distance < 1e-5
            found += ok
            if not ok:
                print(f"  MISSED row {position} (subject id {subject_id}): {top}")
        print(f"correctness: {found}/{len(known)} known inserted vectors (+ noise sd 0.01) found "
              f"as top-1 at threshold {threshold}; {len(index):,} rows loaded")
        if found != len(known):
            sys.exit(1)


if __name__ == "__main__":
    main()
