"""Exact 1:N search over an in-memory float32 gallery.

Memory: one preallocated C-contiguous (N, 128) float32 matrix, its (N,) float32 squared norms and
(N,) int64 subject ids - 524 bytes per template against 512 for the raw matrix (1.023x). No
per-row Python objects, no float64 copy. Subject ids are integers (the template or subject row
key in the database): strings would cost a Python object or a fixed-width slot per row, and the
caller resolves the top-k ids to references with one query. An index that takes enrolments
(:meth:`GalleryIndex.updated`) keeps spare capacity for a quarter more rows, so an enrolment
writes its row instead of copying the gallery; a freshly built index has none.

Search: ``||g - p||^2 = ||g||^2 - 2 g.p + ||p||^2``. The only O(N x 128) work is one float32
matrix-vector product (BLAS, reads the matrix once, no (N, 128) temporary), then an O(N)
``argpartition`` for the top k; square roots and the exact recomputation happen on k rows only.
A plain ``np.linalg.norm(M - p, axis=1)`` scan writes and re-reads an (N, 128) temporary.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .matching import DEFAULT_THRESHOLD, DIM, as_vector


@dataclass(frozen=True)
class Candidate:
    subject_ref: int
    distance: float


@dataclass(frozen=True)
class Identification:
    """Result of :meth:`GalleryIndex.identify`: ranked candidates within the threshold, or
    ``unknown`` (no gallery template is within the threshold - the person is not enrolled,
    as far as this gallery can tell)."""

    candidates: tuple[Candidate, ...]

    @property
    def unknown(self) -> bool:
        return not self.candidates

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class _Rows:
    """The buffers one or more snapshots of a part share: rows ``[:length]`` are written once
    and never rewritten, rows beyond are spare capacity an append fills in place."""

    __slots__ = ("ids", "length", "lock", "matrix", "sq_norms")

    def __init__(self, ids: np.ndarray, matrix: np.ndarray, sq_norms: np.ndarray,
                 length: int) -> None:
        self.ids = ids
        self.matrix = matrix
        self.sq_norms = sq_norms
        self.length = length
        self.lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        return self.matrix.nbytes + self.sq_norms.nbytes + self.ids.nbytes


def _squared_norms(m: np.ndarray, out: np.ndarray) -> None:
    # In chunks so no temporary ever approaches the matrix's size.
    for start in range(0, m.shape[0], 65536):
        block = m[start : start + 65536]
        out[start : start + 65536] = np.einsum("ij,ij->i", block, block)
    # A NaN or infinite component makes its row's squared norm non-finite: this checks the
    # whole matrix without the (N, 128) boolean temporary np.isfinite(m) would allocate.
    if not np.all(np.isfinite(out)):
        raise ValueError("gallery templates must be finite")


# Spare rows given to a part when an append does not fit: a quarter of its size (at least 256),
# so a part that takes enrolments copies its rows once per ~n/4 enrolments, not on each one,
# and holds at most 1.25x its rows.
SPARE_FRACTION = 0.25
MIN_SPARE = 256


class GalleryIndex:
    """Exact-search index over a snapshot of a part's rows.

    A snapshot is immutable as seen by its searches: :meth:`updated` returns a new snapshot that
    shares the row buffers (new rows are written past this snapshot's end, into spare capacity;
    removed rows become tombstones masked at search time), so an enrolment costs the new rows,
    not a copy of the gallery, and a search running on the old snapshot is unaffected.
    :meth:`compacted` drops the tombstones (one copy), done rarely by the caller.
    """

    __slots__ = ("_dead", "_ids", "_live", "_matrix", "_n", "_rows", "_sq_norms")

    def __init__(self, ids: np.ndarray, matrix: np.ndarray) -> None:
        """Wrap ``matrix`` (N, 128) float32 C-contiguous and ``ids`` (N,) integers.

        The matrix is used as is, not copied, when it already has that layout (otherwise it is
        converted once). The index takes ownership: do not modify the arrays afterwards.
        """
        m = np.ascontiguousarray(matrix, dtype=np.float32)
        if m.ndim != 2 or m.shape[1] != DIM:
            raise ValueError(f"matrix must have shape (N, {DIM}), got {m.shape}")
        i = np.ascontiguousarray(ids, dtype=np.int64)
        if i.shape != (m.shape[0],):
            raise ValueError("ids must be a 1-D array with one id per matrix row")
        sq = np.empty(m.shape[0], dtype=np.float32)
        _squared_norms(m, sq)
        self._set(_Rows(i, m, sq, m.shape[0]), m.shape[0], None)

    def _set(self, rows: _Rows, n: int, dead: np.ndarray | None) -> None:
        self._rows = rows
        self._n = n
        self._matrix = rows.matrix[:n]
        self._ids = rows.ids[:n]
        self._sq_norms = rows.sq_norms[:n]
        self._dead = dead if dead is not None and dead.any() else None
        self._live = n - (int(self._dead.sum()) if self._dead is not None else 0)

    @classmethod
    def _snapshot(cls, rows: _Rows, n: int, dead: np.ndarray | None) -> GalleryIndex:
        index = cls.__new__(cls)
        index._set(rows, n, dead)
        return index

    def __len__(self) -> int:
        """Live templates (rows not tombstoned)."""
        return self._live

    @property
    def row_count(self) -> int:
        """Rows in this snapshot, tombstones included (row r of :meth:`updated`'s ``keep``)."""
        return self._n

    @property
    def tombstones(self) -> int:
        return self._n - self._live

    @property
    def spare_rows(self) -> int:
        """Rows an :meth:`updated` of this snapshot can append in place, without a copy."""
        if self._rows.length != self._n:
            return 0  # a newer snapshot appended past this one: an update would copy
        return self._rows.matrix.shape[0] - self._n

    @property
    def live(self) -> np.ndarray:
        """(row_count,) booleans: the rows searched."""
        if self._dead is None:
            return np.ones(self._n, dtype=bool)
        return ~self._dead

    @property
    def matrix(self) -> np.ndarray:
        """The (N, 128) live rows, read-only (a copy when there are tombstones)."""
        view = self._matrix.view() if self._dead is None else self._matrix[~self._dead]
        view.flags.writeable = False
        return view

    @property
    def ids(self) -> np.ndarray:
        view = self._ids.view() if self._dead is None else self._ids[~self._dead]
        view.flags.writeable = False
        return view

    @property
    def nbytes(self) -> int:
        """Bytes held by the index's arrays (matrix + squared norms + ids, spare capacity
        included, + the tombstone mask)."""
        return self._rows.nbytes + (self._dead.nbytes if self._dead is not None else 0)

    def updated(self, *, keep: np.ndarray | None = None, ids: np.ndarray | None = None,
                rows: np.ndarray | None = None) -> GalleryIndex:
        """A new snapshot: this one's rows where ``keep`` (a (row_count,) mask; tombstones
        stay tombstones) plus ``rows`` (n, 128) with ``ids`` appended.

        Costs the appended rows (written into spare capacity, or one copy into buffers with
        :data:`SPARE_FRACTION` room when full) plus an O(row_count) byte mask when rows are
        removed. This snapshot keeps answering as before.
        """
        new_ids = np.ascontiguousarray(ids if ids is not None else np.empty(0), dtype=np.int64)
        block = np.ascontiguousarray(rows if rows is not None else np.empty((0, DIM)),
                                     dtype=np.float32)
        if block.ndim != 2 or block.shape[1] != DIM or new_ids.shape != (block.shape[0],):
            raise ValueError(f"expected (n,) ids and (n, {DIM}) vectors")
        added = block.shape[0]
        sq = np.empty(added, dtype=np.float32)
        _squared_norms(block, sq)
        dead = self._dead
        if keep is not None:
            keep = np.asarray(keep, dtype=bool)
            if keep.shape != (self._n,):
                raise ValueError("keep must have one boolean per row")
            if not keep.all():
                dead = ~keep if dead is None else (dead | ~keep)
        end = self._n + added
        if dead is not None and added:
            dead = np.concatenate([dead, np.zeros(added, dtype=bool)])
        if not added:
            return self._snapshot(self._rows, self._n, dead)
        target = self._rows
        with target.lock:
            # In place only past the newest snapshot's end: rows a snapshot reads are never
            # rewritten (an older snapshot being updated again gets its own buffers).
            in_place = target.length == self._n and target.matrix.shape[0] >= end
            if in_place:
                target.matrix[self._n : end] = block
                target.ids[self._n : end] = new_ids
                target.sq_norms[self._n : end] = sq
                target.length = end
        if not in_place:
            capacity = end + max(MIN_SPARE, int(end * SPARE_FRACTION))
            matrix = np.empty((capacity, DIM), dtype=np.float32)
            ids_buf = np.empty(capacity, dtype=np.int64)
            sq_buf = np.empty(capacity, dtype=np.float32)
            matrix[: self._n] = self._matrix
            ids_buf[: self._n] = self._ids
            sq_buf[: self._n] = self._sq_norms
            matrix[self._n : end] = block
            ids_buf[self._n : end] = new_ids
            sq_buf[self._n : end] = sq
            target = _Rows(ids_buf, matrix, sq_buf, end)
        return self._snapshot(target, end, dead)

    def compacted(self) -> GalleryIndex:
        """The live rows in tight new buffers (rows renumbered: map with :attr:`live`)."""
        if self._dead is None and self._rows.matrix.shape[0] == self._n:
            return self
        live = ~self._dead if self._dead is not None else slice(None)
        m = np.ascontiguousarray(self._matrix[live])
        rows = _Rows(np.ascontiguousarray(self._ids[live]), m,
                     np.ascontiguousarray(self._sq_norms[live]), m.shape[0])
        return self._snapshot(rows, m.shape[0], None)

    def search(
        self, probe: np.ndarray, *, top_k: int = 5, threshold: float = DEFAULT_THRESHOLD
    ) -> list[Candidate]:
        """Up to ``top_k`` gallery entries within ``threshold`` of ``probe``, nearest first.

        An empty list means "unknown". Distances are exact float32 Euclidean distances
        (recomputed directly on the k selected rows). Tombstoned rows are never returned.
        """
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        p = as_vector(probe)
        n = self._n
        if self._live == 0:
            return []
        # Squared distance up to the constant ||p||^2, which does not change the ranking.
        partial = self._matrix @ p
        partial *= -2.0
        partial += self._sq_norms
        dead = self._dead
        if dead is not None:
            partial[dead] = np.inf
        k = min(top_k, n)
        if k < n:
            top = np.argpartition(partial, k - 1)[:k]
        else:
            top = np.arange(n)
        # Exact distances on k rows only: no cancellation error in what we report.
        diff = self._matrix[top] - p
        exact = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        if dead is not None:
            exact[dead[top]] = np.inf  # fewer live rows than k: never within the threshold
        # Ties by subject id: the order shard workers merge in (recognition/shards.py).
        order = np.lexsort((self._ids[top], exact))
        return [
            Candidate(subject_ref=int(self._ids[top[j]]), distance=float(exact[j]))
            for j in order
            if exact[j] <= threshold
        ]

    def identify(
        self, probe: np.ndarray, *, top_k: int = 5, threshold: float = DEFAULT_THRESHOLD
    ) -> Identification:
        """:meth:`search` with an explicit ``unknown`` answer."""
        return Identification(tuple(self.search(probe, top_k=top_k, threshold=threshold)))


class GalleryBuilder:
    """Fill a preallocated gallery row by row (e.g. while decrypting templates from the vault),
    so that loading never holds two copies of the matrix."""

    def __init__(self, capacity: int) -> None:
        if capacity < 0:
            raise ValueError("capacity must be >= 0")
        self._matrix = np.empty((capacity, DIM), dtype=np.float32)
        self._ids = np.empty(capacity, dtype=np.int64)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, subject_ref: int, vector: np.ndarray) -> None:
        if self._count >= self._matrix.shape[0]:
            raise OverflowError("gallery builder is full; allocate the exact count up front")
        self._matrix[self._count] = as_vector(vector)
        self._ids[self._count] = subject_ref
        self._count += 1

    def add_many(self, subject_refs: np.ndarray, vectors: np.ndarray) -> None:
        """Append a block of rows (e.g. one decrypted batch); same checks as :meth:`add`."""
        block = np.asarray(vectors, dtype=np.float32)
        refs = np.asarray(subject_refs, dtype=np.int64)
        if block.ndim != 2 or block.shape[1] != DIM or refs.shape != (block.shape[0],):
            raise ValueError(f"expected (n,) ids and (n, {DIM}) vectors")
        if not np.all(np.isfinite(block)):
            raise ValueError("gallery templates must be finite")
        end = self._count + block.shape[0]
        if end > self._matrix.shape[0]:
            raise OverflowError("gallery builder is full; allocate the exact count up front")
        self._matrix[self._count : end] = block
        self._ids[self._count : end] = refs
        self._count = end

    def build(self) -> GalleryIndex:
        """The index over the rows added so far (a view: no copy even when not full)."""
        index = GalleryIndex(self._ids[: self._count], self._matrix[: self._count])
        # The builder must not write into an index it handed out.
        self._matrix = np.empty((0, DIM), dtype=np.float32)
        self._ids = np.empty(0, dtype=np.int64)
        self._count = 0
        return index
