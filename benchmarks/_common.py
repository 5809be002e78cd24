"""Shared helpers for the benchmarks: import path and the faces directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as `python benchmarks/<name>.py` from anywhere
    sys.path.insert(0, str(REPO_ROOT))


def faces_dir() -> Path:
    path = Path(os.environ.get("FACEGOV_FACES_DIR", REPO_ROOT.parent / "shared" / "faces"))
    if not (path / "people").is_dir():
        sys.exit(f"test photos not found in {path}; set FACEGOV_FACES_DIR")
    return path
