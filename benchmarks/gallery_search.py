"""1:N search speed and memory of GalleryIndex vs a plain numpy float32 scan.

Synthetic galleries of 100,000 and 1,000,000 random unit float32 128-d templates (real dlib
templates are near the unit sphere too). The index is filled through ``GalleryBuilder`` in
blocks, as the vault loader does.

* search: median over probes of ``index.search(probe, top_k=10)`` vs the baseline
  ``np.argsort(np.linalg.norm(M - p, axis=1))[:10]``-free scan ``np.linalg.norm(M - p, axis=1)``
  alone (the baseline is only the distance scan, without ranking: it is flattered, not us).
  Target: ours/baseline <= 1.5.
* memory: (a) ``index.nbytes`` (matrix + squared norms + ids) over the raw matrix's ``nbytes``;
  (b) tracemalloc peak while building the index (numpy reports its buffers to tracemalloc), over
  the raw matrix's bytes - this catches hidden copies during loading. Target: <= 1.2.

Run: python benchmarks/gallery_search.py     (about 1-2 minutes, peak ~1.7 GB at 1M)
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

import numpy as np
from _common import REPO_ROOT  # noqa: F401  (sets sys.path)

from recognition.engine import GalleryBuilder

PROBES = 15
BLOCK = 4096  # rows per decrypted batch; the batch is scratch, freed after copying


def build(n: int, seed: int):
    rng = np.random.default_rng(seed)
    builder = GalleryBuilder(n)
    for start in range(0, n, BLOCK):
        size = min(BLOCK, n - start)
        block = rng.standard_normal((size, 128), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        builder.add_many(np.arange(start, start + size), block)
        del block
    return builder.build()


def main() -> None:
    for n in (100_000, 1_000_000):
        raw_bytes = n * 128 * 4
        tracemalloc.start()
        index = build(n, seed=n)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        matrix = index._matrix  # the same float32 matrix for the baseline scan
        rng = np.random.default_rng(1)
        probes = [
            matrix[rng.integers(n)] + rng.normal(0, 0.02, 128).astype(np.float32)
            for _ in range(PROBES)
        ]
        ours, base = [], []
        for probe in probes:
            start = time.perf_counter()
            found = index.search(probe, top_k=10, threshold=0.6)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            scan = np.linalg.norm(matrix - probe, axis=1)
            base.append(time.perf_counter() - start)
            assert found and abs(found[0].distance - float(scan.min())) < 1e-4
        t_ours, t_base = statistics.median(ours), statistics.median(base)
        print(
            f"N={n:>9,}: search {t_ours * 1000:7.1f} ms vs numpy norm scan "
            f"{t_base * 1000:7.1f} ms -> ratio {t_ours / t_base:.2f} (target <= 1.5)"
        )
        print(
            f"             index nbytes {index.nbytes / 2**20:7.1f} MiB vs raw matrix "
            f"{raw_bytes / 2**20:7.1f} MiB -> ratio {index.nbytes / raw_bytes:.3f}; "
            f"tracemalloc build peak ratio {peak / raw_bytes:.3f} (target <= 1.2)"
        )
        del index, matrix, probes


if __name__ == "__main__":
    main()
