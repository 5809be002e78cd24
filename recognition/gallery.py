"""The 1:N gallery of each deployment, held in this process's memory.

Loaded lazily from the vault and brought up to date when the deployment's `gallery_version`
(bumped in the database by every enrolment and deletion, so every process sees it) differs
from the one this process holds. Each lookup costs one indexed query for the version number.

The gallery is held as one part `(0, 1)` and updated as shard workers update theirs
(recognition/gallery_part.py): after an enrolment or a deletion only the templates enrolled
since are decrypted and appended, the deleted ones become tombstones; only the first load and a
transform change (a transform rotation) decrypt every template. The index is exact unless the
deployment switched to an approximate one (recognition/services/approximate.py; the switch
bumps the version; the FAISS index is rebuilt over the updated rows at each update).

The update runs on the request that finds the gallery behind, holding that deployment's lock,
before it searches - not in the background with the old index answering meanwhile, as shard
workers do: a request that starts after an enrolment committed must find the new person, and
an old index serving while a reload runs could not promise that. The update costs one query for
the template ids and the new rows (0.3 s against 8 s for a rebuild at 100,000 templates,
benchmarks/gallery_incremental.py); requests for the deployment that arrive meanwhile wait for
it. A request already searching keeps its snapshot, which an update never rewrites.

With shard workers (FACEGOV_GALLERY_SHARDS > 0) this process loads nothing: `gallery_for`
returns a `ShardedGallery` whose search runs on the workers holding the deployment's parts.
"""

import threading

import numpy as np

from recognition.engine import GalleryBuilder, GalleryIndex
from recognition.engine.approximate import ApproximateGalleryIndex
from recognition.engine.gallery import Candidate
from recognition.gallery_part import WHOLE, LoadedPart, part_full, part_load
from recognition.models import DeploymentKey
from recognition.services.vault import DeploymentSecrets, deployment_secrets
from recognition.shards import sharded_search, sharding_enabled

_galleries: dict[int, LoadedPart] = {}
_lock = threading.Lock()  # guards the two dicts; each deployment updates under its own lock
_deployment_locks: dict[int, threading.Lock] = {}


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
    if _current(loaded, row):
        return loaded.index, secrets
    with _deployment_lock(deployment_id):
        # Another request may have updated it while this one waited for the lock.
        loaded = _galleries.get(deployment_id)
        if not _current(loaded, row):
            loaded = part_load(row=row, part=WHOLE, previous=loaded)
            _galleries[deployment_id] = loaded
    return loaded.index, secrets


def _current(loaded: LoadedPart | None, row: DeploymentKey) -> bool:
    return loaded is not None and loaded.version == row.gallery_version \
        and loaded.transform_version == row.transform_version


def _deployment_lock(deployment_id: int) -> threading.Lock:
    with _lock:
        return _deployment_locks.setdefault(deployment_id, threading.Lock())


def _empty() -> GalleryIndex:
    return GalleryBuilder(0).build()


def gallery_exact_index(*, deployment_id: int) -> GalleryIndex:
    """A fresh exact index over the deployment's whole gallery (for measuring an approximate
    one against it; not cached)."""
    row = DeploymentKey.objects.filter(deployment_id=deployment_id).first()
    if row is None:
        return _empty()
    return part_full(deployment_id, WHOLE, deployment_secrets(row))[0]


def gallery_forget(*, deployment_id: int | None = None) -> None:
    """Drop cached galleries (tests, and a deployment's decommissioning)."""
    if deployment_id is None:
        with _lock:
            _galleries.clear()
        return
    with _deployment_lock(deployment_id):  # an update running now does not put it back
        _galleries.pop(deployment_id, None)
