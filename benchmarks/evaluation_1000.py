"""The whole evaluation of a 1,000-image set through the real service, beside a naive Python
double loop over the same images in the same run.

The set: there is no 1,000-photo labelled set in ../shared/faces, so one is synthesised
honestly from the real photos of lfw10/ (100 photos, 10 people) and people/ (14 photos, 6
people): each photo and seeded augmentations of it (mirror, rotation of a few degrees,
brightness and contrast, slight crop, blur, JPEG re-compression) until the set holds N images,
filed under the photo's person (16 identities), with a groups.csv naming each person's source
folder. Caveat: augmented copies of one photo are closer to each other than two photos of a
person taken apart, so genuine pairs are easier than in a real set — the figure is a timing,
not an accuracy claim (evaluation_lfw10.py gives the accuracy on real photos).

Ours: ``evaluation_request(reference_set=True)`` + ``evaluation_run`` — the service the Celery
task calls: read the set, encode every image once with the enrolment pipeline (failures to
enrol counted), score every pair in one BLAS product, FMR/FNMR at the threshold with
intervals, the sweep and the DET curve, EER, per-group figures, calibration, stored.
Baseline: the naive way on the same images — encode each image with the same engine, then a
Python double loop over every pair, one numpy distance each. Encoding is the same engine in
both and by far the largest part; it is measured once (inside our run, by timing the
service's ``encode_image``) and counted in both totals, rather than spending minutes encoding
every image twice. Both the whole-evaluation ratio and the scoring-only ratio are printed.

Run: python benchmarks/evaluation_1000.py --images 1000    (full size: ~2 min of encoding on
an idle core here, longer under load)
     python benchmarks/evaluation_1000.py                  (default --images 200, < 1 min)
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import faces_dir
from _django import add_database_argument, make_enterprise_deployment, throwaway_django
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

SOURCES = ("lfw10", "people")


def source_photos(root: Path) -> list[tuple[str, str, Path]]:
    """(source folder, person, photo) of every photo of the sources."""
    found = []
    for source in SOURCES:
        for photo in sorted((root / source).glob("*/*")):
            if photo.suffix.lower() in (".jpg", ".jpeg", ".png") and photo.is_file():
                found.append((source, photo.parent.name, photo))
    return found


def augment(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    out = image
    if rng.random() < 0.5:
        out = ImageOps.mirror(out)
    out = out.rotate(float(rng.uniform(-8, 8)), resample=Image.BILINEAR, fillcolor=(128,) * 3)
    w, h = out.size
    margin = float(rng.uniform(0.0, 0.06))
    out = out.crop((int(w * margin), int(h * margin), int(w * (1 - margin)),
                    int(h * (1 - margin))))
    out = ImageEnhance.Brightness(out).enhance(float(rng.uniform(0.75, 1.25)))
    out = ImageEnhance.Contrast(out).enhance(float(rng.uniform(0.8, 1.2)))
    if rng.random() < 0.3:
        out = out.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 0.9))))
    return out


def synthesise(root: Path, target: Path, images: int, seed: int = 0) -> int:
    """Write `images` photos under target/<person>/ plus groups.csv; returns identities."""
    rng = np.random.default_rng(seed)
    photos = source_photos(root)
    loaded = [(source, person, photo, Image.open(photo).convert("RGB"))
              for source, person, photo in photos]
    written = 0
    round_ = 0
    while written < images:
        for _source, person, photo, image in loaded:
            if written >= images:
                break
            folder = target / person
            folder.mkdir(parents=True, exist_ok=True)
            variant = image if round_ == 0 else augment(image, rng)
            buffer = io.BytesIO()
            variant.save(buffer, "JPEG", quality=int(rng.integers(70, 96)))
            (folder / f"{photo.stem}_{round_:02d}.jpg").write_bytes(buffer.getvalue())
            written += 1
        round_ += 1
    present = {p.name for p in target.iterdir() if p.is_dir()}
    people = sorted({(person, source) for source, person, _ in photos if person in present})
    (target / "groups.csv").write_text(
        "identity,source\n" + "".join(f"{p},{s}\n" for p, s in people))
    return len({p for p, _ in people})


def naive(templates: np.ndarray, labels: list[str], threshold: float
          ) -> tuple[int, int, int, int]:
    false_matches = impostors = false_non_matches = genuines = 0
    n = len(templates)
    for a in range(n):
        for b in range(a + 1, n):
            d = float(np.sqrt(np.sum((templates[a] - templates[b]) ** 2)))
            if labels[a] == labels[b]:
                genuines += 1
                false_non_matches += d > threshold
            else:
                impostors += 1
                false_matches += d <= threshold
    return false_matches, impostors, false_non_matches, genuines


def compared(ours: float, baseline: float) -> str:
    if ours < baseline:
        return f"{baseline / ours:.1f}x faster"
    return f"{ours / max(baseline, 1e-9):.1f}x slower"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=200)
    add_database_argument(parser)
    args = parser.parse_args()
    root = faces_dir()
    with tempfile.TemporaryDirectory(prefix="facegov-eval-set-") as folder:
        started = time.perf_counter()
        identities = synthesise(root, Path(folder), args.images)
        print(f"set: {args.images} images of {identities} people synthesised from "
              f"{len(source_photos(root))} real photos in {time.perf_counter() - started:.1f} s")
        with throwaway_django(args.database_url) as database:
            print(f"database: {database}")
            run(Path(folder))


def run(folder: Path) -> None:
    from django.conf import settings

    from recognition.services import evaluations as service

    settings.FACEGOV_REFERENCE_SET_DIR = str(folder)
    # The run's own encodings and their identities, recorded as it makes them: the service
    # reads the set through `set_images` and encodes each image with `encode_image`.
    encoded: list[np.ndarray] = []
    labels: list[str] = []
    current: list[str] = [""]
    encode_seconds = 0.0
    real_encode, real_images = service.encode_image, service.set_images

    spent = {"read": 0.0, "figures": 0.0}
    real_figures = service._figures

    def recorded_images(evaluation_set):  # type: ignore[no-untyped-def]
        images = iter(real_images(evaluation_set))
        while True:
            start = time.perf_counter()
            item = next(images, None)
            spent["read"] += time.perf_counter() - start
            if item is None:
                return
            current[0] = item[0]
            yield item

    def timed_figures(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real_figures(*args, **kwargs)
        finally:
            spent["figures"] += time.perf_counter() - start

    def timed_encode(data: bytes) -> np.ndarray:
        nonlocal encode_seconds
        start = time.perf_counter()
        try:
            vector = real_encode(data)
        finally:
            encode_seconds += time.perf_counter() - start
        encoded.append(vector)
        labels.append(current[0])
        return vector

    service.encode_image, service.set_images = timed_encode, recorded_images
    service._figures = timed_figures
    deployment, admin = make_enterprise_deployment()
    start = time.perf_counter()
    requested = service.evaluation_request(deployment=deployment, actor=admin,
                                           reference_set=True)
    evaluation = service.evaluation_run(evaluation_id=requested.id)
    ours = time.perf_counter() - start
    service.encode_image, service.set_images = real_encode, real_images
    service._figures = real_figures
    assert evaluation.status == "done", evaluation.error_code
    results = evaluation.results
    fte = sum(evaluation.failures_to_enrol.values())

    templates = np.stack(encoded)
    start = time.perf_counter()
    fm, imp, fnm, gen = naive(templates, labels, evaluation.threshold)
    loop = time.perf_counter() - start

    fmr, fnmr = results["fmr"], results["fnmr"]
    if not results["sampled"]:
        assert (fmr["errors"], fmr["trials"]) == (fm, imp), "FMR differs from the loop"
        assert (fnmr["errors"], fnmr["trials"]) == (fnm, gen), "FNMR differs from the loop"
    pairs = results["genuine_pairs"] + results["total_impostor_pairs"]
    beyond = ours - encode_seconds
    print(f"images {evaluation.images}, enrolled {len(templates)}, failures to enrol {fte} "
          f"{evaluation.failures_to_enrol}; pairs {pairs:,} ({results['genuine_pairs']:,} "
          f"genuine){' — impostors sampled' if results['sampled'] else ''}")
    print(f"at {evaluation.threshold}: FMR {fmr['value']:.5f}, FNMR {fnmr['value']:.5f}, "
          f"EER {results['eer']:.5f}, groups {len(results['groups'])} "
          f"(the loop agrees: {'yes' if not results['sampled'] else 'not compared, sampled'})")
    print(f"ours (evaluation_run, whole): {ours:.2f} s = encoding {encode_seconds:.2f} s "
          f"({encode_seconds / evaluation.images * 1000:.0f} ms/image) + everything else "
          f"{beyond:.2f} s")
    print(f"  of which scoring and every figure (score_pairs, evaluate_scores: sweep, DET, "
          f"EER, groups, calibration): {spent['figures']:.2f} s; reading the images "
          f"{spent['read']:.2f} s; request, progress and storage "
          f"{beyond - spent['figures'] - spent['read']:.2f} s")
    print(f"scoring and figures ours / the loop's scoring alone: "
          f"{spent['figures'] / max(loop, 1e-9):.3f} ({compared(spent['figures'], loop)})")
    print(f"baseline (same encoding + Python double loop): {encode_seconds + loop:.2f} s = "
          f"encoding {encode_seconds:.2f} s + loop {loop:.2f} s")
    speed = compared(beyond, loop)
    print(f"ratio whole evaluation ours / baseline: {ours / (encode_seconds + loop):.3f}; "
          f"beyond encoding ours / loop: {beyond / max(loop, 1e-9):.3f} ({speed})")


if __name__ == "__main__":
    main()
