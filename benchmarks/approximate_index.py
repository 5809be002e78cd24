"""Approximate gallery index (FAISS IVF-Flat and HNSW, recognition/engine/approximate.py)
against exact search (`GalleryIndex`) on the same synthetic templates, in the same run:
recall@1 against exact, milliseconds per probe, the speed-up (exact ÷ approximate), build
time and index size.

Templates: people spread like face encodings (different people ~0.9 apart, well outside the
0.6 threshold) around 1,000 loose groups, so the data has the clustering real galleries have.
Probes: enrolled templates moved by noise of norm 0.35 (another photo of an enrolled person),
as the recall gate in recognition/services/approximate.py draws them. Both searches use one
thread (OMP/BLAS pinned), as a shard worker does per request.

Run: python benchmarks/approximate_index.py                       (200,000 templates)
     python benchmarks/approximate_index.py --templates 2000000 --probes 2000   (the full size;
     ~3 GB of RAM for the exact matrix plus the FAISS copies, HNSW build takes minutes)
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
    args = parser.parse_args()
    import faiss

    faiss.omp_set_num_threads(1)
    n = args.templates
    t0 = time.perf_counter()
    exact = GalleryIndex(np.arange(n, dtype=np.int64), synthetic(n))
    print(f"{n:,} templates generated in {time.perf_counter() - t0:.1f} s; exact index "
          f"{exact.nbytes / 2**20:.0f} MiB")
    probes = recall_probes(exact.matrix, count=args.probes, noise=args.noise)
    nlist = int(4 * np.sqrt(n))  # FAISS's rule of thumb: 4·√N to 16·√N lists
    configs = [IndexConfig(kind="ivf", nlist=nlist, nprobe=1),
               IndexConfig(kind="ivf", nlist=nlist, nprobe=16),
               IndexConfig(kind="ivf", nlist=nlist, nprobe=64)]
    if not args.skip_hnsw:
        configs.append(IndexConfig(kind="hnsw", m=32, ef_search=64, ef_construction=80))
    print(f"{'index':<56}{'build s':>9}{'MiB':>7}{'recall@1':>10}{'exact ms':>10}"
          f"{'approx ms':>11}{'speed-up':>10}  gate (>= 99.9 %)")
    for config in configs:
        t0 = time.perf_counter()
        approximate = ApproximateGalleryIndex(exact, config)
        built = time.perf_counter() - t0
        m = recall_at_1(exact, approximate, probes)
        label = f"{config.kind} {config.params()}"
        print(f"{label:<56}{built:>9.1f}{approximate.nbytes / 2**20:>7.0f}"
              f"{m.recall_at_1:>10.4%}{m.exact_ms:>10.2f}{m.approximate_ms:>11.3f}"
              f"{m.speedup:>9.1f}x  {'accepted' if m.recall_at_1 >= 0.999 else 'refused'}")
        del approximate


if __name__ == "__main__":
    main()
