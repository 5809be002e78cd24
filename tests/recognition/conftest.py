"""Shared fixtures for the recognition tests: the face photos and their (cached) encodings.

Photos are never copied into the repository: they are read from ``FACEGOV_FACES_DIR`` or, by
default, ``<parent of the repository>/shared/faces``. Encodings are computed once per session
because each costs ~0.1-0.3 s of CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from recognition.engine import FaceTemplate, encode_for_enrolment, load_image
from recognition.engine.liveness import FrameMeasurement, measure_frame

# `faces_dir` (the one fixture that locates the photos) is in tests/conftest.py.


@pytest.fixture(scope="session")
def read_face(faces_dir: Path) -> Callable[[str], bytes]:
    """Bytes of a photo, by path relative to the faces directory."""

    def read(relative: str) -> bytes:
        return (faces_dir / relative).read_bytes()

    return read


@pytest.fixture(scope="session")
def people_paths(faces_dir: Path) -> list[str]:
    """Relative paths of every photo in people/ (one face each), sorted."""
    return sorted(
        str(p.relative_to(faces_dir)) for p in (faces_dir / "people").glob("*/*") if p.is_file()
    )


@pytest.fixture(scope="session")
def people_templates(people_paths, read_face) -> dict[str, FaceTemplate]:
    """Enrolment template of every photo in people/, computed once."""
    return {p: encode_for_enrolment(load_image(read_face(p))) for p in people_paths}


@pytest.fixture(scope="session")
def live_frames(read_face) -> list:
    """The 30 RGB frames of the live head-turn clip."""
    return [load_image(read_face(f"liveness/live_head_turn/frame_{i:02d}.jpg")) for i in range(30)]


@pytest.fixture(scope="session")
def live_measurements(live_frames) -> list[FrameMeasurement]:
    """Liveness measurements of the 30 live frames, computed once (~5-8 s)."""
    return [measure_frame(frame) for frame in live_frames]


@pytest.fixture(scope="session")
def clip_answer_frames(live_frames, live_measurements):
    """clip_answer_frames(actions) -> RGB frames answering ``actions`` from the live clip (the
    non-rigid action painted on real frames: synthetic), built once per order."""
    from recognition.engine.liveness_synth import answer_from_clip

    cache: dict[tuple[str, ...], list] = {}

    def build(actions) -> list:
        key = tuple(actions)
        if key not in cache:
            landmarks = [m.landmarks for m in live_measurements]
            cache[key] = answer_from_clip(live_frames, landmarks, list(actions))
        return cache[key]

    return build


@pytest.fixture(scope="session")
def clip_answer_measurements(clip_answer_frames, live_frames, live_measurements):
    """Measurements of ``clip_answer_frames(actions)`` for orders that keep the clip unmirrored
    (turn_left first): only the painted frames are measured again."""
    import numpy as np

    def measure(actions) -> list[FrameMeasurement]:
        frames = clip_answer_frames(actions)
        return [live_measurements[i] if np.array_equal(frame, live_frames[i])
                else measure_frame(frame) for i, frame in enumerate(frames)]

    return measure
