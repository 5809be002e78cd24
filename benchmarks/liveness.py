"""Liveness: photo-attack acceptance and live rejection.

* Attacks: ``N_ATTACKS`` sequences of 10 frames made by ``photo_attack_sequence`` from 24 stills
  (10 frames of the live clip and the 14 photos of people/), each with a random 2-action
  challenge from ``new_challenge_actions``. Target: 0% accepted. Baseline in the same run: an
  action-only check (the same yaw/blink logic without the 3-D parallax test) on the same
  sequences, given the action the sequence's own motion best fits - what a turn-your-head check
  without geometry would accept.
* Live: every 10-frame sliding window of the live clip (21 windows). Reported: how many are
  rejected by the presentation checks (replay, face, identity, parallax) - target <= 15% - and
  which turn challenges each window can satisfy.

Run: python benchmarks/liveness.py     (about 2-3 minutes on 2 cores)
"""

from __future__ import annotations

import collections
import time

import numpy as np
from _common import faces_dir

from recognition.engine import load_image, new_challenge_actions
from recognition.engine.liveness import (
    MIN_PARALLAX,
    actions_performed,
    evaluate_measurements,
    measure_frame,
)
from recognition.engine.liveness_attacks import photo_attack_sequence

N_ATTACKS = 60
WINDOW = 10
PRESENTATION_REASONS = {
    "replayed_frame", "no_face_in_frame", "multiple_faces_in_frame", "identity_changed",
    "planar_motion",
}


def main() -> None:
    root = faces_dir()
    started = time.perf_counter()
    live_paths = [root / f"liveness/live_head_turn/frame_{i:02d}.jpg" for i in range(30)]
    live_frames = [load_image(p.read_bytes()) for p in live_paths]
    stills = live_frames[::3] + [
        load_image(p.read_bytes()) for p in sorted((root / "people").glob("*/*"))
    ]

    reasons: collections.Counter[str] = collections.Counter()
    accepted = baseline_accepted = planar_ok = 0
    parallaxes = []
    for i in range(N_ATTACKS):
        rng = np.random.default_rng(1000 + i)
        actions = new_challenge_actions(rng)
        frames = photo_attack_sequence(stills[i % len(stills)], seed=i, n_frames=10)
        measured = [measure_frame(f) for f in frames]
        result = evaluate_measurements(measured, actions)
        accepted += result.passed
        reasons[result.reason or "passed"] += 1
        if result.parallax is not None:
            parallaxes.append(result.parallax)
            planar_ok += result.parallax >= MIN_PARALLAX
        if all(m.faces == 1 for m in measured):
            yaw = np.array([m.yaw for m in measured])
            ear = np.array([m.ear for m in measured])
            # Baseline: a turn check without geometry, asked for any turn the motion fits.
            baseline_accepted += any(
                actions_performed(yaw, ear, a) is not None
                for a in (["turn_left"], ["turn_right"], ["turn_left", "turn_right"],
                          ["turn_right", "turn_left"])
            )
    print(
        f"attacks: {accepted}/{N_ATTACKS} accepted = {accepted / N_ATTACKS:.1%} (target 0%); "
        f"reasons {dict(reasons)}"
    )
    print(
        f"  parallax of attacks: max {max(parallaxes):.3f}, median "
        f"{np.median(parallaxes):.3f} (threshold {MIN_PARALLAX}); above threshold: {planar_ok}"
    )
    print(
        f"  baseline action-only check accepts {baseline_accepted}/{N_ATTACKS} = "
        f"{baseline_accepted / N_ATTACKS:.1%}; ours/baseline acceptance = "
        f"{accepted}/{baseline_accepted}"
    )

    live = [measure_frame(f) for f in live_frames]
    windows = [live[s : s + WINDOW] for s in range(31 - WINDOW)]
    rejected = 0
    satisfiable = []
    live_parallax = []
    for start, window in enumerate(windows):
        ok = []
        for actions in (["turn_left"], ["turn_right"]):
            result = evaluate_measurements(window, actions)
            if result.parallax is not None:
                live_parallax.append(result.parallax)
            if result.passed:
                ok.append(actions[0])
        probe = evaluate_measurements(window, ["turn_left"])
        if probe.reason in PRESENTATION_REASONS:
            rejected += 1
        satisfiable.append(f"{start:02d}-{start + WINDOW - 1:02d}:{'+'.join(ok) or '-'}")
    print(
        f"live windows ({WINDOW} frames): {rejected}/{len(windows)} rejected by presentation "
        f"checks = {rejected / len(windows):.1%} (target <= 15%); parallax min "
        f"{min(live_parallax):.3f}"
    )
    print("  turns each window satisfies: " + " ".join(satisfiable))
    full = {
        "+".join(a): evaluate_measurements(live, a).passed
        for a in (["turn_left"], ["turn_right"], ["turn_left", "turn_right"],
                  ["turn_right", "turn_left"], ["blink"])
    }
    print(f"  full 30-frame clip passes: {full}")
    print(f"total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
