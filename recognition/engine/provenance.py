"""Provenance of leaked face templates: which copy of our data a dump came from (no Django).

Every copy of templates the platform holds or hands out lives in a template space of its own: a
deployment's vault space at a transform version, each device's space (a secret orthogonal
rotation per space, recognition/vault/crypto.py ``TemplateTransform``). A dump is analysed
against every known space:

- **Exact copy**: a leaked vector within ``exact_eps`` (float32 round-off, ~1e-6, far below any
  distance between two encodings, >= 0.1 even for two photos of one person) of a template
  stored in space S names S, its transform version (hence the window in which the copy was
  taken) and the subject. A copy cannot be forged without the space's secret: outside it, the
  transformed vectors are a random rotation of the raw ones.
- **Near copy**: a copy perturbed with small noise to dodge exact matching is still one up to
  ``near_eps`` (0.05, half the smallest distance between two encodings of one person in the
  test photos); the wider search first probes a sample of the non-exact vectors.
- **Canaries** (Papadimitriou & Garcia-Molina's "fake objects", honeytokens): synthetic
  identities planted per copy. They are known in raw space, so they are looked for in raw space
  and in every known space: a canary names its copy even when the dump was re-encoded into
  another known space.
- **Same people, not a copy of our data**: vectors that are no exact copy but come within the
  ordinary same-person distance of someone's raw template (a re-enrolment from photos, a
  scrape) are reported apart: they say who is in the dump, not where it came from.

The guilt score of a candidate source i follows Papadimitriou & Garcia-Molina, "Data Leakage
Detection", IEEE TKDE 23(1), 2011, eq. (3)/(4): for each leaked object t that agent i held,
``Pr{i leaked t} = (1 - p) / |V_t|`` where ``V_t`` is the set of agents that held t and ``p``
the probability that the dump obtained t by other means; then
``Pr{G_i | S} = 1 - prod_{t in S and R_i} (1 - (1 - p) / |V_t|)``. Every space is held by one
recipient (|V_t| = 1 for its exact copies and for its canaries) unless the space says more.

Exact matching is one k-d tree (scipy.spatial.cKDTree) over the first ``TREE_DIMS`` coordinates
of every indexed vector: an orthogonal projection shortens distances, so a pair within
``exact_eps`` in 128 dimensions is within ``exact_eps`` in the projection too (no miss); every
candidate is then checked on all 128 dimensions. The dump is queried in chunks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy.spatial import cKDTree

TEMPLATE_DIM = 128
EXACT_EPS = 1e-3
# A copy perturbed with noise to dodge exact matching is still a copy up to here: half the
# smallest distance between two encodings of one person seen in the test photos (0.105).
NEAR_EPS = 0.05
NEIGHBOURS = 2
# The near-copy search (a wider radius: ~10x the exact one's cost) first probes this many of
# the vectors that are no exact copy, and searches them all only when the probe finds one.
NEAR_PROBE = 2_000
SAME_PERSON_THRESHOLD = 0.6
DEFAULT_P = 0.01
TREE_DIMS = 32
CHUNK = 20_000
SAME_PERSON_SAMPLE = 2_000
TYPICAL_NORM = 1.41  # median norm of the engine's enrolment encodings (tests' photos)
CANARY_MIN_DISTANCE = 0.75  # beyond every same-person distance (threshold 0.6)
CITATION = ("Papadimitriou & Garcia-Molina, \"Data Leakage Detection\", IEEE TKDE 23(1), 2011: "
            "Pr{G_i|S} = 1 - prod_{t in S and R_i} (1 - (1 - p)/|V_t|)")


class Transform(Protocol):
    def apply(self, vector: np.ndarray) -> np.ndarray: ...

    def invert(self, vector: np.ndarray) -> np.ndarray: ...


class Identity:
    """Raw space (what the engine encodes): apply and invert do nothing."""

    def apply(self, vector: np.ndarray) -> np.ndarray:
        return np.asarray(vector, dtype=np.float32)

    def invert(self, vector: np.ndarray) -> np.ndarray:
        return np.asarray(vector, dtype=np.float32)


@dataclass(frozen=True)
class Space:
    """One template space at one transform version, with what is stored in it."""

    kind: str  # "deployment" | "device"
    deployment_id: int | None
    device_id: int | None
    transform_version: int
    transform: Transform
    stored: np.ndarray  # (n, 128) float32, vectors in this space
    subject_refs: Sequence[str]  # keyed references, one per stored row
    current: bool = True  # the version templates are stored in now
    valid_from: str | None = None
    valid_until: str | None = None
    holders: int = 1  # |V_t| of its exact copies

    @property
    def owner(self) -> tuple[str, int | None, int | None]:
        return (self.kind, self.deployment_id, self.device_id)

    @property
    def key(self) -> str:
        ident = self.device_id if self.kind == "device" else self.deployment_id
        return f"{self.kind}:{ident}:v{self.transform_version}"


@dataclass(frozen=True)
class CanarySet:
    """The canaries planted in one copy, in raw space."""

    kind: str
    deployment_id: int | None
    device_id: int | None
    vectors: np.ndarray  # (k, 128) raw
    refs: Sequence[str]
    copy_id: int | None = None  # an export's id (kind "export")

    @property
    def owner(self) -> tuple[str, int | None, int | None]:
        return (self.kind, self.deployment_id, self.device_id)


class DumpError(ValueError):
    """A dump that cannot be analysed, with a machine ``code``."""

    def __init__(self, code: str, detail: str) -> None:
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}")


def validate_dump(array: Any, *, max_vectors: int) -> np.ndarray:
    """The dump as an (N, 128) float32 matrix, or DumpError naming what is wrong."""
    a = np.asarray(array)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.floating)
                                 or np.issubdtype(a.dtype, np.integer)):
        raise DumpError("bad_dtype", f"vectors must be numbers, got dtype {a.dtype}")
    if a.ndim == 1 and a.shape[0] == TEMPLATE_DIM:
        a = a.reshape(1, TEMPLATE_DIM)
    if a.ndim != 2 or a.shape[1] != TEMPLATE_DIM:
        raise DumpError("bad_shape", f"expected (N, {TEMPLATE_DIM}) vectors, got {a.shape}")
    if a.shape[0] == 0:
        raise DumpError("empty_dump", "the dump holds no vectors")
    if a.shape[0] > max_vectors:
        raise DumpError("too_many_vectors",
                        f"{a.shape[0]} vectors; at most {max_vectors} per dump")
    a = a.astype(np.float32)
    if not np.all(np.isfinite(a)):
        bad = int((~np.isfinite(a)).any(axis=1).sum())
        raise DumpError("not_finite", f"{bad} vectors contain NaN or infinity")
    return a


# --- the index ---------------------------------------------------------------------------------

# One row per indexed vector: what it is. kind 0 = stored template, 1 = canary.
_STORED, _CANARY = 0, 1
_RAW = -1  # space index of raw space (canaries only)


@dataclass
class _Index:
    vectors: np.ndarray
    kind: np.ndarray
    space: np.ndarray  # index into spaces (or _RAW)
    item: np.ndarray  # row in space.stored, or canary row
    canary_set: np.ndarray  # index into canary sets (-1 for stored)
    tree: Any = None
    raw: np.ndarray | None = None  # current spaces' templates in raw space
    raw_owner: np.ndarray | None = None  # space index of each raw row


def _build_index(spaces: Sequence[Space], canaries: Sequence[CanarySet]) -> _Index:
    blocks, kinds, space_ids, items, sets = [], [], [], [], []

    def add(vectors: np.ndarray, kind: int, space: int, canary_set: int) -> None:
        n = len(vectors)
        if not n:
            return
        blocks.append(np.asarray(vectors, dtype=np.float32))
        kinds.append(np.full(n, kind, np.int8))
        space_ids.append(np.full(n, space, np.int32))
        items.append(np.arange(n, dtype=np.int32))
        sets.append(np.full(n, canary_set, np.int32))

    for s, space in enumerate(spaces):
        add(space.stored, _STORED, s, -1)
    if canaries:
        # Every canary in raw space and in every known space: one matmul per space.
        raw = np.concatenate([np.asarray(c.vectors, np.float32) for c in canaries])
        owner = np.concatenate([np.full(len(c.vectors), i, np.int32)
                                for i, c in enumerate(canaries)])
        row = np.concatenate([np.arange(len(c.vectors), dtype=np.int32) for c in canaries])
        for s, transform in [(_RAW, None), *enumerate(space.transform for space in spaces)]:
            blocks.append(raw if transform is None else transform.apply(raw))
            kinds.append(np.full(len(raw), _CANARY, np.int8))
            space_ids.append(np.full(len(raw), s, np.int32))
            items.append(row)
            sets.append(owner)
    if not blocks:
        empty = np.empty(0, np.int32)
        return _Index(np.empty((0, TEMPLATE_DIM), np.float32), empty, empty, empty, empty)
    index = _Index(np.concatenate(blocks), np.concatenate(kinds), np.concatenate(space_ids),
                   np.concatenate(items), np.concatenate(sets))
    index.tree = cKDTree(index.vectors[:, :TREE_DIMS], leafsize=32, balanced_tree=False,
                         compact_nodes=False)
    current = [(s, space) for s, space in enumerate(spaces) if space.current and len(space.stored)]
    if current:
        index.raw = np.concatenate([space.transform.invert(space.stored) for _, space in current])
        index.raw_owner = np.concatenate([np.full(len(space.stored), s, np.int32)
                                          for s, space in current])
    return index


class ProvenanceIndex:
    """Every known space and canary, indexed once; ``analyse`` many dumps against it."""

    def __init__(self, spaces: Sequence[Space], canaries: Sequence[CanarySet] = ()) -> None:
        self.spaces, self.canaries = list(spaces), list(canaries)
        self.index = _build_index(self.spaces, self.canaries)

    def analyse(self, leaked: np.ndarray, **options: Any) -> dict[str, Any]:
        return analyse(leaked, self.spaces, self.canaries, index=self.index, **options)


def _exact_hits(index: _Index, leaked: np.ndarray, eps: float,
                progress: Callable[[float], None] | None, neighbours: int = 1
                ) -> tuple[np.ndarray, np.ndarray]:
    """For each leaked vector, the index row it copies within ``eps`` (-1: none) and the
    distance. The tree answers the ``neighbours`` nearest in the projection; the full 128-d
    distance picks among them."""
    hits = np.full(len(leaked), -1, dtype=np.int64)
    distance = np.full(len(leaked), np.inf, dtype=np.float32)
    if index.tree is None:
        return hits, distance
    n = len(index.vectors)
    for start in range(0, len(leaked), CHUNK):
        chunk = leaked[start:start + CHUNK]
        dist, rows = index.tree.query(chunk[:, :TREE_DIMS], k=neighbours,
                                      distance_upper_bound=eps)
        dist, rows = dist.reshape(len(chunk), -1), rows.reshape(len(chunk), -1)
        found = np.isfinite(dist)
        if found.any():
            safe = np.where(found, rows, 0)
            full = np.linalg.norm(index.vectors[safe] - chunk[:, None, :], axis=2)
            full = np.where(found & (rows < n), full, np.inf)
            best = full.argmin(axis=1)
            best_distance = full[np.arange(len(chunk)), best]
            ok = best_distance <= eps
            hits[start + np.flatnonzero(ok)] = rows[np.flatnonzero(ok), best[ok]]
            distance[start + np.flatnonzero(ok)] = best_distance[ok]
        if progress:
            progress(min(1.0, (start + len(chunk)) / len(leaked)))
    return hits, distance


# --- the report --------------------------------------------------------------------------------


def guilt_score(holders: Sequence[int], p: float) -> float:
    """Pr{G_i | S} of Papadimitriou & Garcia-Molina (2011) for the objects agent i held that
    are in the dump, each held by ``holders[t]`` agents; log-space so thousands of objects do
    not underflow."""
    if not holders:
        return 0.0
    log_innocent = sum(math.log1p(-(1.0 - p) / max(1, h)) if (1.0 - p) / max(1, h) < 1.0
                       else -math.inf for h in holders)
    return 1.0 - math.exp(log_innocent) if log_innocent > -math.inf else 1.0


def _same_people(leaked: np.ndarray, spaces: Sequence[Space], index: _Index, threshold: float,
                 sample: int, rng: np.random.Generator) -> tuple[list[dict[str, Any]], int]:
    """Among (a sample of) the vectors that are no copy, those within same-person distance of
    someone's raw template, per deployment or device (current version only)."""
    if not len(leaked) or index.raw is None:
        return [], 0
    picked = leaked if len(leaked) <= sample else leaked[rng.choice(len(leaked), sample,
                                                                   replace=False)]
    sq = (picked ** 2).sum(axis=1)
    raw_sq = (index.raw ** 2).sum(axis=1)
    close = np.zeros((len(picked), len(spaces)), dtype=bool)
    for start in range(0, len(index.raw), CHUNK):
        block = index.raw[start:start + CHUNK]
        d2 = sq[:, None] + raw_sq[None, start:start + CHUNK] - 2.0 * picked @ block.T
        rows, cols = np.nonzero(d2 <= threshold * threshold)
        close[rows, index.raw_owner[start + cols]] = True
    out = []
    for s in np.flatnonzero(close.any(axis=0)):
        space = spaces[int(s)]
        out.append({"kind": space.kind, "deployment_id": space.deployment_id,
                    "device_id": space.device_id, "matched": int(close[:, s].sum())})
    return out, len(picked)


def analyse(leaked: np.ndarray, spaces: Sequence[Space], canaries: Sequence[CanarySet] = (),
            *, exact_eps: float = EXACT_EPS, near_eps: float = NEAR_EPS,
            same_person_threshold: float = SAME_PERSON_THRESHOLD,
            p: float = DEFAULT_P, same_person_sample: int = SAME_PERSON_SAMPLE,
            progress: Callable[[float], None] | None = None, seed: int = 0,
            index: _Index | None = None) -> dict[str, Any]:
    """The provenance report of ``leaked`` (N, 128): exact-copy sources with their guilt
    score and how it was computed, canary hits, affected subjects, and the same-people part."""
    leaked = validate_dump(leaked, max_vectors=max(1, len(leaked)))
    index = index if index is not None else _build_index(spaces, canaries)
    if progress:
        progress(0.05)
    hits, distance = _exact_hits(index, leaked, exact_eps,
                                 (lambda x: progress(0.05 + 0.7 * x)) if progress else None)
    rest = np.flatnonzero(hits < 0)
    if near_eps > exact_eps and len(rest):
        rng = np.random.default_rng(seed)
        probe = rest if len(rest) <= NEAR_PROBE else rng.choice(rest, NEAR_PROBE, replace=False)
        near_hits, near_distance = _exact_hits(index, leaked[probe], near_eps, None, NEIGHBOURS)
        if (near_hits >= 0).any() and len(probe) < len(rest):
            probe = rest
            near_hits, near_distance = _exact_hits(
                index, leaked[rest], near_eps,
                (lambda x: progress(0.75 + 0.1 * x)) if progress else None, NEIGHBOURS)
        hits[probe], distance[probe] = near_hits, near_distance
    perturbed = (hits >= 0) & (distance > exact_eps)
    matched_rows = hits[hits >= 0]
    matched_perturbed = perturbed[hits >= 0]
    sources: dict[tuple, dict[str, Any]] = {}
    affected: dict[tuple, set[str]] = {}
    # Exact copies of stored templates: one source per space and version.
    stored_mask = index.kind[matched_rows] == _STORED
    stored_rows, stored_perturbed = matched_rows[stored_mask], matched_perturbed[stored_mask]
    for s in np.unique(index.space[stored_rows]):
        space = spaces[int(s)]
        selected = index.space[stored_rows] == s
        in_space = stored_rows[selected]
        near = int(stored_perturbed[selected].sum())
        refs = {space.subject_refs[int(i)] for i in index.item[in_space]}
        affected.setdefault(space.owner, set()).update(refs)
        sources[(*space.owner, space.transform_version)] = {
            "kind": space.kind, "deployment_id": space.deployment_id,
            "device_id": space.device_id, "transform_version": space.transform_version,
            "current_version": space.current, "valid_from": space.valid_from,
            "valid_until": space.valid_until, "matched": int(len(in_space)),
            "perturbed": near, "canaries": 0, "_holders": [space.holders] * int(len(in_space))}
    # Canaries: each names its copy, whatever space it was found in.
    canary_rows = matched_rows[index.kind[matched_rows] == _CANARY]
    canary_hits: dict[tuple, dict[str, Any]] = {}
    for row in canary_rows:
        cset = canaries[int(index.canary_set[row])]
        s = int(index.space[row])
        found_in = "raw" if s == _RAW else spaces[s].key
        own = s != _RAW and spaces[s].owner == cset.owner
        key = (*cset.owner, cset.copy_id, found_in)
        hit = canary_hits.setdefault(key, {
            "kind": cset.kind, "deployment_id": cset.deployment_id, "device_id": cset.device_id,
            "copy_id": cset.copy_id, "found_in": found_in, "re_encoded": not own, "count": 0,
            "canary_refs": []})
        hit["count"] += 1
        hit["canary_refs"].append(cset.refs[int(index.item[row])])
        version = spaces[s].transform_version if own else None
        source_key = next((k for k in sources if k[:3] == cset.owner
                           and (version is None or k[3] == version)), None)
        if source_key is None:
            source_key = (*cset.owner, version)
            sources[source_key] = {
                "kind": cset.kind, "deployment_id": cset.deployment_id,
                "device_id": cset.device_id, "transform_version": version,
                "current_version": spaces[s].current if own else None, "valid_from": None,
                "valid_until": None, "matched": 0, "perturbed": 0, "canaries": 0,
                "_holders": []}
        sources[source_key]["canaries"] += 1
        sources[source_key]["_holders"].append(1)
    rows = []
    for source in sources.values():
        holders = source.pop("_holders")
        source["score"] = round(guilt_score(holders, p), 6)
        source["score_basis"] = {
            "method": CITATION, "p": p, "objects": len(holders),
            "exact_copies": source["matched"], "canaries": source["canaries"],
            "holders_per_object": sorted(set(holders))}
        rows.append(source)
    rows.sort(key=lambda r: (-r["score"], -r["matched"] - r["canaries"]))
    rest = leaked[hits < 0]
    same, sampled = _same_people(rest, spaces, index, same_person_threshold,
                                 same_person_sample, np.random.default_rng(seed))
    if progress:
        progress(1.0)
    return {
        "vectors": int(len(leaked)),
        "exact_copies": int(len(stored_rows)),
        "perturbed_copies": int(perturbed.sum()),
        "canary_vectors": int(len(canary_rows)),
        "unmatched": int((hits < 0).sum()),
        "sources": rows,
        "canary_hits": sorted(canary_hits.values(), key=lambda h: -h["count"]),
        "affected_subjects": [
            {"kind": owner[0], "deployment_id": owner[1], "device_id": owner[2],
             "subject_refs": sorted(refs)} for owner, refs in sorted(
                affected.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0, kv[0][2] or 0))],
        "same_people": same,
        "same_people_checked": sampled,
        "parameters": {"exact_eps": exact_eps, "near_eps": near_eps,
                       "same_person_threshold": same_person_threshold,
                       "p": p, "spaces": len(spaces), "canary_sets": len(canaries),
                       "indexed_vectors": int(len(index.vectors))},
    }


def count_matches(leaked: np.ndarray, stored: np.ndarray, threshold: float) -> int:
    """How many leaked vectors come within ``threshold`` of any stored one (after interception
    this is measured on the rotated gallery: it must be 0)."""
    if not len(leaked) or not len(stored):
        return 0
    tree = cKDTree(np.asarray(stored, dtype=np.float32))
    count = 0
    for start in range(0, len(leaked), CHUNK):
        dist, _ = tree.query(np.asarray(leaked[start:start + CHUNK], dtype=np.float32), k=1,
                             distance_upper_bound=threshold)
        count += int(np.isfinite(dist).sum())
    return count


# --- canaries ----------------------------------------------------------------------------------


@dataclass
class CanaryDraw:
    vectors: np.ndarray
    min_distance_to_real: float = field(default=math.inf)


def canaries_draw(real: np.ndarray, k: int, rng: np.random.Generator, *,
                  avoid: np.ndarray | None = None,
                  min_distance: float = CANARY_MIN_DISTANCE) -> CanaryDraw:
    """``k`` synthetic identities that look like real encodings but are nobody.

    Each is a random mixture of three real templates (Dirichlet weights) plus Gaussian noise of
    the real per-dimension spread, projected to the real templates' median norm: its
    coordinates, norm and distances to others fall where real ones do. A draw closer than
    ``min_distance`` (beyond the same-person threshold) to any real template, to ``avoid``
    (other copies' canaries) or to an earlier canary is redrawn. With fewer than three real
    templates the mixture comes from a Gaussian at the typical norm.
    """
    real = np.asarray(real, dtype=np.float32).reshape(-1, TEMPLATE_DIM)
    others = [a for a in (real, avoid) if a is not None and len(a)]
    taken = np.concatenate(others) if others else np.empty((0, TEMPLATE_DIM), np.float32)
    prior = np.full(TEMPLATE_DIM, TYPICAL_NORM / math.sqrt(TEMPLATE_DIM))
    if len(real) >= 3:
        norm = float(np.median(np.linalg.norm(real, axis=1)))
        # A few templates (often of a few people) understate the population's spread.
        spread = real.std(axis=0) if len(real) >= 50 else np.maximum(real.std(axis=0), prior)
    else:
        norm, spread = TYPICAL_NORM, prior
    out: list[np.ndarray] = []
    nearest = math.inf
    tries = k * 400
    for attempt in range(tries):
        if len(out) == k:
            break
        if len(real) >= 3:
            parts = real[rng.choice(len(real), 3, replace=False)]
            mix = rng.dirichlet(np.ones(3)) @ parts
        else:
            mix = np.zeros(TEMPLATE_DIM, np.float32)
        widen = 1.0 + attempt / (k * 40)  # a crowded gallery: reach further out
        candidate = mix + rng.standard_normal(TEMPLATE_DIM) * spread * widen
        candidate = (candidate / np.linalg.norm(candidate) * norm).astype(np.float32)
        pool = np.concatenate([taken, np.asarray(out, np.float32).reshape(-1, TEMPLATE_DIM)])
        d = float(np.linalg.norm(pool - candidate, axis=1).min()) if len(pool) else math.inf
        if d >= min_distance:
            out.append(candidate)
            if len(real):
                nearest = min(nearest, float(np.linalg.norm(real - candidate, axis=1).min()))
    if len(out) < k:
        raise ValueError(f"could only draw {len(out)} of {k} canaries {min_distance} away")
    return CanaryDraw(np.stack(out), nearest)


def canary_detection_probability(f: float, k: int) -> float:
    """Chance a dump holding a fraction ``f`` of a copy (each item independently) holds at
    least one of its ``k`` canaries."""
    return 1.0 - (1.0 - f) ** k
