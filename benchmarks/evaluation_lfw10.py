"""The whole evaluation of lfw10 (100 photos of 10 people) through FaceGov's engine, beside
the raw face_recognition library's figures on the same set in the same run.

Ours: ``load_image`` -> ``encode_for_enrolment`` (one face, quality gates); an image it
refuses is a failure to enrol, counted by its refusal code — as evaluation runs do.
Baseline: the library's defaults — ``load_image_file`` + ``face_locations`` (HOG, upsample 1)
+ ``face_encodings``, exactly one face required (otherwise a failure to enrol).
Both: every pair of enrolled photos scored by ``score_pairs`` and evaluated at 0.6 by
``evaluate_scores`` (FMR, FNMR with 95 % intervals, EER); then again on the photos BOTH
enrolled, so that the comparison of error rates is not a comparison of what each refused.

Run: python benchmarks/evaluation_lfw10.py     Figures: FTE, FMR, FNMR, EER, time, both.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Callable

import numpy as np
from _common import faces_dir

from recognition.engine import EngineError, encode_for_enrolment, load_image
from recognition.engine.evaluation import evaluate_scores, score_pairs

THRESHOLD = 0.6


def ours(data: bytes) -> np.ndarray:
    return encode_for_enrolment(load_image(data)).vector


class NotOneFace(Exception):
    code = "not_one_face"


def library(data: bytes) -> np.ndarray:
    import face_recognition  # imported late: it changes Pillow's truncation flag globally

    image = face_recognition.load_image_file(io.BytesIO(data))
    locations = face_recognition.face_locations(image)
    if len(locations) != 1:
        raise NotOneFace(f"{len(locations)} faces")
    return face_recognition.face_encodings(image, locations)[0].astype(np.float32)


def encode_set(fn: Callable[[bytes], np.ndarray], files: dict[str, bytes]):
    vectors, failures = {}, Counter()
    start = time.perf_counter()
    for name, data in files.items():
        try:
            vectors[name] = fn(data)
        except (EngineError, NotOneFace) as error:
            failures[f"{error.code}"] += 1
    return vectors, failures, time.perf_counter() - start


def figures(vectors: dict[str, np.ndarray]) -> str:
    names = sorted(vectors)
    labels = [name.split("/")[0] for name in names]
    result = evaluate_scores(score_pairs(np.stack([vectors[n] for n in names]), labels),
                             labels, THRESHOLD, target_fmr=1e-3, ceiling=THRESHOLD)
    fmr, fnmr = result.fmr, result.fnmr
    return (f"{len(names)} templates, {fmr.trials:,} impostor / {fnmr.trials} genuine pairs; "
            f"FMR {fmr.value:.4%} [{fmr.low:.4%}, {fmr.high:.4%}], "
            f"FNMR {fnmr.value:.2%} [{fnmr.low:.2%}, {fnmr.high:.2%}], EER {result.eer:.2%}, "
            f"calibrated for FMR 1e-3: {result.calibration.threshold}")


def main() -> None:
    root = faces_dir() / "lfw10"
    files = {f"{p.parent.name}/{p.name}": p.read_bytes() for p in sorted(root.glob("*/*.jpg"))}
    results = {}
    for label, fn in (("FaceGov engine", ours), ("face_recognition library", library)):
        vectors, failures, seconds = encode_set(fn, files)
        results[label] = vectors
        print(f"{label}: failures to enrol {sum(failures.values())}/{len(files)} "
              f"{dict(sorted(failures.items()))}; encoding {seconds:.1f} s "
              f"({seconds / len(files) * 1000:.0f} ms/photo)")
        print(f"  all it enrolled: {figures(vectors)}")
    both = set.intersection(*(set(v) for v in results.values()))
    for label, vectors in results.items():
        print(f"{label}, the {len(both)} photos both enrolled: "
              f"{figures({n: vectors[n] for n in both})}")


if __name__ == "__main__":
    main()
