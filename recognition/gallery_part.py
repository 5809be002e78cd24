"""One part of a deployment's gallery, loaded from the vault and kept up to date incrementally.

Both holders of a gallery use it: a shard worker holds parts `(part, parts)` of many
deployments (recognition/shards.py), the web process without shard workers holds each
deployment's whole gallery as the single part `(0, 1)` (recognition/gallery.py).

Loading: the first load, or one after the deployment's transform changed (a transform
rotation re-issues every template under the same id, so nothing held is still right),
decrypts every template of the part. Every later load starts from the part held: rows whose
template is gone become tombstones (masked at search time, compacted away - one copy - only
when they exceed COMPACT_FRACTION of the part), and only templates enrolled since are decrypted
and written after the held rows, into the index's spare capacity (`GalleryIndex.updated`: no
copy of the part; a search still running on the old snapshot reads only rows below its end,
which are never rewritten). A load costs one query for the part's template ids and the rows
that changed.

Index kind: exact, or the approximate (FAISS) index the deployment switched to
(recognition/services/approximate.py). The approximate index is rebuilt over the updated exact
rows (no decryption, but FAISS's own build): a FAISS index is changed in place, so adding to
the one an older snapshot is still searching is not safe, HNSW cannot remove a vector at all,
and IVF's lists were trained on the rows of the last build.

Models and services are imported inside the functions: the shard workers import this module
before Django's apps are ready.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from recognition.engine import GalleryBuilder, GalleryIndex
from recognition.engine.approximate import ApproximateGalleryIndex, index_for
from recognition.engine.matching import DIM

# Tombstones are compacted away once they exceed this fraction of a part's rows.
COMPACT_FRACTION = 0.125

# New templates are read this many ids per query (SQLite, which `make run` uses, refuses a
# statement with more than 32,766 parameters; a bulk import can enrol more between two loads).
NEW_IDS_PER_QUERY = 5000

WHOLE = (0, 1)  # the whole gallery as one part


@dataclass
class LoadedPart:
    version: int
    transform_version: int
    index: GalleryIndex | ApproximateGalleryIndex
    loaded_at: float
    template_ids: np.ndarray  # the template of each index row (tombstones included)

    @property
    def exact_index(self) -> GalleryIndex:
        index = self.index
        return index.exact_index if isinstance(index, ApproximateGalleryIndex) else index

    @property
    def live_template_ids(self) -> np.ndarray:
        """The templates this part answers for."""
        return self.template_ids[self.exact_index.live]


def part_empty() -> LoadedPart:
    return LoadedPart(0, 0, GalleryBuilder(0).build(), time.time(), np.empty(0, dtype=np.int64))


def part_load(*, row, part: tuple[int, int],  # type: ignore[no-untyped-def]
              previous: LoadedPart | None) -> LoadedPart:
    """The part of the deployment whose key row is `row` as stored now: updated from
    `previous` when it holds templates under the same transform, else loaded in full. Read
    `row` before calling: what is loaded is at least as fresh as its `gallery_version`."""
    from recognition.services.approximate import deployment_index_config
    from recognition.services.vault import deployment_secrets

    secrets = deployment_secrets(row)
    if previous is not None and previous.transform_version == row.transform_version:
        index, template_ids = part_updated(previous, row.deployment_id, part, secrets)
    else:
        index, template_ids = part_full(row.deployment_id, part, secrets)
    # Exact, or the approximate index the deployment switched to (its FAISS row numbers are the
    # exact index's rows, so no tombstones in between).
    config = deployment_index_config(row)
    if config is not None and not config.exact and index.tombstones:
        template_ids = template_ids[index.live]
        index = index.compacted()
    return LoadedPart(row.gallery_version, row.transform_version, index_for(index, config),
                      time.time(), template_ids)


def part_full(deployment_id: int, part: tuple[int, int],
              secrets) -> tuple[GalleryIndex, np.ndarray]:  # type: ignore[no-untyped-def]
    """Every template of the part, decrypted into a tight index, and their template ids."""
    from recognition.services.vault import gallery_rows_with_ids, gallery_templates

    # Count first so the matrix is allocated once; a template enrolled between the count and
    # the read only bumps the version again, and the next load appends it.
    capacity = gallery_templates(deployment_id=deployment_id, part=part).count()
    builder = GalleryBuilder(capacity)
    template_ids = np.empty(capacity, dtype=np.int64)
    for template_id, subject_id, vector in gallery_rows_with_ids(
            deployment_id=deployment_id, secrets=secrets, part=part):
        if len(builder) == capacity:
            break
        template_ids[len(builder)] = template_id
        builder.add(subject_id, vector)
    count = len(builder)
    return builder.build(), template_ids[:count]


def part_updated(previous: LoadedPart, deployment_id: int, part: tuple[int, int],
                 secrets) -> tuple[GalleryIndex, np.ndarray]:  # type: ignore[no-untyped-def]
    """The part as stored now, from the one held: tombstones for the templates gone, the
    templates enrolled since decrypted and appended. One query for the part's template ids,
    one for the new rows."""
    from recognition.services.vault import gallery_rows_with_ids, gallery_templates

    current = np.fromiter(
        gallery_templates(deployment_id=deployment_id, part=part)
        .values_list("id", flat=True).iterator(chunk_size=20_000), dtype=np.int64)
    # Template ids are primary keys, each held once: without assume_unique numpy would hash
    # both arrays to deduplicate them, 0.2 s of a 100,000-template update.
    keep = np.isin(previous.template_ids, current, assume_unique=True)
    new_ids = np.setdiff1d(current, previous.template_ids, assume_unique=True)
    appended = [row for start in range(0, new_ids.size, NEW_IDS_PER_QUERY)
                for row in gallery_rows_with_ids(
                    deployment_id=deployment_id, secrets=secrets, part=part,
                    template_ids=new_ids[start:start + NEW_IDS_PER_QUERY].tolist())]
    rows = np.empty((len(appended), DIM), dtype=np.float32)
    subjects = np.empty(len(appended), dtype=np.int64)
    for n, (_, subject_id, vector) in enumerate(appended):
        rows[n] = vector
        subjects[n] = subject_id
    index = previous.exact_index.updated(keep=keep, ids=subjects, rows=rows)
    template_ids = np.concatenate([previous.template_ids,
                                   np.array([t for t, _, _ in appended], dtype=np.int64)])
    if index.tombstones > COMPACT_FRACTION * index.row_count:
        template_ids = template_ids[index.live]
        index = index.compacted()
    return index, template_ids
