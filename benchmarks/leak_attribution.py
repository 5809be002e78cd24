"""Leak attribution (issue 15): which copy a dump of face templates came from.

A synthetic world of 50 deployments (each with a current and a past transform version, the
past one as if rotated) and 200 edge-device-like spaces (each holding a subset of one
deployment's people under its own secret rotation: device spaces are simulated as extra
transform spaces, as the edge-device provider will yield them), with k canaries planted per copy.
People are synthetic templates at the engine's typical norm (1.41); a person's second encoding
is their template plus noise at ordinary same-person distance (~0.35-0.45).

Figures:

* attribution: dumps of 1, 5, 20 and 1,000 templates copied from one random space and version;
  share whose top-scored source is exactly that space and version (aim: 100 % from 1 template);
* the same for dumps of 1 and 20 templates perturbed by noise of norm 0.03 (dodging exact
  matching; near copies are searched up to 0.05);
* false attributions over 1,000 dumps that are no copy: raw re-encodings of enrolled people
  (half) and random vectors (half); a false attribution is any source named (aim: 0);
* analysis time of a 100,000-vector dump (half copies, half random), with the index built once,
  beside the baseline measured in the same run: a brute-force scan (dense distances from the dump
  to every indexed vector), timed on 2,000 vectors and scaled to 100,000. Ratio = baseline / ours;
* canary detection: a copy of n items plus k canaries; the dump holds each item independently
  with probability f; measured share of dumps in which analysis finds one of that copy's canaries,
  beside 1 - (1 - f)^k.
* edge devices as they really are (``device_attribution``): the platform holds none of a
  device's templates, so each device space (versions 1 and 2) stores nothing and only the
  device's k = 5 canaries name it. Dumps of a device's gallery (its people plus its canaries, in
  its space at a random version) keep each item with probability f; measured share whose top
  source is exactly that device and version, beside 1 - (1 - f)^k (the chance a canary is in
  the dump); wrong devices named (aim 0); and the same dumps re-encoded into raw space (device
  named, version unknown).

Default (quick, < 2 min here): 300 people per deployment, 60 per device, 40 dumps per size,
150 trials per canary cell. Full size: ``python benchmarks/leak_attribution.py --full``
(1,000 people per deployment, 200 per device, 200 dumps per size, 1,000 trials per cell).
"""

from __future__ import annotations

import argparse
import os
import time

# One BLAS thread: many small matmuls on a shared machine thrash with a thread pool (27x here).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from _common import REPO_ROOT  # noqa: E402, F401  (sets sys.path)

from recognition.engine.provenance import (  # noqa: E402
    CanarySet,
    ProvenanceIndex,
    Space,
    canaries_draw,
    canary_detection_probability,
)
from recognition.vault.crypto import TemplateTransform  # noqa: E402

DEPLOYMENTS, DEVICES, K_MAX = 50, 200, 10
NORM = 1.41


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, 128)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True) * NORM


def world(people: int, per_device: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    spaces, canaries, raws = [], [], {}
    secret = iter(range(10**6))

    def transform() -> TemplateTransform:
        return TemplateTransform(int(next(secret)).to_bytes(4, "big") * 8)

    for d in range(1, DEPLOYMENTS + 1):
        raw = unit(rng, people)
        raws[d] = raw
        refs = [f"d{d}-{i}" for i in range(people)]
        old, new = transform(), transform()
        spaces.append(Space("deployment", d, None, 1, old, old.apply(raw), refs, current=False))
        spaces.append(Space("deployment", d, None, 2, new, new.apply(raw), refs))
    for device in range(1, DEVICES + 1):
        d = int(rng.integers(1, DEPLOYMENTS + 1))
        rows = rng.choice(people, per_device, replace=False)
        t = transform()
        spaces.append(Space("device", d, device, 1, t, t.apply(raws[d][rows]),
                            [f"d{d}-{i}" for i in rows]))
    all_raw = np.concatenate(list(raws.values()))
    planted = []
    for space in spaces:
        if not space.current:
            continue
        draw = canaries_draw(space.transform.invert(space.stored[:200]), K_MAX, rng,
                             avoid=None)
        planted.append(draw.vectors)
        canaries.append(CanarySet(space.kind, space.deployment_id, space.device_id, draw.vectors,
                                  [f"k-{space.key}-{i}" for i in range(K_MAX)]))
    nearest = min(float(np.sqrt(((all_raw[:5000, None, :] - c[None, :, :]) ** 2).sum(-1)).min())
                  for c in planted[:20])
    return spaces, canaries, raws, nearest


def attribution(index: ProvenanceIndex, rng: np.random.Generator, sizes, trials: int,
                noise: float = 0.0):
    spaces = index.spaces
    out = {}
    for m in sizes:
        eligible = [s for s in spaces if len(s.stored) >= m]
        correct = 0
        for _ in range(trials):
            space = eligible[int(rng.integers(len(eligible)))]
            dump = space.stored[rng.choice(len(space.stored), m, replace=False)]
            if noise:  # perturbed to dodge exact matching
                jitter = rng.standard_normal(dump.shape).astype(np.float32)
                dump = dump + jitter / np.linalg.norm(jitter, axis=1, keepdims=True) * noise
            report = index.analyse(dump)
            top = report["sources"][0] if report["sources"] else None
            correct += bool(top and (top["kind"], top["deployment_id"], top["device_id"],
                                     top["transform_version"]) == (
                space.kind, space.deployment_id, space.device_id, space.transform_version))
        out[m] = (correct, trials, len(eligible))
    return out


def false_attributions(index: ProvenanceIndex, raws, rng: np.random.Generator, dumps: int):
    false = same_people_seen = 0
    keys = list(raws)
    for i in range(dumps):
        if i % 2:
            dump = unit(rng, 20)
        else:
            raw = raws[keys[int(rng.integers(len(keys)))]]
            people = raw[rng.choice(len(raw), 20, replace=False)]
            noise = rng.standard_normal(people.shape).astype(np.float32)
            dump = people + noise / np.linalg.norm(noise, axis=1, keepdims=True) * 0.4
        report = index.analyse(dump, same_person_sample=20)
        false += bool(report["sources"] or report["canary_hits"])
        same_people_seen += bool(report["same_people"])
    return false, same_people_seen


def big_dump(index: ProvenanceIndex, rng: np.random.Generator, n: int = 100_000):
    copies = np.concatenate([s.stored for s in index.spaces])
    dump = np.concatenate([copies[rng.choice(len(copies), n // 2)],
                           unit(rng, n - n // 2)])
    started = time.perf_counter()
    report = index.analyse(dump)
    ours = time.perf_counter() - started
    sample = dump[:2000]
    vectors = index.index.vectors
    started = time.perf_counter()
    vsq = (vectors ** 2).sum(axis=1)
    for start in range(0, len(sample), 250):
        block = sample[start:start + 250]
        d2 = (block ** 2).sum(axis=1)[:, None] + vsq[None, :] - 2.0 * block @ vectors.T
        d2.min(axis=1)
    baseline = (time.perf_counter() - started) * n / len(sample)
    return ours, baseline, report


def canary_detection(index: ProvenanceIndex, rng: np.random.Generator, trials: int, n: int):
    rows = []
    deployments = [(s, c) for s in index.spaces if s.current and s.kind == "deployment"
                   for c in index.canaries if c.owner == s.owner]
    for f in (0.01, 0.05, 0.1, 0.3):
        for k in (1, 5, 10):
            detected = 0
            for _ in range(trials):
                space, cset = deployments[int(rng.integers(len(deployments)))]
                items = space.stored[:n]
                planted = space.transform.apply(cset.vectors[:k])
                take_items = items[rng.random(len(items)) < f]
                take_canaries = planted[rng.random(k) < f]
                dump = np.concatenate([take_items, take_canaries])
                if not len(dump):
                    continue
                report = index.analyse(dump, same_person_sample=1)
                detected += any(h["deployment_id"] == space.deployment_id and h["kind"] ==
                                "deployment" for h in report["canary_hits"])
            rows.append((f, k, detected / trials, canary_detection_probability(f, k)))
    return rows


def device_attribution(raws, rng: np.random.Generator, devices: int, per_device: int,
                       trials: int, k: int = 5):
    """Device copies attributed by their canaries alone (the platform stores nothing there)."""
    secret = iter(range(10**6, 2 * 10**6))

    def transform() -> TemplateTransform:
        return TemplateTransform(int(next(secret)).to_bytes(4, "big") * 8)

    spaces, canaries, copies = [], [], []
    empty = np.empty((0, 128), np.float32)
    planted = np.empty((0, 128), np.float32)
    for device in range(1, devices + 1):
        d = int(rng.integers(1, DEPLOYMENTS + 1))
        people = raws[d][rng.choice(len(raws[d]), per_device, replace=False)]
        v1, v2 = transform(), transform()
        spaces += [Space("device", d, device, 1, v1, empty, [], current=False),
                   Space("device", d, device, 2, v2, empty, [])]
        draw = canaries_draw(people, k, rng, avoid=planted)
        planted = np.concatenate([planted, draw.vectors])
        canaries.append(CanarySet("device", d, device, draw.vectors,
                                  [f"c-{device}-{i}" for i in range(k)]))
        copies.append((d, device, people, draw.vectors, (v1, v2)))
    index = ProvenanceIndex(spaces, canaries)
    rows = []
    for f in (1.0, 0.3, 0.1):
        correct = wrong = raw_named = 0
        for _ in range(trials):
            d, device, people, canary, versions = copies[int(rng.integers(len(copies)))]
            version = int(rng.integers(1, 3))
            items = np.concatenate([people, canary])
            items = items[rng.random(len(items)) < f]
            if not len(items):
                continue
            items = items[rng.permutation(len(items))]
            report = index.analyse(versions[version - 1].apply(items), same_person_sample=1)
            top = report["sources"][0] if report["sources"] else None
            correct += bool(top and (top["device_id"], top["transform_version"]) == (
                device, version))
            wrong += any(s["device_id"] != device for s in report["sources"])
            raw = index.analyse(items, same_person_sample=1)["sources"]
            raw_named += bool(raw and raw[0]["device_id"] == device)
        rows.append((f, correct / trials, wrong, raw_named / trials,
                     canary_detection_probability(f, k)))
    return rows, len(index.index.vectors)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    people, per_device, trials, canary_trials = ((1000, 200, 200, 1000) if args.full
                                                 else (300, 60, 40, 150))
    rng = np.random.default_rng(15)
    started = time.perf_counter()
    spaces, canaries, raws, nearest = world(people, per_device)
    index = ProvenanceIndex(spaces, canaries)
    print(f"world: {DEPLOYMENTS} deployments x 2 versions, {DEVICES} device spaces, "
          f"{sum(len(c.vectors) for c in canaries)} canaries; {len(index.index.vectors):,} "
          f"indexed vectors; built in {time.perf_counter() - started:.1f} s; "
          f"nearest canary to a real template {nearest:.2f}")
    sizes = (1, 5, 20, 1000) if people >= 1000 else (1, 5, 20, people)
    for m, (correct, total, eligible) in attribution(index, rng, sizes, trials).items():
        print(f"attribution, dumps of {m:>5} templates: {correct}/{total} correct "
              f"({100 * correct / total:.1f} %) over {eligible} eligible spaces")
    for m, (correct, total, _) in attribution(index, rng, (1, 20), trials, noise=0.03).items():
        print(f"attribution, dumps of {m:>5} templates perturbed by noise of norm 0.03: "
              f"{correct}/{total} correct ({100 * correct / total:.1f} %)")
    false, same = false_attributions(index, raws, rng, 1000)
    print(f"false attributions over 1,000 non-copy dumps (raw re-encodings / random): {false} "
          f"(re-encodings reported as the same people: {same}/500)")
    ours, baseline, report = big_dump(index, rng)
    print(f"100,000-vector dump: {ours:.2f} s (exact copies found {report['exact_copies']:,}/"
          f"50,000) vs brute-force scan {baseline:.1f} s (scaled from 2,000): "
          f"ratio {baseline / ours:.1f}x faster")
    print("canary detection (measured vs 1 - (1 - f)^k):")
    for f, k, measured, expected in canary_detection(index, rng, canary_trials, people):
        print(f"  f={f:<5} k={k:<3} measured {measured:.3f}  formula {expected:.3f}  "
              f"ratio {measured / expected if expected else float('nan'):.2f}")
    device_trials = 200 if args.full else 60
    rows, indexed = device_attribution(raws, rng, DEVICES if args.full else 50, per_device,
                                       device_trials)
    print(f"edge devices by canaries alone ({DEVICES if args.full else 50} devices x 2 "
          f"versions, k=5, nothing stored; {indexed:,} indexed vectors; {device_trials} dumps "
          f"per f):")
    for f, share, wrong, raw_share, expected in rows:
        print(f"  f={f:<4} device+version correct {share:.3f}  formula {expected:.3f}  "
              f"ratio {share / expected:.2f}; wrong devices named {wrong}; "
              f"re-encoded raw: device named {raw_share:.3f}")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
