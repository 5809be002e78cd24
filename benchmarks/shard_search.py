"""1:N search split across shard worker processes against one in-process GalleryIndex of the
same templates, measured in the same run (synthetic float32 templates: the figures are about
search and memory, not accuracy).

Each shard is a separate process holding its part (subject id modulo parts, as
recognition/shards.py splits a deployment) as a GalleryIndex; the parent sends every probe to
all shards at once over pipes and merges their top-k with `merge_top_k`, checking the merged
answer equals the single index's answer for every probe. The transport is a pipe, not Celery
over Redis: a Redis round trip adds about a millisecond per search on this machine (see the
load test for the whole path). Printed: median and p99 latency, the ratio to the single index,
each shard's resident memory, and the parent's memory growth while shards answer.

Run: python benchmarks/shard_search.py            (200,000 templates, 2 and 4 shards)
     python benchmarks/shard_search.py --templates 2000000 --probes 200   (the full size)
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import time

import numpy as np
from _common import REPO_ROOT  # noqa: F401  (sets sys.path)

from recognition.engine import GalleryIndex
from recognition.shards import merge_top_k

DIM = 128
TOP_K = 5


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def trim() -> None:
    """Hand the generator's freed blocks back to the OS, so RSS shows what the shard keeps."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass


def make_part(templates: int, part: int, parts: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The part's rows of the same synthetic gallery every process regenerates in blocks."""
    ids, blocks = [], []
    rng = np.random.default_rng(seed)
    for start in range(0, templates, 100_000):
        n = min(100_000, templates - start)
        block = rng.standard_normal((n, DIM), dtype=np.float32)
        block_ids = np.arange(start, start + n, dtype=np.int64)
        mask = block_ids % parts == part
        ids.append(block_ids[mask])
        blocks.append(block[mask])
    return np.concatenate(ids), np.concatenate(blocks)


def shard_main(conn, templates: int, part: int, parts: int, seed: int) -> None:
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    ids, matrix = make_part(templates, part, parts, seed)
    index = GalleryIndex(ids, matrix)
    del ids, matrix
    trim()
    conn.send(("ready", rss_mb()))
    while True:
        message = conn.recv()
        if message is None:
            trim()
            conn.send(("rss", rss_mb(), index.nbytes / 2**20))
            return
        found = index.search(message, top_k=TOP_K, threshold=1e9)
        conn.send([(c.subject_ref, c.distance) for c in found])


def run_shards(templates: int, parts: int, probes: np.ndarray, seed: int,
               expected: list) -> dict:
    ctx = mp.get_context("fork")
    pipes, processes = [], []
    for part in range(parts):
        parent, child = ctx.Pipe()
        process = ctx.Process(target=shard_main, args=(child, templates, part, parts, seed))
        process.start()
        pipes.append(parent)
        processes.append(process)
    loaded = [pipe.recv()[1] for pipe in pipes]
    parent_before = rss_mb()
    latencies = []
    for n, probe in enumerate(probes):
        started = time.perf_counter()
        for pipe in pipes:
            pipe.send(probe)
        merged = merge_top_k([pipe.recv() for pipe in pipes], TOP_K)
        latencies.append(time.perf_counter() - started)
        assert [s for s, _ in merged] == expected[n], (n, merged, expected[n])
    for pipe in pipes:
        pipe.send(None)
    final_messages = [pipe.recv() for pipe in pipes]
    final = [m[1] for m in final_messages]
    index_mb = [m[2] for m in final_messages]
    for process in processes:
        process.join()
    return {"latencies": latencies, "rss": final or loaded, "index_mb": index_mb,
            "parent_growth": rss_mb() - parent_before}


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * (len(ordered) - 1) + 0.5))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=200_000)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--shards", type=int, nargs="+", default=[2, 4])
    args = parser.parse_args()
    seed = 5
    probes = np.random.default_rng(99).standard_normal((args.probes, DIM), dtype=np.float32)

    # The single in-process index, in a child too, so every figure is a process's own memory.
    ids, matrix = make_part(args.templates, 0, 1, seed)
    index = GalleryIndex(ids, matrix)
    del ids, matrix
    single, expected = [], []
    for probe in probes:
        started = time.perf_counter()
        found = index.search(probe, top_k=TOP_K, threshold=1e9)
        single.append(time.perf_counter() - started)
        expected.append([c.subject_ref for c in found])
    single_mb = index.nbytes / 2**20
    del index
    ms = 1000
    print(f"identify over {args.templates:,} synthetic templates, top-{TOP_K}, "
          f"{args.probes} probes, {mp.cpu_count()} cores")
    print(f"  one in-process GalleryIndex : median {statistics.median(single) * ms:7.2f} ms, "
          f"p99 {p99(single) * ms:7.2f} ms, index {single_mb:,.0f} MB")
    for parts in args.shards:
        result = run_shards(args.templates, parts, probes, seed, expected)
        lat = result["latencies"]
        ratio = statistics.median(lat) / statistics.median(single)
        rss = ", ".join(f"{r:,.0f} ({i:,.0f} index)"
                        for r, i in zip(result["rss"], result["index_mb"], strict=True))
        print(f"  {parts} shard processes       : median {statistics.median(lat) * ms:7.2f} ms, "
              f"p99 {p99(lat) * ms:7.2f} ms (ratio {ratio:.2f}x median); RSS per shard "
              f"{rss} MB; caller growth {result['parent_growth']:+.1f} MB; merged top-{TOP_K} "
              "= the single index's on every probe")

if __name__ == "__main__":
    main()
