"""Shard workers as real Celery processes on the environment's broker: a worker killed in the
middle of a search (the request goes to another holder, or fails with a clear code within the
timeout — never hangs), and a deletion never served by a part loaded before it."""

import threading
import time

import numpy as np
import pytest
from django.db import connection, transaction

from recognition.gallery import gallery_for
from recognition.models import DeploymentKey, VaultSubject
from recognition.services.recognition import Caller, _candidates, recognition_subject_delete
from recognition.services.vault import deployment_secrets, template_store
from recognition.shards import shard_queue, sharded_search
from tests.factories import ActiveDeploymentFactory, DeploymentNoticeFactory
from tests.workers import celery_worker, log_tail, wait_until, worker_env

pytestmark = [pytest.mark.worker,
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="locks a table to hold a worker mid-search")]
TIMEOUT = 6.0


@pytest.fixture
def gallery(transactional_db, settings):
    from config.celery_app import app

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("shard workers answer over a Redis broker and result backend")
    settings.FACEGOV_GALLERY_SHARDS = 1
    settings.FACEGOV_SHARD_TIMEOUT = TIMEOUT
    app.control.purge()
    deployment = ActiveDeploymentFactory()
    DeploymentNoticeFactory(deployment=deployment)
    vectors = {}
    for n in range(3):
        vector = np.random.default_rng(n).standard_normal(128).astype(np.float32) * 0.05
        template_store(deployment=deployment, subject_ref=f"s-{n}", vector=vector)
        vectors[f"s-{n}"] = vector
    yield deployment, vectors
    app.control.purge()


def search(deployment, vector):
    row = DeploymentKey.objects.get(deployment=deployment)
    probe = deployment_secrets(row).transform.apply(vector)
    return sharded_search(deployment_id=deployment.id, probe=probe, top_k=3, threshold=10.0,
                          version=row.gallery_version, transform_version=row.transform_version,
                          parts=1)


def shard_worker(tmp_path, name):
    env = worker_env(FACEGOV_GALLERY_SHARDS="1")
    log = str(tmp_path / f"{name}.log")
    return celery_worker(env, log, ("-Q", shard_queue(0, 0, 1), "-n", f"{name}@%h")), log


def test_a_worker_killed_mid_search_is_replaced_by_another_holder_or_refused(
        gallery, tmp_path):
    from recognition.errors import GalleryUnavailable

    deployment, vectors = gallery
    first, first_log = shard_worker(tmp_path, "a")
    second, second_log = shard_worker(tmp_path, "b")
    with first as worker_a, second as worker_b:
        answer: dict = {}
        # Hold whichever worker takes the search inside its load (the templates are locked).
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE recognition_template IN ACCESS EXCLUSIVE MODE")
            row = DeploymentKey.objects.get(deployment=deployment)
            probe = deployment_secrets(row).transform.apply(vectors["s-1"])

            def run():
                started = time.monotonic()
                try:
                    answer["found"] = sharded_search(
                        deployment_id=deployment.id, probe=probe, top_k=3, threshold=10.0,
                        version=row.gallery_version, transform_version=row.transform_version,
                        parts=1)
                except GalleryUnavailable as exc:
                    answer["error"] = exc
                answer["seconds"] = time.monotonic() - started

            thread = threading.Thread(target=run)
            thread.start()
            received = {}

            def someone_received():
                for name, log in (("a", first_log), ("b", second_log)):
                    if "gallery_shard_search" in log_tail(log, 10**6) and "received" in \
                            log_tail(log, 10**6):
                        received["name"] = name
                        return True
                return False

            wait_until(someone_received, what="a shard worker to take the search")
            busy, idle = ((worker_a, worker_b) if received["name"] == "a"
                          else (worker_b, worker_a))
            busy.kill()  # in the middle of the search: it never answers, never acknowledges
            busy.wait(timeout=30)
        thread.join(timeout=4 * TIMEOUT)
        assert not thread.is_alive(), "the request hung"
        assert "error" not in answer, answer
        subject = VaultSubject.objects.get(subject_ref="s-1").id
        assert answer["found"][0][0] == subject  # answered by the other holder, after a resend
        assert TIMEOUT <= answer["seconds"] < 3 * TIMEOUT

        idle.kill()  # now nobody holds the part: a clear refusal within the timeout
        idle.wait(timeout=30)
        started = time.monotonic()
        with pytest.raises(GalleryUnavailable) as refused:
            search(deployment, vectors["s-1"])
        assert refused.value.code == "gallery_unavailable"
        assert time.monotonic() - started < 3 * TIMEOUT


def test_a_deletion_is_never_served_by_a_part_loaded_before_it(gallery, tmp_path):
    deployment, vectors = gallery
    admin_caller = Caller(deployment=deployment, api_key=None)
    worker, log = shard_worker(tmp_path, "a")
    with worker:
        deleted_id = VaultSubject.objects.get(subject_ref="s-1").id
        assert search(deployment, vectors["s-1"])[0][0] == deleted_id  # loaded, warm
        recognition_subject_delete(caller=admin_caller, subject_ref="s-1",
                                   reason="deletion_request")  # commits
        assert not VaultSubject.objects.filter(subject_ref="s-1").exists()

        # The worker may still answer from the part it loaded before the deletion …
        found = search(deployment, vectors["s-1"])
        assert all(isinstance(subject, int) for subject, _ in found)
        # … but the caller never reports the deleted person.
        index, secrets = gallery_for(deployment_id=deployment.id)
        candidates = _candidates(deployment, index, secrets, vectors["s-1"], "access_control",
                                 top_k=3)
        assert "s-1" not in [ref for ref, _ in candidates]
    assert "Traceback" not in log_tail(log, 10**6)
