"""Shard workers under concurrent load, with the real `ShardHolder` (recognition/shards.py:
LRU parts bounded in bytes, stale parts reloaded in a background thread while the old index
answers). Synthetic float32 templates stand in for the vault (a part's "load" generates its
rows), so the figures are about search, memory and reloads, not decryption.

1. Many deployments at once: D deployments of T templates each, spread over S shard worker
   processes as recognition/shards.py spreads one-part deployments (queue = deployment mod S);
   C concurrent clients send identify requests to random deployments. Printed: throughput and
   p50/p99 latency, every worker's peak bytes held against FACEGOV_SHARD_MEMORY_MB (the bound
   must hold), loads and evictions; the same probes answered sequentially by one in-process
   GalleryIndex per deployment (no transport, no bound) in the same run as the baseline.
2. Enrol while identifying: C clients identify against one deployment on one worker, first
   alone, then while an enrolment bumps the gallery version every E ms (each reload appends
   the new template in the background). Printed: p50/p99 without and with enrolments and
   their ratio (aim: ~1: no identify waits for a reload), and how many reloads happened -
   twice in the same run: each reload copying the part into a new index (the old way, the
   baseline) and each reload appending into the index's spare capacity (GalleryIndex.updated,
   what recognition/shards.py does now).

Run: python benchmarks/shard_concurrency.py          (10 x 20,000 templates, 2 workers, 100 clients)
     python benchmarks/shard_concurrency.py --templates 200000 --requests 2000   (the full size:
     10 deployments x 200,000; by default two runs: a bound all of a worker's deployments fit
     in, and a bound of ~3 of its 5 deployments, which makes random traffic reload evicted parts;
     --skip-enrol leaves out part 2, ~8 minutes more at this size on 2 cores)
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import threading
import time

import numpy as np
from _common import REPO_ROOT  # noqa: F401  (sets sys.path)

DIM = 128
TOP_K = 5
BYTES_PER_TEMPLATE = DIM * 4 + 4 + 8  # matrix row, squared norm, id (GalleryIndex.nbytes)


def vm_kib(field: str) -> int:
    """VmRSS / VmHWM of this process in KiB (Linux), 0 elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def synthetic(deployment: int, templates: int) -> np.ndarray:
    rng = np.random.default_rng(1000 + deployment)
    return rng.standard_normal((templates, DIM), dtype=np.float32) * np.float32(0.05)


def shard_main(inbox, outbox, max_bytes: int, templates: int,  # noqa: ANN001
               copy_on_reload: bool = False) -> None:
    from django.conf import settings

    settings.configure()  # the holder's reload thread closes a (dummy) connection
    from recognition.engine import GalleryIndex
    from recognition.gallery_part import LoadedPart
    from recognition.shards import ShardHolder, _incoming_bytes

    # The bound counts the parts' bytes after eviction; the process also holds, for a moment,
    # the part being loaded (and its generation temporary) before the oldest is evicted, so
    # its real peak (VmHWM, counted from what it shares with the parent at fork) is printed too.
    stats = {"loads": 0, "evictions": 0, "reloads": 0, "peak": 0, "reload_s": 0.0,
             "rss_start_kib": vm_kib("VmRSS"), "hwm_kib": 0}
    versions: dict[int, int] = {}

    class SyntheticHolder(ShardHolder):
        def _load(self, key):  # noqa: ANN001, ANN202
            started = time.perf_counter()
            deployment_id = key[0]
            previous = self._parts.get(key)
            version = versions.get(deployment_id, 0)
            # As ShardHolder._load: room is made before the part is built.
            incoming = (templates * BYTES_PER_TEMPLATE if previous is None
                        else _incoming_bytes(deployment_id, (0, 1), previous))
            with self._lock:
                stats["evictions"] += len(self._make_room(keep=key, incoming=incoming))
            if previous is None:
                matrix = synthetic(deployment_id, templates)
                stats["loads"] += 1
            else:  # an enrolment: the held rows plus one new template
                new = synthetic(deployment_id + 10_000 + version, 1)
                stats["reloads"] += 1
            if previous is None or copy_on_reload:
                if previous is not None:  # the old reload: a new index over a copy
                    matrix = np.concatenate([previous.index.matrix, new])
                index = GalleryIndex(np.arange(matrix.shape[0], dtype=np.int64), matrix)
            else:  # as gallery_part.part_updated: the new row written into spare capacity
                index = previous.index.updated(
                    ids=np.array([previous.index.row_count], dtype=np.int64), rows=new)
            loaded = LoadedPart(version, 1, index, time.time(), np.empty(0, dtype=np.int64))
            with self._lock:
                self._parts[key] = loaded
                self._parts.move_to_end(key)
                stats["evictions"] += len(self._evict(keep=key))
                stats["peak"] = max(stats["peak"], self.nbytes)
            if previous is not None:
                stats["reload_s"] += time.perf_counter() - started
            return loaded

    holder = SyntheticHolder(max_bytes)
    while True:
        message = inbox.get()
        if message is None:
            stats["hwm_kib"] = vm_kib("VmHWM")
            outbox.put(("stats", stats))
            return
        request_id, deployment_id, probe, version = message
        versions[deployment_id] = max(versions.get(deployment_id, 0), version)
        found, _ = holder.search(deployment_id=deployment_id, part=0, parts=1, probe=probe,
                                 top_k=TOP_K, threshold=10.0, version=version,
                                 transform_version=1)
        outbox.put((request_id, found[0][0] if found else -1))


class Cluster:
    """S worker processes, one inbox each (a Celery queue), one shared outbox."""

    def __init__(self, shards: int, max_bytes: int, templates: int,
                 copy_on_reload: bool = False) -> None:
        ctx = mp.get_context("fork")
        self.outbox = ctx.Queue()
        self.inboxes = [ctx.Queue() for _ in range(shards)]
        self.workers = [ctx.Process(target=shard_main,
                                    args=(inbox, self.outbox, max_bytes, templates,
                                          copy_on_reload))
                        for inbox in self.inboxes]
        for worker in self.workers:
            worker.start()
        self.waiting: dict[int, list] = {}
        self.lock = threading.Lock()
        self.next_id = 0
        self.stats: list[dict] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            request_id, answer = self.outbox.get()
            if request_id == "stats":
                self.stats.append(answer)
                if len(self.stats) == len(self.workers):
                    return
                continue
            with self.lock:
                slot = self.waiting.pop(request_id)
            slot[1] = answer
            slot[0].set()

    def identify(self, deployment_id: int, probe: np.ndarray, version: int = 0) -> int:
        slot = [threading.Event(), None]
        with self.lock:
            request_id = self.next_id
            self.next_id += 1
            self.waiting[request_id] = slot
        self.inboxes[deployment_id % len(self.inboxes)].put(
            (request_id, deployment_id, probe, version))
        slot[0].wait()
        return slot[1]

    def close(self) -> list[dict]:
        for inbox in self.inboxes:
            inbox.put(None)
        self.reader.join(timeout=60)
        for worker in self.workers:
            worker.join(timeout=30)
        return self.stats


def run_clients(clients: int, jobs: list, call) -> tuple[list[float], float]:  # noqa: ANN001
    latencies: list[float] = []
    lock = threading.Lock()
    cursor = iter(range(len(jobs)))

    def client() -> None:
        while True:
            with lock:
                n = next(cursor, None)
            if n is None:
                return
            start = time.perf_counter()
            call(*jobs[n])
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - start


def p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def many_deployments(args: argparse.Namespace) -> None:
    from recognition.engine import GalleryIndex

    rng = np.random.default_rng(1)
    jobs = []
    for _ in range(args.requests):
        deployment = int(rng.integers(0, args.deployments))
        row = int(rng.integers(0, args.templates))
        jobs.append((deployment, row))
    galleries = {d: synthetic(d, args.templates) for d in range(args.deployments)}
    probes = [(d, galleries[d][row] + np.float32(0.001)) for d, row in jobs]

    # Baseline: one in-process index per deployment, the same probes, one after another.
    indexes = {d: GalleryIndex(np.arange(args.templates), m) for d, m in galleries.items()}
    start = time.perf_counter()
    for d, probe in probes:
        indexes[d].search(probe, top_k=TOP_K, threshold=10.0)
    baseline = time.perf_counter() - start
    del indexes, galleries

    per_deployment = args.templates * BYTES_PER_TEMPLATE
    per_worker = -(-args.deployments // args.shards)
    bounds = ([args.memory_mb * 2**20] if args.memory_mb else
              [int(per_deployment * (per_worker + 0.5)), int(per_deployment * 3.2)])
    for max_bytes in bounds:
        bounded_run(args, probes, jobs, baseline, max_bytes)


def bounded_run(args, probes, jobs, baseline: float, max_bytes: int) -> None:  # noqa: ANN001
    cluster = Cluster(args.shards, max_bytes, args.templates)
    wrong = [0]

    def call(d: int, probe: np.ndarray, row: int) -> None:
        if cluster.identify(d, probe) != row:
            wrong[0] += 1

    latencies, elapsed = run_clients(args.clients, [(d, pr, row) for (d, pr), (_, row)
                                                    in zip(probes, jobs, strict=True)], call)
    stats = cluster.close()
    print(f"{args.deployments} deployments x {args.templates:,} templates on {args.shards} "
          f"shard workers, {args.clients} concurrent clients, {args.requests} identifies:")
    print(f"  throughput {args.requests / elapsed:.0f}/s, p50 {p(latencies, 0.5):.1f} ms, "
          f"p99 {p(latencies, 0.99):.1f} ms, wrong top-1 {wrong[0]}")
    print(f"  baseline, one in-process index per deployment, sequential: "
          f"{args.requests / baseline:.0f}/s -> throughput ratio "
          f"{(args.requests / elapsed) / (args.requests / baseline):.2f}x")
    for n, s in enumerate(stats):
        held = "respected" if s["peak"] <= max_bytes else "EXCEEDED"
        print(f"  worker {n}: peak held {s['peak'] / 2**20:.0f} MiB of a "
              f"{max_bytes / 2**20:.0f} MiB bound ({held}), "
              f"{s['loads']} loads, {s['evictions']} evictions; process peak RSS "
              f"{s['hwm_kib'] / 1024:.0f} MiB ({s['rss_start_kib'] / 1024:.0f} MiB at start)")


def enrol_while_identifying(args: argparse.Namespace) -> None:
    gallery = synthetic(0, args.templates)
    rng = np.random.default_rng(2)
    rows = rng.integers(0, args.templates, args.requests)
    probes = [gallery[r] + np.float32(0.001) for r in rows]
    del gallery
    print(f"enrol while identifying ({args.templates:,} templates, {args.clients} clients, one "
          f"worker, an enrolment every {args.enrol_every_ms} ms, {args.rounds} rounds of "
          f"quiet then enrolling per mode, modes alternating; p99 = median over rounds):")
    modes = (("copying the part on each reload (before)", True),
             ("appending into spare capacity (now)", False))
    results: dict[bool, dict[str, list[float]]] = {
        copy: {"quiet50": [], "quiet99": [], "busy50": [], "busy99": []} for _, copy in modes}
    reloads = {copy: [0, 0.0] for _, copy in modes}
    for _ in range(args.rounds):
        for _, copy_on_reload in modes:
            cluster = Cluster(1, 2**40, args.templates, copy_on_reload)
            version = [0]
            cluster.identify(0, probes[0])  # loaded before timing

            def call(probe: np.ndarray, cluster=cluster, version=version) -> None:  # noqa: ANN001
                cluster.identify(0, probe, version[0])

            quiet, _ = run_clients(args.clients, [(pr,) for pr in probes], call)
            stop = threading.Event()

            def enrol(stop=stop, version=version) -> None:  # noqa: ANN001
                while not stop.is_set():
                    version[0] += 1
                    stop.wait(args.enrol_every_ms / 1000)

            enroller = threading.Thread(target=enrol)
            enroller.start()
            busy, _ = run_clients(args.clients, [(pr,) for pr in probes], call)
            stop.set()
            enroller.join()
            [stats] = cluster.close()
            figures = results[copy_on_reload]
            figures["quiet50"].append(p(quiet, 0.5))
            figures["quiet99"].append(p(quiet, 0.99))
            figures["busy50"].append(p(busy, 0.5))
            figures["busy99"].append(p(busy, 0.99))
            reloads[copy_on_reload][0] += stats["reloads"]
            reloads[copy_on_reload][1] += stats["reload_s"]
    ratio = {}
    for label, copy_on_reload in modes:
        f = {k: float(np.median(v)) for k, v in results[copy_on_reload].items()}
        count, seconds = reloads[copy_on_reload]
        ratio[copy_on_reload] = f["busy99"] / f["quiet99"]
        print(f"  {label}:")
        print(f"    without enrolments: p50 {f['quiet50']:.1f} ms, p99 {f['quiet99']:.1f} ms")
        print(f"    with enrolments:    p50 {f['busy50']:.1f} ms, p99 {f['busy99']:.1f} ms -> p99 "
              f"ratio {ratio[copy_on_reload]:.2f}x (per round: " + ", ".join(
                  f"{b / q:.2f}x" for b, q in zip(results[copy_on_reload]['busy99'],
                                                  results[copy_on_reload]['quiet99'],
                                                  strict=True)) + ")")
        print(f"    {count} background reloads, {1000 * seconds / max(count, 1):.3f} ms of "
              f"work each")
    work = {copy: 1000 * seconds / max(count, 1) for copy, (count, seconds) in reloads.items()}
    print(f"  p99 slowdown under enrolments, appending vs copying: {ratio[False]:.2f}x vs "
          f"{ratio[True]:.2f}x; reload work {work[False]:.3f} ms vs {work[True]:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deployments", type=int, default=10)
    parser.add_argument("--templates", type=int, default=20_000)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--memory-mb", type=int, default=0,
                        help="per-worker bound (default: two runs, one where a worker's "
                             "deployments all fit and one holding ~3 of them)")
    parser.add_argument("--enrol-every-ms", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3,
                        help="enrol-while-identifying rounds per mode (median reported)")
    parser.add_argument("--only-enrol", action="store_true",
                        help="skip the many-deployments run")
    parser.add_argument("--skip-enrol", action="store_true",
                        help="skip the enrol-while-identifying run")
    args = parser.parse_args()
    if not args.only_enrol:
        many_deployments(args)
    if not args.skip_enrol:
        enrol_while_identifying(args)


if __name__ == "__main__":
    main()
