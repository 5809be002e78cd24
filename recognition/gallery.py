"""The 1:N gallery of each deployment, held in this process's memory.

Loaded lazily from the vault and rebuilt when the deployment's `gallery_version` (bumped in
the database by every enrolment and deletion, so every process sees it) differs from the one
this process loaded. Each lookup costs one indexed query for the version number. The index is
exact unless the deployment switched to an approximate one (recognition/services/approximate.py;
the switch bumps the version, so the next lookup rebuilds).

With shard workers (FACEGOV_GALLERY_SHARDS > 0) this process loads nothing: `gallery_for`
returns a `ShardedGallery` whose search runs on the workers holding the deployment's parts.
"""

import threading
from dataclasses import dataclass

import numpy as np

from recognition.engine import GalleryBuilder, GalleryIndex
from recognition.engine.approximate import ApproximateGalleryIndex, index_for
from recognition.engine.gallery import Candidate
from recognition.models import DeploymentKey, Template
from recognition.services.approximate import deployment_index_config
from recognition.services.vault import DeploymentSecrets, deployment_secrets, gallery_rows
from recognition.shards import sharded_search, sharding_enabled


@dataclass(frozen=True)
class LoadedGallery:
    version: int
    transform_version: int
    index: GalleryIndex | ApproximateGalleryIndex


_galleries: dict[int, LoadedGallery] = {}
_lock = threading.Lock()


class ShardedGallery:
    """The deployment's gallery as its shard workers hold it (recognition/shards.py): the same
    `search` as a GalleryIndex, answered over Celery; this process holds no template."""

    def __init__(self, row: DeploymentKey) -> None:
        self.deployment_id = row.deployment_id
        self.version, self.transform_version = row.gallery_version, row.transform_version
        self.parts = max(1, row.gallery_parts)

    def __len__(self) -> int:
        return self.parts  # never empty: the workers know how many templates there are

    def search(self, probe: np.ndarray, *, top_k: int, threshold: float) -> list[Candidate]:
        found = sharded_search(deployment_id=self.deployment_id, probe=probe, top_k=top_k,
                               threshold=threshold, version=self.version,
                               transform_version=self.transform_version, parts=self.parts)
        return [Candidate(subject_ref=subject, distance=distance) for subject, distance in found]


def gallery_for(*, deployment_id: int) -> tuple[
        GalleryIndex | ApproximateGalleryIndex | ShardedGallery, DeploymentSecrets | None]:
    """The current index of the deployment (empty if nothing is enrolled) and its secrets;
    with shard workers, a handle that searches them."""
    row = DeploymentKey.objects.filter(deployment_id=deployment_id).first()
    if row is None:
        return _empty(), None
    secrets = deployment_secrets(row)
    if sharding_enabled():
        return ShardedGallery(row), secrets
    loaded = _galleries.get(deployment_id)
    if loaded and loaded.version == row.gallery_version \
            and loaded.transform_version == row.transform_version:
        return loaded.index, secrets
    with _lock:
        # Another request may have reloaded while this one waited for the lock.
        loaded = _galleries.get(deployment_id)
        if loaded and loaded.version == row.gallery_version \
                and loaded.transform_version == row.transform_version:
            return loaded.index, secrets
        index = index_for(_load(deployment_id=deployment_id, secrets=secrets),
                          deployment_index_config(row))
        _galleries[deployment_id] = LoadedGallery(row.gallery_version, row.transform_version,
                                                  index)
    return index, secrets


def _empty() -> GalleryIndex:
    return GalleryBuilder(0).build()


def _load(*, deployment_id: int, secrets: DeploymentSecrets) -> GalleryIndex:
    # Count first so the matrix is allocated once; a template enrolled between the count and
    # the read only bumps the version again, and the next call reloads.
    capacity = Template.objects.filter(subject__deployment_id=deployment_id).count()
    builder = GalleryBuilder(capacity)
    for subject_id, vector in gallery_rows(deployment_id=deployment_id, secrets=secrets):
        if len(builder) == capacity:
            break
        builder.add(subject_id, vector)
    return builder.build()


def gallery_exact_index(*, deployment_id: int) -> GalleryIndex:
    """A fresh exact index over the deployment's whole gallery (for measuring an approximate
    one against it; not cached)."""
    row = DeploymentKey.objects.filter(deployment_id=deployment_id).first()
    if row is None:
        return _empty()
    return _load(deployment_id=deployment_id, secrets=deployment_secrets(row))


def gallery_forget(*, deployment_id: int | None = None) -> None:
    """Drop cached galleries (tests, and a deployment's decommissioning)."""
    with _lock:
        if deployment_id is None:
            _galleries.clear()
        else:
            _galleries.pop(deployment_id, None)
