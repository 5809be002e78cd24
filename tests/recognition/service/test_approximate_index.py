"""Switching a deployment's gallery to an approximate (FAISS) index: only after its recall@1
against exact search on the deployment's own templates meets the setting; the measurement is
stored either way; identify answers as exact search does, and a deleted person is not served
(in-process gallery and shard workers alike)."""

import numpy as np
import pytest

from governance.errors import NotPermitted
from recognition import gallery as web_gallery
from recognition.engine import GalleryIndex
from recognition.engine.approximate import ApproximateGalleryIndex, IndexConfig
from recognition.errors import ApproximateRecallTooLow
from recognition.models import DeploymentKey, GalleryIndexMeasurement, VaultSubject
from recognition.services.approximate import gallery_index_choose
from recognition.services.vault import gallery_version_bump, template_store
from recognition.shards import ShardHolder
from tests.recognition.service.conftest import OBAMA, OBAMA_2

pytest.importorskip("faiss")


def identify(client, upload, photo):
    return client.post("/api/v1/recognition/identify/",
                       {"purpose": "access_control", "image": upload(photo), "top_k": 3},
                       format="multipart")


@pytest.fixture
def photo_gallery(gate, people_templates):
    """Every photo in people/ except obama_2 (the probe) enrolled as its own subject."""
    refs = {}
    for n, (path, template) in enumerate(sorted(people_templates.items())):
        if path == OBAMA_2:
            continue
        refs[path] = f"person-{n}"
        template_store(deployment=gate, subject_ref=refs[path], vector=template.vector)
    return refs


def test_a_configuration_that_misses_is_refused_stored_and_nothing_switches(
        gate, world, photo_gallery, monkeypatch, settings):
    # A large clustered gallery with a deliberately bad index: many lists, one searched.
    rng = np.random.default_rng(5)
    centres = rng.standard_normal((64, 128)).astype(np.float32) * 0.1
    matrix = centres[rng.integers(0, 64, 20000)] + \
        rng.standard_normal((20000, 128)).astype(np.float32) * 0.03
    monkeypatch.setattr(web_gallery, "gallery_exact_index",
                        lambda deployment_id: GalleryIndex(np.arange(20000), matrix))
    settings.FACEGOV_APPROX_RECALL_PROBES = 1000
    version = DeploymentKey.objects.get(deployment=gate).gallery_version

    with pytest.raises(ApproximateRecallTooLow) as refused:
        gallery_index_choose(deployment=gate, actor=world.acme_admin,
                             config=IndexConfig(kind="ivf", nlist=512, nprobe=1))
    assert refused.value.code == "approximate_recall_too_low"
    row = DeploymentKey.objects.get(deployment=gate)
    assert (row.index_kind, row.index_params, row.gallery_version) == ("exact", {}, version)
    [measured] = GalleryIndexMeasurement.objects.filter(deployment=gate)
    assert not measured.accepted and measured.recall_at_1 < 0.999
    assert measured.templates == 20000 and measured.params == {"nlist": 512, "nprobe": 1}
    assert measured.measured_by == world.acme_admin

    good = gallery_index_choose(deployment=gate, actor=world.acme_admin,
                                config=IndexConfig(kind="ivf", nlist=64, nprobe=32))
    assert good.accepted and good.recall_at_1 >= 0.999
    row.refresh_from_db()
    assert (row.index_kind, row.index_params) == ("ivf", {"nlist": 64, "nprobe": 32})
    assert row.gallery_version == version + 1  # every holder rebuilds at its next search


def test_someone_without_the_right_cannot_switch(gate, world, photo_gallery):
    with pytest.raises(NotPermitted):
        gallery_index_choose(deployment=gate, actor=world.other_admin,
                             config=IndexConfig(kind="hnsw"))
    assert not GalleryIndexMeasurement.objects.exists()
    assert DeploymentKey.objects.get(deployment=gate).index_kind == "exact"


@pytest.mark.parametrize("config", [IndexConfig(kind="hnsw"),
                                    IndexConfig(kind="ivf", nlist=4, nprobe=4)])
def test_identify_answers_the_exact_top1_and_never_serves_a_deleted_person(
        gate, world, consent, device, enroll, upload, photo_gallery, config):
    client = device()
    consent(gate, "resident-1")
    assert enroll(client, "resident-1", photo=OBAMA).status_code == 201
    exact = identify(client, upload, OBAMA_2).json()["faces"][0]["candidates"]
    assert exact and exact[0]["subject_ref"] in {"resident-1", photo_gallery[OBAMA]}

    measured = gallery_index_choose(deployment=gate, actor=world.acme_admin, config=config)
    assert measured.accepted and measured.recall_at_1 == 1.0
    approximate = identify(client, upload, OBAMA_2).json()["faces"][0]["candidates"]
    assert isinstance(web_gallery._galleries[gate.id].index, ApproximateGalleryIndex)
    assert [(c["subject_ref"], c["distance"]) for c in approximate] == \
        [(c["subject_ref"], c["distance"]) for c in exact]

    assert client.delete("/api/v1/recognition/subjects/resident-1/").status_code in (200, 204)
    after = identify(client, upload, OBAMA_2).json()["faces"][0]["candidates"]
    assert "resident-1" not in {c["subject_ref"] for c in after}
    assert isinstance(web_gallery._galleries[gate.id].index, ApproximateGalleryIndex)


def test_shard_parts_use_the_chosen_index_and_drop_deleted_rows(gate, world, photo_gallery):
    gallery_index_choose(deployment=gate, actor=world.acme_admin,
                         config=IndexConfig(kind="hnsw"))
    holder = ShardHolder(max_bytes=10**9)
    row = DeploymentKey.objects.get(deployment=gate)
    vector = web_gallery.gallery_exact_index(deployment_id=gate.id).matrix[0].copy()

    def search(version):
        return holder.search(deployment_id=gate.id, part=0, parts=1, probe=vector, top_k=1,
                             threshold=10.0, version=version,
                             transform_version=row.transform_version)

    found, _ = search(row.gallery_version)
    assert isinstance(holder.held()[(gate.id, 0, 1)].index, ApproximateGalleryIndex)
    assert found[0][1] == 0.0
    # The subject of that row is deleted: the incremental update drops it from the part.
    VaultSubject.objects.filter(id=found[0][0]).delete()
    gallery_version_bump(deployment_id=gate.id)
    holder._load((gate.id, 0, 1))
    again, _ = search(row.gallery_version + 1)
    assert again[0][0] != found[0][0]
    assert isinstance(holder.held()[(gate.id, 0, 1)].index, ApproximateGalleryIndex)


def test_the_operator_command_switches_and_back(gate, photo_gallery):
    from django.core.management import CommandError, call_command

    call_command("gallery_index", str(gate.id), "hnsw")
    assert DeploymentKey.objects.get(deployment=gate).index_kind == "hnsw"
    assert GalleryIndexMeasurement.objects.get(deployment=gate).accepted
    call_command("gallery_index", str(gate.id), "exact")
    assert DeploymentKey.objects.get(deployment=gate).index_kind == "exact"
    with pytest.raises(CommandError):
        call_command("gallery_index", str(gate.id), "ivf", "--nprobe", "0")
