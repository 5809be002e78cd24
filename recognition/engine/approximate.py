"""Optional approximate 1:N search (FAISS IVF-Flat or HNSW) behind `GalleryIndex`'s interface.

The approximate index only *proposes* candidates: it returns a short list (at least
``CANDIDATE_POOL`` rows, more for a larger ``top_k``) from which the exact float32 Euclidean
distances are recomputed on the exact matrix (held anyway, for incremental updates), then
ranked by (distance, subject id) and cut at the threshold - the same distance semantics,
result shape and tie-breaking as :meth:`GalleryIndex.search`. What it can miss is a true
nearest neighbour the coarse search never proposed; :func:`recall_at_1` measures how often
that happens on a gallery's own templates, and the service refuses an index that misses too
often (recognition/services/approximate.py).

Memory: the exact matrix, plus FAISS's own copy of the vectors (IVF-Flat: 512 bytes + 8 for
the id per row; HNSW: 512 bytes + ~2·M·4 for the graph), i.e. a bit over twice the exact
index. The point is speed, not memory.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .gallery import Candidate, GalleryIndex, Identification
from .matching import DEFAULT_THRESHOLD, DIM, as_vector

KINDS = ("exact", "ivf", "hnsw")
CANDIDATE_POOL = 32


@dataclass(frozen=True)
class IndexConfig:
    """How a deployment's gallery is searched. ``exact`` ignores the other fields.

    ivf: ``nlist`` coarse lists (trained by k-means on the gallery), ``nprobe`` of them
    searched per probe. hnsw: ``m`` links per node, ``ef_search`` breadth of the search,
    ``ef_construction`` breadth while building.
    """

    kind: str = "exact"
    nlist: int = 1024
    nprobe: int = 32
    m: int = 32
    ef_search: int = 128
    ef_construction: int = 80

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"index kind must be one of {', '.join(KINDS)}")
        for name in ("nlist", "nprobe", "m", "ef_search", "ef_construction"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65536:
                raise ValueError(f"{name} must be an integer between 1 and 65536")

    @property
    def exact(self) -> bool:
        return self.kind == "exact"

    def params(self) -> dict[str, int]:
        """The fields that matter for this kind (stored beside the deployment)."""
        values = asdict(self)
        keep = {"exact": (), "ivf": ("nlist", "nprobe"),
                "hnsw": ("m", "ef_search", "ef_construction")}[self.kind]
        return {k: values[k] for k in keep}

    @classmethod
    def from_params(cls, kind: str, params: dict | None) -> IndexConfig:
        return cls(kind=kind, **{k: int(v) for k, v in (params or {}).items()
                                  if k in ("nlist", "nprobe", "m", "ef_search",
                                           "ef_construction")})


def faiss_available() -> bool:
    try:
        import faiss  # noqa: F401
    except ImportError:
        return False
    return True


class ApproximateGalleryIndex:
    """A `GalleryIndex` plus a FAISS index over the same rows (row number = FAISS id)."""

    __slots__ = ("_config", "_exact", "_faiss", "_faiss_bytes")

    def __init__(self, exact: GalleryIndex, config: IndexConfig) -> None:
        import faiss

        if config.exact:
            raise ValueError("an approximate index needs kind 'ivf' or 'hnsw'")
        if exact.tombstones:  # FAISS row numbers must be the exact index's rows
            exact = exact.compacted()
        self._exact = exact
        self._config = config
        matrix = exact.matrix
        n = matrix.shape[0]
        if config.kind == "ivf":
            # k-means needs at least one point per list; tiny galleries get fewer lists.
            nlist = max(1, min(config.nlist, n // 39 if n >= 39 * 2 else 1))
            quantizer = faiss.IndexFlatL2(DIM)
            index = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_L2)
            if n:
                index.train(_training_sample(matrix, nlist))
                index.add(matrix)
            index.nprobe = min(config.nprobe, nlist)
            self._faiss_bytes = n * (DIM * 4 + 8) + nlist * DIM * 4
        else:
            index = faiss.IndexHNSWFlat(DIM, config.m, faiss.METRIC_L2)
            index.hnsw.efConstruction = config.ef_construction
            if n:
                index.add(matrix)
            index.hnsw.efSearch = config.ef_search
            self._faiss_bytes = n * (DIM * 4 + 2 * config.m * 4)
        self._faiss = index

    # --- GalleryIndex's interface ----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._exact)

    @property
    def config(self) -> IndexConfig:
        return self._config

    @property
    def exact_index(self) -> GalleryIndex:
        return self._exact

    @property
    def matrix(self) -> np.ndarray:
        return self._exact.matrix

    @property
    def ids(self) -> np.ndarray:
        return self._exact.ids

    @property
    def nbytes(self) -> int:
        return self._exact.nbytes + self._faiss_bytes

    def search(
        self, probe: np.ndarray, *, top_k: int = 5, threshold: float = DEFAULT_THRESHOLD
    ) -> list[Candidate]:
        """As :meth:`GalleryIndex.search`, among the rows the approximate index proposes."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        p = as_vector(probe)
        n = len(self)
        if n == 0:
            return []
        pool = min(n, max(CANDIDATE_POOL, 4 * top_k))
        _, rows = self._faiss.search(p.reshape(1, DIM), pool)
        rows = rows[0]
        rows = rows[rows >= 0]
        if rows.size == 0:
            return []
        matrix, ids = self._exact.matrix, self._exact.ids
        diff = matrix[rows] - p
        exact = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        order = np.lexsort((ids[rows], exact))[:top_k]
        return [
            Candidate(subject_ref=int(ids[rows[j]]), distance=float(exact[j]))
            for j in order
            if exact[j] <= threshold
        ]

    def identify(
        self, probe: np.ndarray, *, top_k: int = 5, threshold: float = DEFAULT_THRESHOLD
    ) -> Identification:
        return Identification(tuple(self.search(probe, top_k=top_k, threshold=threshold)))


def _training_sample(matrix: np.ndarray, nlist: int) -> np.ndarray:
    """At most 64 points per list for k-means (FAISS's own advice is 39-256)."""
    n = matrix.shape[0]
    wanted = min(n, 64 * nlist)
    if wanted == n:
        return np.ascontiguousarray(matrix)
    rows = np.sort(np.random.default_rng(0).choice(n, size=wanted, replace=False))
    return np.ascontiguousarray(matrix[rows])


def index_for(exact: GalleryIndex,
              config: IndexConfig | None) -> GalleryIndex | ApproximateGalleryIndex:
    """The index a deployment searches: ``exact`` itself unless an approximate kind is set."""
    if config is None or config.exact:
        return exact
    return ApproximateGalleryIndex(exact, config)


@dataclass(frozen=True)
class RecallMeasurement:
    recall_at_1: float
    probes: int
    templates: int
    exact_ms: float
    approximate_ms: float

    @property
    def speedup(self) -> float:
        return self.exact_ms / self.approximate_ms if self.approximate_ms else 0.0


def recall_probes(matrix: np.ndarray, *, count: int, noise: float, seed: int = 0) -> np.ndarray:
    """Probes drawn from the gallery's own templates, each moved by Gaussian noise of expected
    norm ``noise`` (another photo of an enrolled person lands within the threshold of their
    template; a probe equal to a template would be found by any index, trivially)."""
    n = matrix.shape[0]
    rng = np.random.default_rng(seed)
    rows = rng.choice(n, size=min(count, n), replace=False)
    jitter = rng.standard_normal((rows.size, DIM)).astype(np.float32)
    jitter *= np.float32(noise / np.sqrt(DIM))
    return (matrix[rows] + jitter).astype(np.float32)


def recall_at_1(exact: GalleryIndex, approximate: ApproximateGalleryIndex, probes: np.ndarray
                ) -> RecallMeasurement:
    """Share of probes whose approximate top-1 is the exact top-1 (a different subject at the
    same distance counts as found: the two answers are equally right). No threshold."""
    import time

    hits = 0
    exact_s = approx_s = 0.0
    for probe in probes:
        t0 = time.perf_counter()
        want = exact.search(probe, top_k=1, threshold=np.inf)
        t1 = time.perf_counter()
        got = approximate.search(probe, top_k=1, threshold=np.inf)
        t2 = time.perf_counter()
        exact_s += t1 - t0
        approx_s += t2 - t1
        if want and got and (got[0].subject_ref == want[0].subject_ref
                             or got[0].distance <= want[0].distance + 1e-6):
            hits += 1
        elif not want and not got:
            hits += 1
    count = max(1, len(probes))
    return RecallMeasurement(recall_at_1=hits / count, probes=len(probes),
                             templates=len(exact), exact_ms=exact_s * 1000 / count,
                             approximate_ms=approx_s * 1000 / count)
