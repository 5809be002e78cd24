"""Exact 1:N search over an in-memory float32 gallery.

Memory: one preallocated C-contiguous (N, 128) float32 matrix, its (N,) float32 squared norms and
(N,) int64 subject ids - 524 bytes per template against 512 for the raw matrix (1.023x). No
per-row Python objects, no float64 copy. Subject ids are integers (the template or subject row
key in the database): strings would cost a Python object or a fixed-width slot per row, and the
caller resolves the top-k ids to references with one query.

Search: ``||g - p||^2 = ||g||^2 - 2 g.p + ||p||^2``. The only O(N x 128) work is one float32
matrix-vector product (BLAS, reads the matrix once, no (N, 128) temporary), then an O(N)
``argpartition`` for the top k; square roots and the exact recomputation happen on k rows only.
A plain ``np.linalg.norm(M - p, axis=1)`` scan writes and re-reads an (N, 128) temporary.
"""

from __future__ import annotations

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


class GalleryIndex:
    """Immutable exact-search index; rebuild it when the gallery version changes."""

    __slots__ = ("_ids", "_matrix", "_sq_norms")

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
        self._matrix = m
        self._ids = i
        # Squared norms in chunks so no temporary ever approaches the matrix's size.
        self._sq_norms = np.empty(m.shape[0], dtype=np.float32)
        for start in range(0, m.shape[0], 65536):
            block = m[start : start + 65536]
            self._sq_norms[start : start + 65536] = np.einsum("ij,ij->i", block, block)
        # A NaN or infinite component makes its row's squared norm non-finite: this checks the
        # whole matrix without the (N, 128) boolean temporary np.isfinite(m) would allocate.
        if not np.all(np.isfinite(self._sq_norms)):
            raise ValueError("gallery templates must be finite")

    def __len__(self) -> int:
        return self._matrix.shape[0]

    @property
    def matrix(self) -> np.ndarray:
        """The (N, 128) rows, read-only (an updated index is built from a copy)."""
        view = self._matrix.view()
        view.flags.writeable = False
        return view

    @property
    def ids(self) -> np.ndarray:
        view = self._ids.view()
        view.flags.writeable = False
        return view

    @property
    def nbytes(self) -> int:
        """Bytes held by the index's arrays (matrix + squared norms + ids)."""
        return self._matrix.nbytes + self._sq_norms.nbytes + self._ids.nbytes

    def search(
        self, probe: np.ndarray, *, top_k: int = 5, threshold: float = DEFAULT_THRESHOLD
    ) -> list[Candidate]:
        """Up to ``top_k`` gallery entries within ``threshold`` of ``probe``, nearest first.

        An empty list means "unknown". Distances are exact float32 Euclidean distances
        (recomputed directly on the k selected rows).
        """
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        p = as_vector(probe)
        n = len(self)
        if n == 0:
            return []
        # Squared distance up to the constant ||p||^2, which does not change the ranking.
        partial = self._matrix @ p
        partial *= -2.0
        partial += self._sq_norms
        k = min(top_k, n)
        if k < n:
            top = np.argpartition(partial, k - 1)[:k]
        else:
            top = np.arange(n)
        # Exact distances on k rows only: no cancellation error in what we report.
        diff = self._matrix[top] - p
        exact = np.sqrt(np.einsum("ij,ij->i", diff, diff))
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
