"""Galleries held by shard workers, in this process: the exact merge across parts, the memory
bound and the shard map, a stale part serving while it reloads, and a deletion never served
(the real worker processes are in test_shard_workers.py)."""

import threading
import time

import numpy as np
import pytest
from django.test import override_settings

from recognition import gallery as web_gallery
from recognition import shards
from recognition.engine import GalleryIndex
from recognition.models import DeploymentKey, GalleryShardHolding, RecognitionEvent
from recognition.services.vault import deployment_secrets, template_store
from recognition.shards import ShardHolder, merge_top_k
from tests.recognition.service.conftest import BIDEN, OBAMA, OBAMA_2


def test_merging_the_parts_top_k_is_exactly_one_indexs_top_k_ties_included():
    rng = np.random.default_rng(11)
    ids = np.arange(3000, dtype=np.int64)
    matrix = rng.standard_normal((3000, 128)).astype(np.float32) * 0.05
    matrix[2000] = matrix[17]  # two people at exactly the same distance from any probe
    probe = matrix[17] + 0.001
    whole = GalleryIndex(ids, matrix)
    for parts in (2, 3, 4):
        answers = []
        for part in range(parts):
            mask = ids % parts == part
            found = GalleryIndex(ids[mask], matrix[mask]).search(probe, top_k=10, threshold=9)
            answers.append([(c.subject_ref, c.distance) for c in found])
        merged = merge_top_k(answers, 10)
        expected = [(c.subject_ref, c.distance)
                    for c in whole.search(probe, top_k=10, threshold=9)]
        assert merged == expected
        assert merged[0][0] == 17 and merged[1][0] == 2000  # the tie, by subject id


def store(deployment, ref: str, seed: int):
    vector = np.random.default_rng(seed).standard_normal(128).astype(np.float32) * 0.05
    template_store(deployment=deployment, subject_ref=ref, vector=vector)
    return vector


def secrets_of(deployment):
    row = DeploymentKey.objects.get(deployment=deployment)
    return deployment_secrets(row), row


def holder_search(holder, deployment, vector, *, part=0, parts=1):
    secrets, row = secrets_of(deployment)
    return holder.search(deployment_id=deployment.id, part=part, parts=parts,
                         probe=secrets.transform.apply(vector), top_k=5, threshold=10.0,
                         version=row.gallery_version,
                         transform_version=row.transform_version)


def test_a_worker_evicts_the_least_recently_searched_part_past_its_memory_bound(
        world, gate):
    from tests.factories import active_gate

    other = active_gate(world.acme, name="Block B gate", purposes=["access_control"])
    probes = {d.id: [store(d, f"s-{n}", 100 * d.id + n) for n in range(6)]
              for d in (gate, other)}
    one_part = 6 * (128 * 4 + 4 + 8)
    holder = ShardHolder(max_bytes=one_part + 10)  # room for one deployment's part only
    holder_search(holder, gate, probes[gate.id][0])
    assert set(holder.held()) == {(gate.id, 0, 1)}
    assert holder.nbytes == one_part
    holder_search(holder, other, probes[other.id][0])
    assert set(holder.held()) == {(other.id, 0, 1)}  # the gate's part went
    assert holder.nbytes <= holder.max_bytes
    # The shard map says the same.
    held = GalleryShardHolding.objects.get()
    assert (held.deployment_id, held.templates, held.bytes) == (other.id, 6, one_part)
    assert GalleryShardHolding.objects.filter(deployment=gate).count() == 0


def test_room_is_made_before_a_part_is_built_so_the_bound_holds_while_it_loads(
        world, gate, monkeypatch):
    from tests.factories import active_gate

    other = active_gate(world.acme, name="Block B gate", purposes=["access_control"])
    probes = {d.id: [store(d, f"s-{n}", 100 * d.id + n) for n in range(6)]
              for d in (gate, other)}
    one_part = 6 * (128 * 4 + 4 + 8)
    holder = ShardHolder(max_bytes=one_part + 100)  # room for one part (and its template ids)
    holder_search(holder, gate, probes[gate.id][0])
    held_while_building = []
    real_part_load = shards.part_load

    def watching_part_load(**kwargs):
        held_while_building.append((set(holder.held()), holder.nbytes))
        return real_part_load(**kwargs)

    monkeypatch.setattr(shards, "part_load", watching_part_load)
    holder_search(holder, other, probes[other.id][0])
    # The gate's part went before the other's rows were built, not after.
    assert held_while_building == [(set(), 0)]
    assert set(holder.held()) == {(other.id, 0, 1)}
    # The shard map records the eviction.
    assert GalleryShardHolding.objects.filter(deployment=gate).count() == 0


def test_parts_split_a_deployment_by_subject_and_together_find_everyone(gate):
    vectors = [store(gate, f"s-{n}", n) for n in range(12)]
    holder = ShardHolder(max_bytes=10**9)
    secrets, row = secrets_of(gate)
    sizes = []
    for part in range(3):
        holder_search(holder, gate, vectors[0], part=part, parts=3)
        sizes.append(len(holder.held()[(gate.id, part, 3)].index))
    assert sum(sizes) == 12 and all(sizes)
    for n, vector in enumerate(vectors):
        answers = [holder_search(holder, gate, vector, part=p, parts=3)[0] for p in range(3)]
        best = merge_top_k(answers, 1)[0]
        from recognition.models import VaultSubject

        assert VaultSubject.objects.get(id=best[0]).subject_ref == f"s-{n}"


@pytest.mark.django_db(transaction=True)  # the reload reads on its own thread's connection
def test_a_stale_part_answers_at_once_while_it_reloads_in_the_background(gate, monkeypatch):
    first = store(gate, "s-1", 1)
    holder = ShardHolder(max_bytes=10**9)
    found, version = holder_search(holder, gate, first)
    assert len(found) == 1
    store(gate, "s-2", 2)  # the gallery version moves on
    release = threading.Event()
    real_load = ShardHolder._load

    def slow_load(self, key):  # a reload that takes as long as the test wants
        release.wait(30)
        return real_load(self, key)

    monkeypatch.setattr(ShardHolder, "_load", slow_load)
    started = time.monotonic()
    found, served = holder_search(holder, gate, first)
    assert time.monotonic() - started < 5  # not blocked by the reload
    assert (len(found), served) == (1, version)  # the old index answered
    release.set()
    deadline = time.monotonic() + 30
    while holder.held()[(gate.id, 0, 1)].version == version and time.monotonic() < deadline:
        time.sleep(0.05)
    monkeypatch.setattr(ShardHolder, "_load", real_load)
    found, served = holder_search(holder, gate, first)
    assert served > version and len(found) == 2


@pytest.fixture
def sharded(settings):
    """Shard workers on, Celery eager: the searches run in this process's ShardHolder."""
    settings.FACEGOV_GALLERY_SHARDS = 2
    settings.CELERY_TASK_ALWAYS_EAGER = True
    holder = ShardHolder(max_bytes=10**9)
    from celery import current_app

    current_app.conf.task_always_eager = True
    original = shards._holder
    shards._holder = holder
    yield holder
    shards._holder = original
    current_app.conf.task_always_eager = False


def identify(client, upload, photo):
    return client.post("/api/v1/recognition/identify/",
                       {"purpose": "access_control", "image": upload(photo), "top_k": 3},
                       format="multipart")


def test_with_shards_the_web_process_holds_no_gallery_and_answers_the_same(
        sharded, gate, consent, device, enroll, upload):
    client = device()
    for ref in ("resident-1", "resident-2"):
        consent(gate, ref)
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    assert enroll(client, "resident-2", photo=BIDEN).status_code == 201
    DeploymentKey.objects.filter(deployment=gate).update(gallery_parts=2)

    response = identify(client, upload, OBAMA_2)
    assert response.status_code == 200
    [face] = response.json()["faces"]
    assert face["candidates"][0]["subject_ref"] == "resident-1"
    assert web_gallery._galleries == {}  # nothing loaded in the web process
    assert {key[1:] for key in sharded.held()} == {(0, 2), (1, 2)}  # both parts searched


def test_a_deleted_person_is_never_served_by_a_part_built_before_the_deletion(
        sharded, gate, consent, device, enroll, upload, monkeypatch):
    client = device()
    consent(gate, "resident-1")
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    assert identify(client, upload, OBAMA_2).json()["faces"][0]["candidates"]
    # The part stays as it was built (its reload never finishes), and the person is deleted.
    monkeypatch.setattr(ShardHolder, "_reload_in_background", lambda self, key: None)
    deleted = client.delete("/api/v1/recognition/subjects/resident-1/")
    assert deleted.status_code in (200, 204)
    [(key, part)] = sharded.held().items()
    assert len(part.index) == 1  # the stale part still holds the template

    response = identify(client, upload, OBAMA_2)
    assert response.status_code == 200
    assert response.json()["faces"][0]["candidates"] == []
    event = RecognitionEvent.objects.get(id=response.json()["event_id"])
    assert event.matched_refs == []


@override_settings(FACEGOV_SHARD_TIMEOUT=0.2)
def test_a_part_nobody_answers_is_refused_with_a_clear_code_not_a_hang(
        settings, gate, consent, device, enroll, upload, monkeypatch):
    client = device()
    consent(gate, "resident-1")
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    settings.FACEGOV_GALLERY_SHARDS = 2

    class Lost:  # a message no worker ever answers
        def ready(self):
            return False

        def forget(self):
            pass

    sent = []
    from recognition.tasks import gallery_shard_search

    monkeypatch.setattr(gallery_shard_search, "apply_async",
                        lambda **kwargs: sent.append(kwargs["queue"]) or Lost())
    started = time.monotonic()
    response = identify(client, upload, OBAMA_2)
    assert time.monotonic() - started < 10
    assert response.status_code == 503
    assert response.json()["code"] == "gallery_unavailable"
    assert sent == ["gallery.shard." + str(gate.id % 2)] * 2  # sent, then sent again
    refused = RecognitionEvent.objects.filter(operation="identify").get()
    assert (refused.outcome, refused.refusal_code) == ("refused", "gallery_unavailable")


def test_the_shard_map_shows_who_holds_what_to_staff_and_at_metrics(gate, client, settings):
    from tests.factories import UserFactory

    settings.FACEGOV_GALLERY_SHARDS = 2
    settings.FACEGOV_METRICS_OPEN = True
    settings.FACEGOV_METRICS_TOKEN = ""
    vector = store(gate, "s-1", 1)
    holder = ShardHolder(max_bytes=10**9)
    holder_search(holder, gate, vector)
    store(gate, "s-2", 2)  # the gallery moves on; the worker's part is now behind

    client.force_login(UserFactory(is_staff=True))
    page = client.get("/recognition/shards/")
    assert page.status_code == 200
    html = page.content.decode()
    assert gate.name in html and shards.worker_name() in html
    assert f"gallery.shard.{gate.id % 2}" in html and "behind" in html
    metrics = client.get("/metrics").content.decode()
    assert (f'facegov_gallery_shard_templates{{worker="{shards.worker_name()}",'
            f'queue="gallery.shard.{gate.id % 2}",deployment="{gate.id}",part="0",parts="1"}} 1'
            ) in metrics
    assert "facegov_gallery_shard_versions_behind{" in metrics

    client.force_login(UserFactory())  # not staff: not shown
    assert client.get("/recognition/shards/").status_code in (302, 403)


def test_a_reload_appends_new_templates_and_drops_deleted_ones_without_reloading_the_rest(
        gate, decrypted):
    from recognition.services.recognition import Caller, recognition_subject_delete

    vectors = {f"s-{n}": store(gate, f"s-{n}", n) for n in range(5)}
    holder = ShardHolder(max_bytes=10**9)
    holder_search(holder, gate, vectors["s-0"])
    recognition_subject_delete(caller=Caller(deployment=gate, api_key=None), subject_ref="s-1",
                               reason="operator_request")
    vectors["s-5"] = store(gate, "s-5", 5)
    decrypted.clear()
    holder._load((gate.id, 0, 1))  # what the background reload runs
    from recognition.models import Template, VaultSubject

    assert decrypted == [Template.objects.get(subject__subject_ref="s-5").id]  # only the new one
    part = holder.held()[(gate.id, 0, 1)]
    subjects = set(VaultSubject.objects.values_list("id", flat=True))
    assert set(part.index.ids.tolist()) == subjects  # s-1 gone, s-5 there
    assert sorted(part.live_template_ids.tolist()) == sorted(Template.objects.values_list("id",
                                                                                    flat=True))
    # Same answers as a part loaded from scratch.
    fresh = ShardHolder(max_bytes=10**9)
    for vector in vectors.values():
        assert holder_search(holder, gate, vector)[0] == holder_search(fresh, gate, vector)[0]
