"""Accuracy on all labelled pairs of people/ and time per image, ours vs the raw library.

Baseline: ``face_recognition`` defaults - ``load_image_file`` (Pillow), ``face_locations`` (HOG,
full image, upsample 1) and ``face_encodings`` - matching at distance <= 0.6.
Ours: ``load_image`` -> ``encode_for_enrolment`` (detect on a 640 px copy, quality gates,
align from the original, encode). Both are timed end to end from the file's bytes, best of
``REPEATS`` runs per image (the minimum is the least noisy estimate on a shared machine).

Run: python benchmarks/engine_speed_accuracy.py     Targets: accuracy >= baseline, >= 3x faster.
"""

from __future__ import annotations

import io
import itertools
import time

import numpy as np
from _common import faces_dir

from recognition.engine import encode_for_enrolment, load_image

REPEATS = 3
THRESHOLD = 0.6


def ours(data: bytes) -> np.ndarray:
    return encode_for_enrolment(load_image(data)).vector


def baseline(data: bytes) -> np.ndarray:
    import face_recognition  # imported late: it changes Pillow's truncation flag globally

    image = face_recognition.load_image_file(io.BytesIO(data))
    locations = face_recognition.face_locations(image)
    return face_recognition.face_encodings(image, locations)[0].astype(np.float32)


def run(name, fn, files):
    vectors, times = {}, []
    for path, data in files.items():
        best = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            vectors[path] = fn(data)
            best = min(best, time.perf_counter() - start)
        times.append(best)
    pairs = list(itertools.combinations(sorted(files), 2))
    correct = 0
    same_max, diff_min = 0.0, 9.0
    for a, b in pairs:
        distance = float(np.linalg.norm(vectors[a] - vectors[b]))
        same = a.parent.name == b.parent.name
        correct += (distance <= THRESHOLD) == same
        if same:
            same_max = max(same_max, distance)
        else:
            diff_min = min(diff_min, distance)
    accuracy = correct / len(pairs)
    per_image = sum(times) / len(times)
    print(
        f"{name:9s} accuracy {accuracy:.4f} ({correct}/{len(pairs)} pairs)  "
        f"same-person max {same_max:.3f}  different-person min {diff_min:.3f}  "
        f"time/image {per_image * 1000:.0f} ms"
    )
    return accuracy, per_image


def main() -> None:
    root = faces_dir()
    files = {p: p.read_bytes() for p in sorted((root / "people").glob("*/*"))}
    ours(next(iter(files.values())))  # load models outside the timing
    acc_ours, t_ours = run("ours", ours, files)
    baseline(next(iter(files.values())))
    acc_base, t_base = run("baseline", baseline, files)
    print(
        f"accuracy ours/baseline = {acc_ours:.4f}/{acc_base:.4f} (target: not lower) -> "
        f"{'OK' if acc_ours >= acc_base else 'MISSED'}"
    )
    speedup = t_base / t_ours
    print(
        f"speed-up baseline/ours = {speedup:.2f}x (target >= 3x) -> "
        f"{'OK' if speedup >= 3 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
