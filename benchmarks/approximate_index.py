"""Approximate gallery index (FAISS IVF-Flat and HNSW, recognition/engine/approximate.py)
against exact search (`GalleryIndex`) on the same synthetic templates, in the same run:
recall@1 against exact, milliseconds per probe, the speed-up (exact ÷ approximate), build
time and index size.

Templates: people spread like face encodings (different people ~0.9 apart, well outside the
0.6 threshold) around 1,000 loose groups, so the data has the clustering real galleries have.
Probes: enrolled templates moved by noise of norm 0.35 (another photo of an enrolled person),
as the recall gate in recognition/services/approximate.py draws them. Both searches use one
thread (OMP/BLAS pinned), as a shard worker does per request.

The exact answers (and their time) are computed once per gallery size and shared by every
index measured at that size, through `recall_at_1`'s own hit rule; the IVF settings differ
only in nprobe (a search-time parameter), so they share one trained index and one build time.
At 2,000,000 templates an exact search takes ~0.2 s here: 2,000 probes are ~7 minutes, once.

Run: python benchmarks/approximate_index.py                       (200,000 templates)
     python benchmarks/approximate_index.py --templates 2000000 --probes 2000   (the full size;
     ~3 GB of RAM for the exact matrix plus the FAISS copies)
     ... --hnsw-templates 200000 500000   HNSW on the first N templates only (the same
     synthetic rows; --skip-ivf for HNSW alone): on one thread here its build ran at ~2,400
     rows/s at 50,000 rows, ~1,740/s at 200,000 and ~1,670/s at 500,000 (2,000,000: ~20+ min)
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from _common import REPO_ROOT  # noqa: E402,F401  (sets sys.path)

from recognition.engine import GalleryIndex  # noqa: E402
from recognition.engine.approximate import (  # noqa: E402
    ApproximateGalleryIndex,
    IndexConfig,
    recall_at_1,
    recall_probes,
)

DIM = 128


def rss_mib() -> float:
    """This process's resident memory (Linux /proc), 0 elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class CachedExact:
    """The exact index's answers to the probes, computed (and timed) once, answered to
    `recall_at_1` by probe - so every approximate index at this size is scored by the gate's
    own rule without searching the exact index again."""

    def __init__(self, exact: GalleryIndex, probes: np.ndarray) -> None:
        self._len = len(exact)
        self._answers = {}
        t0 = time.perf_counter()
        for probe in probes:
            self._answers[probe.tobytes()] = exact.search(probe, top_k=1, threshold=np.inf)
        self.ms = (time.perf_counter() - t0) * 1000 / max(1, len(probes))

    def __len__(self) -> int:
        return self._len

    def search(self, probe: np.ndarray, *, top_k: int, threshold: float) -> list:
        return self._answers[np.asarray(probe, dtype=np.float32).tobytes()]


def synthetic(templates: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    groups = rng.standard_normal((1000, DIM), dtype=np.float32) * np.float32(0.06)
    matrix = np.empty((templates, DIM), dtype=np.float32)
    for start in range(0, templates, 100_000):
        n = min(100_000, templates - start)
        block = rng.standard_normal((n, DIM), dtype=np.float32)
        block *= np.float32(0.9 / np.sqrt(2 * DIM))
        block += groups[rng.integers(0, 1000, n)]
        matrix[start : start + n] = block
    return matrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--templates", type=int, default=200_000)
    parser.add_argument("--probes", type=int, default=500)
    parser.add_argument("--noise", type=float, default=0.35)
    parser.add_argument("--skip-hnsw", action="store_true")
    parser.add_argument("--skip-ivf", action="store_true")
    parser.add_argument("--hnsw-templates", type=int, nargs="*", default=None,
                        help="gallery sizes (first N templates) to measure HNSW at; "
                             "default: --templates")
    args = parser.parse_args()
    import faiss

    faiss.omp_set_num_threads(1)
    n = args.templates
    t0 = time.perf_counter()
    matrix = synthetic(n)
    print(f"{n:,} templates generated in {time.perf_counter() - t0:.1f} s")
    hnsw_sizes = [] if args.skip_hnsw else sorted(args.hnsw_templates or [n])
    print(f"{'templates':>10} {'index':<48}{'build s':>9}{'MiB':>7}{'RSS+MiB':>9}"
          f"{'recall@1':>10}{'exact ms':>10}{'approx ms':>11}{'speed-up':>10}  gate (>= 99.9 %)")
    for size in sorted({n, *hnsw_sizes}):
        rows = matrix if size == n else np.ascontiguousarray(matrix[:size])
        exact = GalleryIndex(np.arange(size, dtype=np.int64), rows)
        probes = recall_probes(exact.matrix, count=args.probes, noise=args.noise)
        cached = CachedExact(exact, probes)
        if size == n and not args.skip_ivf:
            nlist = int(4 * np.sqrt(n))  # FAISS's rule of thumb: 4·√N to 16·√N lists
            measure(exact, cached, probes, size,
                    [IndexConfig(kind="ivf", nlist=nlist, nprobe=p) for p in (1, 16, 64)])
        if size in hnsw_sizes:
            measure(exact, cached, probes, size,
                    [IndexConfig(kind="hnsw", m=32, ef_search=64, ef_construction=80)])
        del exact, rows, cached


def measure(exact: GalleryIndex, cached: CachedExact, probes: np.ndarray, size: int,
            configs: list[IndexConfig]) -> None:
    """Build once (configs differ only in search-time parameters), then score each."""
    before = rss_mib()
    t0 = time.perf_counter()
    approximate = ApproximateGalleryIndex(exact, configs[0])
    built = time.perf_counter() - t0
    grown = rss_mib() - before
    for config in configs:
        if config.kind == "ivf":  # search-time only: the same trained lists, probed wider
            approximate._faiss.nprobe = config.nprobe
        approximate._config = config
        m = recall_at_1(cached, approximate, probes)  # type: ignore[arg-type]
        speedup = cached.ms / m.approximate_ms
        label = f"{config.kind} {config.params()}"
        print(f"{size:>10,} {label:<48}{built:>9.1f}{approximate.nbytes / 2**20:>7.0f}"
              f"{grown:>9.0f}{m.recall_at_1:>10.4%}{cached.ms:>10.2f}{m.approximate_ms:>11.3f}"
              f"{speedup:>9.1f}x  {'accepted' if m.recall_at_1 >= 0.999 else 'refused'}",
              flush=True)
    del approximate


if __name__ == "__main__":
    main()
