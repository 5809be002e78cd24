"""Tip receipts: the Argon2id check at the configured cost, and how long guessing a receipt
would take at the configured rate limits, against how long a tip is kept.

    python benchmarks/tip_receipts.py [--tips 10000] [--clients 1000] [--rounds 5]

Baseline (same run): one HMAC-SHA256 of a receipt — what a guess would cost if receipts were
only stored under a keyed hash. The ratio is what Argon2id adds per guess.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import statistics
import time

from _common import REPO_ROOT  # noqa: F401  (sets sys.path)

HOURS_PER_YEAR = 24 * 365


def rate_per_hour(rate: str) -> float:
    count, period = rate.split("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    return int(count) * 3600 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tips", type=int, default=10_000, help="live tips an attacker may hit")
    parser.add_argument("--clients", type=int, default=1_000,
                        help="distinct client addresses the attacker controls")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    from argon2 import PasswordHasher
    from argon2.low_level import Type

    from config.settings import base  # the production cost, not the tests' cheap one

    ph = PasswordHasher(time_cost=base.FACEGOV_TIP_ARGON2_TIME_COST,
                        memory_cost=base.FACEGOV_TIP_ARGON2_MEMORY_KIB,
                        parallelism=base.FACEGOV_TIP_ARGON2_PARALLELISM, type=Type.ID)
    receipt = "4820175539016284"
    stored = ph.hash(receipt)
    argon = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        ph.verify(stored, receipt)
        argon.append(time.perf_counter() - start)
    key = os.urandom(32)
    start = time.perf_counter()
    for _ in range(10_000):
        hmac.new(key, receipt.encode(), hashlib.sha256).digest()
    baseline = (time.perf_counter() - start) / 10_000
    check = statistics.median(argon)

    space = 10 ** 16
    guesses = space / (args.tips + 1)  # expected guesses until any live tip is hit
    client_rate = rate_per_hour(base.COMPLAINT_THROTTLE_RATES["tip_receipt"]) * args.clients
    server_rate = (os.cpu_count() or 1) / check * 3600  # every guess costs one check
    hours = guesses / min(client_rate, server_rate)
    print(f"Argon2id t={ph.time_cost} m={ph.memory_cost // 1024} MiB p={ph.parallelism}: "
          f"check {check:.3f} s (median of {args.rounds}; aim 0.2–1 s)")
    print(f"baseline HMAC-SHA256 check: {baseline * 1e6:.2f} µs  → ratio {check / baseline:,.0f}×")
    print(f"guessing: 10^16 receipts, {args.tips:,} live tips → {guesses:.2e} guesses expected")
    print(f"  at {base.COMPLAINT_THROTTLE_RATES['tip_receipt']} per client × {args.clients:,} "
          f"clients = {client_rate:,.0f}/h (server ceiling {server_rate:,.0f}/h on "
          f"{os.cpu_count()} cores)")
    print(f"  expected time to a first hit: {hours / HOURS_PER_YEAR:.2e} years; a tip is kept "
          f"while open and 1 year after closure (ratio {hours / HOURS_PER_YEAR:.1e}× one year)")


if __name__ == "__main__":
    main()
