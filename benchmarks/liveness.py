"""Liveness cost: time per answer (15 frames) and peak memory of a 60-frame answer.

* Time: the same 15 real frames of the live clip judged by today's ``evaluate`` (all cues)
  and by the previous version of the engine's liveness module, read from git
  (``--previous-rev``, default the commit before this work) and imported beside today's.
* Memory, each in a fresh subprocess (peak RSS above the RSS once models are loaded):
  - today, 60 maximal frames (1920x1080 each, the per-frame cap): refused from their headers
    by the per-answer pixel cap before any is decoded;
  - today, 60 frames of 1280x720 (within the cap): decoded and measured one at a time;
  - baseline (the previous service): all 60 maximal frames decoded before any check (the
    subprocess stops there, so this is a lower bound of that path's peak).
  Frames are the live clip upscaled (a real face in each), JPEG under the 1 MB frame limit.
  The engine path is measured, not the HTTP stack (the multipart bytes, 60 x <= 1 MB, come
  on top of both).

Run: python benchmarks/liveness.py     (a few minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO_ROOT, faces_dir

PREVIOUS_REV = "0cfb7b6"
MAX_FRAME_PIXELS = 1920 * 1080
MAX_ANSWER_PIXELS = 60_000_000
MAX_FRAME_BYTES = 1024 * 1024


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def previous_liveness(rev: str):  # type: ignore[no-untyped-def]
    """The engine's liveness module as it was at ``rev``, importable beside today's."""
    source = subprocess.run(["git", "show", f"{rev}:recognition/engine/liveness.py"],
                            cwd=REPO_ROOT, check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "liveness_previous.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("recognition.engine._liveness_previous", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def timing(rev: str) -> None:
    from recognition.engine import liveness, load_image

    root = faces_dir()
    frames = [load_image((root / f"liveness/live_head_turn/frame_{i:02d}.jpg").read_bytes())
              for i in range(4, 19)]
    old = previous_liveness(rev)
    liveness.evaluate(frames[:8], ["turn_left"])  # load the models outside the timing
    rounds = 3
    results = {}
    for name, module, actions in (("today", liveness, ["turn_left", "open_mouth"]),
                                  ("previous", old, ["turn_left"])):
        started = time.perf_counter()
        for _ in range(rounds):
            result = module.evaluate(frames, actions)
        results[name] = (time.perf_counter() - started) / rounds
        print(f"  {name:8s}: {results[name]:.2f} s per 15-frame answer ({result.reason})")
    print(f"time per liveness answer (15 frames): today {results['today']:.2f} s, previous "
          f"{results['previous']:.2f} s, ratio {results['today'] / results['previous']:.2f}")


def make_frames(directory: Path, size: tuple[int, int], count: int) -> list[Path]:
    from PIL import Image

    root = faces_dir()
    paths = []
    for k in range(count):
        source = Image.open(root / f"liveness/live_head_turn/frame_{k % 30:02d}.jpg")
        frame = source.convert("RGB").resize(size, Image.BICUBIC)
        buffer = io.BytesIO()
        frame.save(buffer, format="JPEG", quality=85 - k % 5)  # distinct bytes per frame
        assert len(buffer.getvalue()) <= MAX_FRAME_BYTES
        path = directory / f"{size[0]}_{k:02d}.jpg"
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths


def memory_worker(mode: str, paths: list[str]) -> None:
    """In a fresh process: load models, note RSS, run ``mode``, print peak RSS above it."""
    from recognition.engine import EngineError, image_size, load_image, measure_frame
    from recognition.engine.models import get_models

    get_models()
    frames = [Path(p).read_bytes() for p in paths]
    idle = _rss_kb()
    outcome = ""
    if mode == "today":
        try:
            total = sum(w * h for w, h in (image_size(f, max_pixels=MAX_FRAME_PIXELS,
                                                      max_bytes=MAX_FRAME_BYTES)
                                           for f in frames))
            if total > MAX_ANSWER_PIXELS:
                raise EngineError(f"{total} pixels in the answer")
            measured = []
            for frame in frames:
                image = load_image(frame, max_pixels=MAX_FRAME_PIXELS, max_bytes=MAX_FRAME_BYTES)
                measured.append(measure_frame(image))
                del image
            outcome = f"measured {len(measured)} frames"
        except EngineError as exc:
            outcome = f"refused before decoding: {exc.detail}"
    else:
        images = [load_image(f) for f in frames]
        outcome = f"decoded {len(images)} frames"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{(peak - idle) / 1024:.0f}|{outcome}")


def memory() -> None:
    directory = Path(tempfile.mkdtemp(prefix="facegov-liveness-bench-"))
    maximal = [str(p) for p in make_frames(directory, (1920, 1080), 60)]
    within = [str(p) for p in make_frames(directory, (1280, 720), 60)]
    runs = (("today, 60 maximal frames", "today", maximal),
            ("today, 60 frames 1280x720", "today", within),
            ("baseline (previous path), 60 maximal frames", "previous", maximal))
    figures = {}
    for label, mode, paths in runs:
        out = subprocess.run([sys.executable, __file__, "--memory-worker", mode, *paths],
                             check=True, capture_output=True, text=True).stdout.strip()
        mb, outcome = out.splitlines()[-1].split("|", 1)
        figures[label] = float(mb)
        print(f"  {label:45s}: peak {float(mb):6.0f} MB above idle ({outcome})")
    worst = max(figures["today, 60 maximal frames"], figures["today, 60 frames 1280x720"])
    print(f"peak memory of a 60-frame liveness answer: today {worst:.0f} MB (target < 300), "
          f"baseline {figures['baseline (previous path), 60 maximal frames']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--previous-rev", default=PREVIOUS_REV)
    parser.add_argument("--memory-worker", choices=["today", "previous"])
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.memory_worker:
        memory_worker(args.memory_worker, args.paths)
        return
    timing(args.previous_rev)
    memory()


if __name__ == "__main__":
    main()
