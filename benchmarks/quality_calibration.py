"""Where the blur gate belongs: tuned on people/, measured on lfw10/ (out of sample).

Tuning (people/): each photo with another photo of the same person is blurred (Gaussian,
radius a growing fraction of the face width) until its template stops verifying against the
person's other photos (distance > 0.6): a blur that turns a true match into a false non-match.
The sharpness (``quality.sharpness``) at that point is recorded per photo; the gate should
refuse below about twice the highest one (a margin for photos blurrier in other ways).

Measuring (lfw10/, none of it used above): the sharpness of every single-face photo, how many
the current constant refuses, and whether those refused photos actually fail verification
against their own person (a gain) or not (good faces lost).

Run: python benchmarks/quality_calibration.py
"""

from __future__ import annotations

import numpy as np
from _common import faces_dir
from PIL import Image, ImageFilter

from recognition.engine import load_image
from recognition.engine.pipeline import align, analyse, encode_chip
from recognition.engine.quality import MIN_SHARPNESS

THRESHOLD = 0.6
BLUR_STEPS = np.arange(0.002, 0.06, 0.002)  # blur radius / face width
MARGIN = 2.0


def ungated(image: np.ndarray):
    """(vector, sharpness) of the only face, gates not enforced; None if not one face."""
    faces = analyse(image)
    if len(faces) != 1:
        return None
    return encode_chip(align(image, faces[0])), faces[0].quality.sharpness


def failure_sharpness(image: np.ndarray, mates: list[np.ndarray]) -> float | None:
    """Sharpness at which blurring `image` first makes it miss one of `mates`."""
    width = analyse(image)[0].box.width
    for fraction in BLUR_STEPS:
        blurred = np.asarray(Image.fromarray(image).filter(
            ImageFilter.GaussianBlur(float(fraction * width))))
        found = ungated(blurred)
        if found is None:
            continue
        vector, sharp = found
        if max(float(np.linalg.norm(vector - mate)) for mate in mates) > THRESHOLD:
            return sharp
    return None


def tune(root) -> float:
    paths = sorted((root / "people").glob("*/*"))
    images = {p: load_image(p.read_bytes()) for p in paths}
    vectors = {p: ungated(images[p])[0] for p in paths}
    crossings = []
    for path in paths:
        mates = [vectors[q] for q in paths if q != path and q.parent == path.parent]
        if mates and (sharp := failure_sharpness(images[path], mates)) is not None:
            crossings.append(sharp)
    highest = max(crossings)
    print(f"== people/ (tuning): blur first breaks a true match at sharpness "
          f"{min(crossings):.3f}-{highest:.3f} ({len(crossings)} photos); "
          f"x{MARGIN:g} margin -> {MARGIN * highest:.2f}  (MIN_SHARPNESS is {MIN_SHARPNESS})")
    return highest


def measure(root) -> None:
    found = {p: ungated(load_image(p.read_bytes())) for p in sorted((root / "lfw10").glob("*/*"))}
    found = {p: f for p, f in found.items() if f is not None}
    sharp = np.array([s for _, s in found.values()])
    print(f"== lfw10/ (measuring): {len(found)} single-face photos, sharpness "
          f"min {sharp.min():.3f} median {float(np.median(sharp)):.3f}")
    refused = [p for p, (_, s) in found.items() if s < MIN_SHARPNESS]
    print(f"MIN_SHARPNESS {MIN_SHARPNESS} refuses {len(refused)} of them")
    for path in refused:
        vector = found[path][0]
        same = [float(np.linalg.norm(vector - v)) for q, (v, _) in found.items()
                if q != path and q.parent == path.parent]
        other = [float(np.linalg.norm(vector - v)) for q, (v, _) in found.items()
                 if q.parent != path.parent]
        verdict = "would have erred" if max(same) > THRESHOLD or min(other) <= THRESHOLD else (
            "a good face lost")
        print(f"  {path.name}: sharpness {found[path][1]:.3f}, same-person max {max(same):.3f}, "
              f"other-person min {min(other):.3f} -> {verdict}")


def main() -> None:
    root = faces_dir()
    tune(root)
    measure(root)


if __name__ == "__main__":
    main()
