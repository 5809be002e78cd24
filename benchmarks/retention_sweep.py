"""Retention sweep of 100,000 expired templates on PostgreSQL, with deletion certificates,
against a raw SQL DELETE of the same rows, measured in the same run.

The gallery is filled the way the vault stores it (recognition/services/vault.py): one
deployment key, a data key per subject wrapped under it, every template sealed with AES-GCM
bound to its row; 2 templates per subject (50,000 subjects). It is filled twice with the same
shape: once for the baseline (`DELETE FROM recognition_template WHERE delete_after <= now`,
one statement), once for the sweep (`retention_sweep()`: batches of
FACEGOV_RETENTION_BATCH_SIZE, each selected under the deployment's lock, destroyed with
DELETE … RETURNING, empty subjects crypto-shredded, one chained certificate per batch with
keyed hashes of every identifier). Target: sweep ≤ 3 × baseline, and under 60 s.

Run: python benchmarks/retention_sweep.py
     (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/facegov_bench_retention;
     the benchmark creates and drops its own test_… database there.)
"""

from __future__ import annotations

import datetime as dt
import os
import time

from _common import REPO_ROOT  # noqa: F401  (sets sys.path)

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/facegov_bench_retention")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
# Signed ledger heads go to a file of this run's own: heads published by earlier runs (or by
# tests sharing var/) name other chains with the same deployment ids.
os.environ["FACEGOV_LEDGER_HEADS_PATH"] = os.path.join(
    __import__("tempfile").mkdtemp(prefix="facegov-bench-heads-"), "heads.jsonl")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

TEMPLATES = 100_000
PER_SUBJECT = 2
FILL_BLOCK = 5_000
TARGET_RATIO = 3.0
TARGET_SECONDS = 60.0


def fill(deployment, *, tag: str) -> None:
    """TEMPLATES sealed templates, expired yesterday, bulk-inserted in blocks."""
    from recognition.models import Template, VaultSubject
    from recognition.services.vault import (
        _subject_aad,
        _template_aad,
        deployment_key_ensure,
        deployment_secrets,
    )
    from recognition.vault.crypto import generate_key, seal, vector_to_bytes, wrap_key

    secrets = deployment_secrets(deployment_key_ensure(deployment=deployment))
    expired = timezone.now() - dt.timedelta(days=1)
    rng = np.random.default_rng(6)
    subjects_per_block = FILL_BLOCK // PER_SUBJECT
    with tqdm(total=TEMPLATES, desc=f"filling ({tag})", unit="tpl", leave=False) as bar:
        for start in range(0, TEMPLATES // PER_SUBJECT, subjects_per_block):
            subjects, keys = [], []
            for i in range(start, start + subjects_per_block):
                subject = VaultSubject(deployment=deployment, subject_ref=f"{tag}-{i}",
                                       last_interaction_at=expired)
                key = generate_key()
                subject.wrapped_data_key = wrap_key(kek=secrets.key, key=key,
                                                    aad=_subject_aad(subject))
                subjects.append(subject)
                keys.append(key)
            VaultSubject.objects.bulk_create(subjects)
            vectors = rng.standard_normal((FILL_BLOCK, 128), dtype=np.float32)
            templates = []
            for n, (subject, key) in enumerate(zip(subjects, keys, strict=True)):
                for k in range(PER_SUBJECT):
                    template = Template(subject=subject, transform_version=1,
                                        engine_version="bench", model_version="bench",
                                        delete_after=expired, delete_trigger="collection")
                    template.sealed_vector = seal(
                        key=key, plaintext=vector_to_bytes(vectors[n * PER_SUBJECT + k]),
                        aad=_template_aad(subject, template))
                    templates.append(template)
            Template.objects.bulk_create(templates)
            bar.update(len(templates))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE recognition_template")
        cursor.execute("ANALYZE recognition_vaultsubject")


def baseline_delete() -> tuple[float, int]:
    """A bare DELETE of the due rows: the floor, shown for reference."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM recognition_template WHERE delete_after <= %s",
                       [timezone.now()])
        deleted = cursor.rowcount
    return time.perf_counter() - started, deleted


BASELINE_BATCH_SQL = """
WITH picked AS (
    SELECT t.id FROM recognition_template t JOIN recognition_vaultsubject s ON s.id = t.subject_id
    WHERE s.deployment_id = %(deployment)s AND t.delete_after <= %(now)s
    ORDER BY t.delete_after, t.id LIMIT %(size)s),
removed AS (
    DELETE FROM recognition_template t USING picked WHERE t.id = picked.id
    RETURNING t.nonce_id, t.subject_id),
emptied AS (
    UPDATE recognition_vaultsubject s SET wrapped_data_key = ''::bytea
    FROM (SELECT DISTINCT subject_id FROM removed) r
    WHERE s.id = r.subject_id
      AND NOT EXISTS (SELECT 1 FROM recognition_template t WHERE t.subject_id = s.id
                      AND t.id NOT IN (SELECT id FROM picked))
      AND NOT EXISTS (SELECT 1 FROM recognition_faceimage i WHERE i.subject_id = s.id)
    RETURNING s.id, s.key_id, s.subject_ref),
certificate AS (
    INSERT INTO governance_deletioncertificate
        (deployment_id, sequence, previous_hash, entry_hash, recorded_at, category, count,
         trigger, rule, legal_reference, description, identifier_hashes, subject_hashes,
         keys_shredded, ledger_checkpoint)
    SELECT %(deployment)s, %(sequence)s, '', '', %(now)s, 'face_template',
           (SELECT count(*) FROM removed), 'collection', 'bench', 'bench', 'bench',
           (SELECT coalesce(jsonb_agg(encode(hmac(
                convert_to('face_template|' || nonce_id::text, 'UTF8'),
                %(key)s::bytea, 'sha256'), 'hex')), '[]') FROM removed),
           (SELECT coalesce(jsonb_agg(h ORDER BY h), '[]') FROM (
                SELECT DISTINCT encode(hmac(
                    convert_to('subject|' || %(deployment)s || '|' || s.subject_ref, 'UTF8'),
                    %(key)s::bytea, 'sha256'), 'hex') AS h
                FROM removed JOIN recognition_vaultsubject s ON s.id = removed.subject_id) x),
           (SELECT coalesce(jsonb_agg(key_id::text ORDER BY key_id), '[]') FROM emptied),
           '{}'::jsonb
    WHERE EXISTS (SELECT 1 FROM removed)
    RETURNING id, subject_hashes),
indexed AS (
    INSERT INTO governance_deletioncertificatesubject (certificate_id, subject_hash)
    SELECT certificate.id, jsonb_array_elements_text(certificate.subject_hashes)
    FROM certificate)
SELECT (SELECT count(*) FROM removed), coalesce((SELECT array_agg(id) FROM emptied), '{}')
"""


def baseline_sql(deployment, size: int) -> tuple[float, int, int]:
    """The same destruction in SQL, batch by batch of the sweep's size, one transaction each:
    delete the due templates, crypto-shred (overwrite, then delete) the subjects left empty,
    insert one certificate per batch with HMAC-SHA256 keyed hashes of every identifier and
    subject computed by PostgreSQL (pgcrypto) and its subject index rows. Not done: the chain
    hash, the signed ledger head, holds, rule texts — what the sweep adds on top."""
    from django.db import transaction

    from governance.platform.crypto import KeyPurpose, derive_key

    key = derive_key(KeyPurpose.DELETION_CERTIFICATE)
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    started, certificates, sequence = time.perf_counter(), 0, 10**6
    now = timezone.now()
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM governance_deployment WHERE id = %s FOR UPDATE",
                           [deployment.id])
            sequence += 1
            cursor.execute(BASELINE_BATCH_SQL, {"deployment": deployment.id, "now": now,
                                                "size": size, "key": key,
                                                "sequence": sequence})
            removed, emptied = cursor.fetchone()
            if emptied:
                cursor.execute("DELETE FROM recognition_vaultsubject WHERE id = ANY(%s)",
                               [emptied])
        if not removed:
            break
        certificates += 1
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(count), 0) FROM governance_deletioncertificate "
                       "WHERE sequence > %s", [10**6])
        destroyed = cursor.fetchone()[0]
        cursor.execute("DELETE FROM governance_deletioncertificatesubject WHERE certificate_id IN "
                       "(SELECT id FROM governance_deletioncertificate WHERE sequence > %s)",
                       [10**6])
        cursor.execute("DELETE FROM governance_deletioncertificate WHERE sequence > %s", [10**6])
    return seconds, destroyed, certificates


def main() -> None:
    global TEMPLATES
    import argparse

    from django.conf import settings

    from governance.models import DeletionCertificate
    from governance.platform.ledger_verify import ledgers_verify
    from governance.services.retention import overdue_count, retention_sweep
    from recognition.models import Template, VaultSubject
    from tests.factories import ActiveDeploymentFactory

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=TEMPLATES)
    parser.add_argument("--profile", action="store_true", help="cProfile the sweep")
    args = parser.parse_args()
    TEMPLATES = args.templates
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark runs on PostgreSQL (set DATABASE_URL).")
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        deployment = ActiveDeploymentFactory()
        fill(deployment, tag="base")
        bare_seconds, bare_rows = baseline_delete()
        VaultSubject.objects.filter(deployment=deployment).delete()

        fill(deployment, tag="sql")
        size = settings.FACEGOV_RETENTION_BATCH_SIZE
        base_seconds, base_rows, base_certificates = baseline_sql(deployment, size)
        print(f"  (SQL baseline measured: {base_seconds:.2f} s)", flush=True)
        assert base_rows == TEMPLATES and not Template.objects.exists(), base_rows
        assert not VaultSubject.objects.exists()

        fill(deployment, tag="sweep")
        started = time.perf_counter()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            report = profiler.runcall(retention_sweep)
        else:
            report = retention_sweep()
        sweep_seconds = time.perf_counter() - started
        if args.profile:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)

        assert report.destroyed == bare_rows == TEMPLATES, (report, bare_rows)
        assert not Template.objects.exists() and overdue_count() == 0
        assert not VaultSubject.objects.exists()
        broken = [r for r in ledgers_verify() if r.broken is not None]
        assert not broken, [(r.ledger, r.broken.where(), r.broken.reason) for r in broken]
        certificates = DeletionCertificate.objects.count()
        ratio = sweep_seconds / base_seconds
        print(f"retention sweep of {TEMPLATES:,} expired templates "
              f"({TEMPLATES // PER_SUBJECT:,} subjects shredded), PostgreSQL "
              f"{connection.pg_version // 10000}, batch {size}")
        print(f"  bare DELETE (floor) : {bare_seconds:7.2f} s  ({bare_rows:,} rows, no shred, "
              "no certificate)")
        print(f"  SQL baseline        : {base_seconds:7.2f} s  ({base_certificates} certificates, "
              "keyed hashes and shredding in SQL)")
        print(f"  sweep + certificates: {sweep_seconds:7.2f} s  ({certificates} certificates, "
              f"{TEMPLATES / sweep_seconds:,.0f} templates/s, chained, signed heads)")
        print(f"  ratio sweep / SQL baseline {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x); "
              f"sweep / bare DELETE {sweep_seconds / bare_seconds:.1f}x; "
              f"{'under' if sweep_seconds < TARGET_SECONDS else 'OVER'} {TARGET_SECONDS:.0f} s")
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
