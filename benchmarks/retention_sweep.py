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
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM recognition_template WHERE delete_after <= %s",
                       [timezone.now()])
        deleted = cursor.rowcount
    return time.perf_counter() - started, deleted


def main() -> None:
    from django.conf import settings

    from governance.models import DeletionCertificate
    from governance.platform.ledger_verify import ledgers_verify
    from governance.services.retention import overdue_count, retention_sweep
    from recognition.models import Template, VaultSubject
    from tests.factories import ActiveDeploymentFactory

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark runs on PostgreSQL (set DATABASE_URL).")
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        deployment = ActiveDeploymentFactory()
        fill(deployment, tag="base")
        base_seconds, base_rows = baseline_delete()
        VaultSubject.objects.filter(deployment=deployment).delete()

        fill(deployment, tag="sweep")
        started = time.perf_counter()
        report = retention_sweep()
        sweep_seconds = time.perf_counter() - started

        assert report.destroyed == base_rows == TEMPLATES, (report, base_rows)
        assert not Template.objects.exists() and overdue_count() == 0
        assert not VaultSubject.objects.exists()
        assert all(r.broken is None for r in ledgers_verify())
        certificates = DeletionCertificate.objects.count()
        ratio = sweep_seconds / base_seconds
        print(f"retention sweep of {TEMPLATES:,} expired templates "
              f"({TEMPLATES // PER_SUBJECT:,} subjects shredded), PostgreSQL "
              f"{connection.pg_version // 10000}, batch {settings.FACEGOV_RETENTION_BATCH_SIZE}")
        print(f"  baseline raw DELETE : {base_seconds:7.2f} s  ({base_rows:,} rows)")
        print(f"  sweep + certificates: {sweep_seconds:7.2f} s  ({certificates} certificates, "
              f"{TEMPLATES / sweep_seconds:,.0f} templates/s)")
        print(f"  ratio {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x); "
              f"{'under' if sweep_seconds < TARGET_SECONDS else 'OVER'} {TARGET_SECONDS:.0f} s")
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
