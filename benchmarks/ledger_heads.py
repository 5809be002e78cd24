"""What signed ledger heads and the gate's ledger check cost, each beside its baseline.

A throwaway database (SQLite in a temp dir, or ``--database-url``) gets an active gate, one
consent, and then, alternating in small batches so both see the same machine state:

* append: ``event_record`` (lock the deployment, chain a recognition event, commit) with its
  head signed and copied in the transaction and appended to the publication file after
  commit — vs the same call with heads off (the ledger unregistered for that batch);
* the two parts alone: the Ed25519 signature, and appending one line to the file;
* the policy gate on an allowed consent with its ledger check (one indexed query) vs with the
  check stubbed out.

Run: python benchmarks/ledger_heads.py [--appends 300] [--checks 300] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from unittest import mock

from _django import add_database_argument, make_enterprise_deployment, throwaway_django

CLICK = {"time": "2026-03-01T10:00:00+00:00", "ip": "203.0.113.7", "user_agent": "benchmark"}
BATCH = 25


def timed(call: Callable[[], object], times: int) -> list[float]:
    durations = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        durations.append(time.perf_counter() - start)
    return durations


def paired(with_: Callable[[], object], without: Callable[[], object], n: int,
           switch_off: Callable[[], mock._patch]) -> tuple[float, float]:
    """Medians (seconds) of `with_` and of `without` run under `switch_off`, alternating."""
    on, off = [], []
    for _ in range(max(1, n // BATCH)):
        on += timed(with_, BATCH)
        with switch_off():
            off += timed(without, BATCH)
    return statistics.median(on), statistics.median(off)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--checks", type=int, default=300)
    add_database_argument(parser)
    args = parser.parse_args()

    with throwaway_django(args.database_url) as database:
        from django.conf import settings

        from governance.platform import ledger
        from governance.platform.ledger_heads import head_sign, heads_publisher
        from governance.services import policy
        from governance.services.consent import consent_give
        from recognition.services.events import event_record

        print(f"database: {database}")
        print(f"publication: {settings.FACEGOV_LEDGER_HEADS_PATH}")
        deployment, admin = make_enterprise_deployment()
        consent_give(deployment=deployment, actor=admin, subject_ref="s-1",
                     purposes=["access_control"], method="in_app_explicit", evidence=dict(CLICK))

        def append() -> None:
            event_record(deployment=deployment, operation="verify", outcome="match",
                         subject_ref="s-1")

        for _ in range(10):  # warm-up: imports, key derivation, caches
            append()
        with_heads, without_heads = paired(
            append, append, args.appends,
            lambda: mock.patch.object(ledger, "ledger_of", return_value=None))
        published = sum(1 for _ in heads_publisher().lines())

        sequence = iter(range(10**6, 10**7))

        def sign() -> object:
            return head_sign(ledger="benchmark", chain_key="1", sequence=next(sequence),
                             entry_hash="0" * 64, recorded_at="2026-01-01T00:00:00+00:00")

        signing_time = statistics.median(timed(sign, args.appends))
        heads = [sign() for _ in range(args.appends)]
        line_time = statistics.median(timed(lambda: heads_publisher().append([heads.pop()]),
                                            args.appends))

        def check() -> None:
            decision = policy.policy_check(deployment=deployment, subject_ref="s-1",
                                           purpose="access_control", operation="verify")
            assert decision.allowed, decision

        for _ in range(10):
            check()
        with_check, without_check = paired(
            check, check, args.checks,
            lambda: mock.patch.object(policy, "consent_ledger_disagreement", return_value=""))

    us = 1e6
    print(f"\nappend + commit, head signed and published: {with_heads * us:8.0f} us (median)")
    print(f"append + commit, no publication (baseline): {without_heads * us:8.0f} us")
    print(f"  ratio {with_heads / without_heads:.2f}x; {published} heads published")
    print(f"  of which: Ed25519 signature {signing_time * us:.0f} us, one line appended "
          f"{line_time * us:.0f} us")
    print(f"\npolicy gate, allowed, with the ledger check:  {with_check * us:8.0f} us")
    print(f"policy gate, allowed, check stubbed (baseline): {without_check * us:8.0f} us")
    print(f"  ratio {with_check / without_check:.2f}x")


if __name__ == "__main__":
    main()
