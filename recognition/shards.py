"""Galleries held by shard workers (DESIGN.md, "at scale": recognition on Celery queues per
deployment shard; the gallery held by the workers of its shard).

With FACEGOV_GALLERY_SHARDS = N > 0 the web process holds no gallery. A deployment's gallery
is split into `DeploymentKey.gallery_parts` parts by subject (subject id modulo parts, so a
person's templates stay together); part p of deployment d is served from the queue
`gallery.shard.<(d + p) mod N>`, consumed by the shard workers started for that queue (two
workers on one queue are two holders of the same parts). An identification sends one search
per part, in parallel, and merges the answers into the exact top-k: each part returns its own
top-k, so the global top-k is among them; ties are broken by (distance, subject id), the order
`GalleryIndex.search` gives within one index.

A part that does not answer within FACEGOV_SHARD_TIMEOUT seconds is sent again (a worker
killed mid-search never acknowledges the message, and another holder of the queue takes the
new one); if that fails too the request is refused with `gallery_unavailable` (503), never
left waiting.

Freshness: the web process sends the gallery version it read. A worker whose part is older
reloads it in a background thread and answers from the old index meanwhile (a reload never
blocks a search). A person deleted since the old index was built is still never reported: the
caller keeps only candidates whose subject still has a template (one query, after the
deletion's transaction committed), and the policy gate is asked again for each match.

Updates are incremental (recognition/gallery_part.py, which the in-process gallery shares): a
reload decrypts only the templates enrolled since and appends them into the index's spare
capacity, and tombstones the rows whose template is gone; a transform change reloads in full.
At most one reload per part runs at a time; enrolments arriving during it are picked up by the
next one (a burst costs one reload, not one each).

Index kind: each part is searched exactly, or with the approximate (FAISS) index the
deployment switched to after its recall was measured (recognition/services/approximate.py);
an incremental update rebuilds the approximate index over the updated rows.

Memory: each worker keeps its parts in LRU order and evicts the least recently searched ones
while they hold more than FACEGOV_SHARD_MEMORY_MB (the part just loaded always stays).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from recognition.engine.gallery import GalleryIndex
from recognition.engine.matching import DIM
from recognition.errors import GalleryUnavailable
from recognition.gallery_part import COMPACT_FRACTION, LoadedPart, part_empty, part_load

logger = logging.getLogger(__name__)

SHARD_QUEUE_PREFIX = "gallery.shard."


def sharding_enabled() -> bool:
    return settings.FACEGOV_GALLERY_SHARDS > 0


def shard_queue(deployment_id: int, part: int, shards: int | None = None) -> str:
    shards = max(1, shards or settings.FACEGOV_GALLERY_SHARDS)
    return f"{SHARD_QUEUE_PREFIX}{(deployment_id + part) % shards}"


def all_shard_queues() -> list[str]:
    return [f"{SHARD_QUEUE_PREFIX}{n}" for n in range(settings.FACEGOV_GALLERY_SHARDS)]


def merge_top_k(answers: Iterable[Iterable[tuple[int, float]]],
                top_k: int) -> list[tuple[int, float]]:
    """The exact top-k of the union of the parts' own top-k lists, ties by subject id."""
    return sorted((c for answer in answers for c in answer),
                  key=lambda c: (c[1], c[0]))[:top_k]


# --- the worker side ---------------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class ShardHolder:
    """The parts one worker process holds, bounded in bytes, least recently searched first
    out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._parts: OrderedDict[tuple[int, int, int], LoadedPart] = OrderedDict()
        self._lock = threading.Lock()
        self._reloading: set[tuple[int, int, int]] = set()

    @property
    def nbytes(self) -> int:
        return sum(p.index.nbytes for p in list(self._parts.values()))

    def held(self) -> dict[tuple[int, int, int], LoadedPart]:
        return dict(self._parts)

    def search(self, *, deployment_id: int, part: int, parts: int, probe: np.ndarray,
               top_k: int, threshold: float, version: int,
               transform_version: int) -> tuple[list[tuple[int, float]], int]:
        """(subject id, distance) pairs of this part within the threshold, and the gallery
        version of the index that answered."""
        key = (deployment_id, part, parts)
        loaded = self._parts.get(key)
        if loaded is None or loaded.transform_version != transform_version:
            # Nothing to answer from (or templates under another transform): load now.
            loaded = self._load(key)
        elif loaded.version < version:
            self._reload_in_background(key)  # the old index answers meanwhile
        with self._lock:
            if key in self._parts:
                self._parts.move_to_end(key)
        found = loaded.index.search(probe, top_k=top_k, threshold=threshold)
        return [(c.subject_ref, c.distance) for c in found], loaded.version

    def _reload_in_background(self, key: tuple[int, int, int]) -> None:
        with self._lock:
            if key in self._reloading:
                return
            self._reloading.add(key)

        def run() -> None:
            try:
                self._load(key)
            except Exception:  # the old index keeps serving; the next search tries again
                logger.exception("Reloading gallery part %s failed", key)
            finally:
                with self._lock:
                    self._reloading.discard(key)
                connection.close()  # this thread's own connection

        threading.Thread(target=run, name=f"gallery-reload-{key}", daemon=True).start()

    def _load(self, key: tuple[int, int, int]) -> LoadedPart:
        from recognition.models import DeploymentKey

        deployment_id, part, parts = key
        # The version is read before the rows: what we load is at least this fresh.
        row = DeploymentKey.objects.filter(deployment_id=deployment_id).first()
        previous = self._parts.get(key)
        made_room: list[tuple[int, int, int]] = []
        if row is not None:
            incoming = _incoming_bytes(deployment_id, (part, parts), previous)
            with self._lock:
                made_room = self._make_room(keep=key, incoming=incoming)
        loaded = part_empty() if row is None else part_load(
            row=row, part=(part, parts), previous=previous)
        with self._lock:
            self._parts[key] = loaded
            self._parts.move_to_end(key)
            evicted = made_room + self._evict(keep=key)
        _holdings_record(loaded=[(key, loaded)] if row is not None else [], evicted=evicted)
        return loaded

    def _make_room(self, *, keep: tuple[int, int, int],
                   incoming: int) -> list[tuple[int, int, int]]:
        """Before a load: evict the least recently searched parts (not `keep`, whose old copy
        may still answer) until what is held plus what the load will allocate fits the bound.
        Evicting only after the load let a worker's peak reach the bound plus a whole part."""
        evicted = []
        while self.nbytes + incoming > self.max_bytes:
            oldest = next((k for k in self._parts if k != keep), None)
            if oldest is None:
                break
            self._parts.pop(oldest)
            evicted.append(oldest)
        return evicted

    def _evict(self, *, keep: tuple[int, int, int]) -> list[tuple[int, int, int]]:
        evicted = []
        while self.nbytes > self.max_bytes and len(self._parts) > 1:
            oldest = next(iter(self._parts))
            if oldest == keep:
                break
            self._parts.pop(oldest)
            evicted.append(oldest)
        return evicted


# What a load allocates per template: the index row (128 float32, its squared norm, its subject
# id) and the template id kept beside it.
BYTES_PER_TEMPLATE = DIM * 4 + 4 + 8 + 8


def _incoming_bytes(deployment_id: int, part: tuple[int, int],
                    previous: LoadedPart | None) -> int:
    """What loading this part will allocate beside what is held, at most: a part not held is
    counted (one query) and built whole; an approximate part is rebuilt (a new FAISS index);
    an exact part with spare rows and few tombstones takes its new rows in place (nothing),
    else it is copied with a quarter more rows. (A burst of enrolments larger than the spare
    rows also copies: the bound then holds up to that one copy.)"""
    if previous is None:
        from recognition.services.vault import gallery_templates

        return gallery_templates(deployment_id=deployment_id, part=part).count() * (
            BYTES_PER_TEMPLATE)
    index = previous.index
    if not isinstance(index, GalleryIndex):
        return index.nbytes
    if index.spare_rows > 0 and index.tombstones <= COMPACT_FRACTION * index.row_count:
        return 0
    return int(index.nbytes * 1.25)


def _holdings_record(*, loaded: list[tuple[tuple[int, int, int], LoadedPart]],
                     evicted: list[tuple[int, int, int]]) -> None:
    """The shard map: what this worker holds now (a page and /metrics read it)."""
    from recognition.models import GalleryShardHolding

    worker = worker_name()
    now = timezone.now()
    try:
        with transaction.atomic():
            for (deployment_id, part, parts), item in loaded:
                GalleryShardHolding.objects.update_or_create(
                    worker=worker, deployment_id=deployment_id, part=part, parts=parts,
                    defaults={"queue": shard_queue(deployment_id, part),
                              "gallery_version": item.version, "templates": len(item.index),
                              "bytes": item.index.nbytes, "loaded_at": now})
            for deployment_id, part, parts in evicted:
                GalleryShardHolding.objects.filter(worker=worker, deployment_id=deployment_id,
                                                   part=part, parts=parts).delete()
    except DatabaseError as exc:  # e.g. the deployment was removed meanwhile: the map only
        logger.warning("Shard map not updated for %s: %s", worker, exc)


_holder: ShardHolder | None = None
_holder_lock = threading.Lock()


def holder() -> ShardHolder:
    global _holder
    with _holder_lock:
        if _holder is None:
            _holder = ShardHolder(settings.FACEGOV_SHARD_MEMORY_MB * 1024 * 1024)
        return _holder


def holdings_forget() -> None:
    """This worker stops: its rows leave the shard map."""
    from recognition.models import GalleryShardHolding

    GalleryShardHolding.objects.filter(worker=worker_name()).delete()


# --- the web side ----------------------------------------------------------------------------


def sharded_search(*, deployment_id: int, probe: np.ndarray, top_k: int, threshold: float,
                   version: int, transform_version: int, parts: int) -> list[tuple[int, float]]:
    """Search every part of the deployment's gallery on its shard workers and merge."""
    from recognition.tasks import gallery_shard_search

    timeout = settings.FACEGOV_SHARD_TIMEOUT
    payload = {"deployment_id": deployment_id, "parts": parts, "probe": probe.tolist(),
               "top_k": top_k, "threshold": threshold, "version": version,
               "transform_version": transform_version}

    def send(part: int):  # noqa: ANN202
        return gallery_shard_search.apply_async(
            kwargs={**payload, "part": part}, queue=shard_queue(deployment_id, part),
            expires=timeout * 2)

    pending = {part: send(part) for part in range(parts)}
    answers: dict[int, list] = {}
    for attempt in range(2):
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            for part, result in list(pending.items()):
                if result.ready():
                    answer = result.get(propagate=True)
                    answers[part] = [(int(s), float(d)) for s, d in answer["found"]]
                    pending.pop(part)
            if pending:
                time.sleep(0.005)
        if not pending:
            break
        if attempt == 0:  # sent again: another holder of the queue takes it
            logger.warning("Gallery parts %s of deployment %s did not answer in %ss; resent",
                           sorted(pending), deployment_id, timeout)
            for part, result in list(pending.items()):
                result.forget()
                pending[part] = send(part)
    if pending:
        raise GalleryUnavailable(
            f"No shard worker answered for {len(pending)} of {parts} gallery part(s) within "
            f"{timeout * 2:g} s.", parts=sorted(pending))
    return merge_top_k(answers.values(), top_k)
