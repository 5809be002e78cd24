"""`manage.py verify_ledger`: check every ledger against its hashes and its signed heads.

Prints one line per chain (naming the first broken link), one per untrustworthy line of the
head publication, and one per projection row that disagrees with its ledger (e.g. a consent
whose state is not what its ledger says). Exits 1 when anything is wrong, including a chain
whose newest heads have waited longer than FACEGOV_LEDGER_HEAD_MAX_LAG_SECONDS to be published.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from governance.platform.ledger_verify import (
    ChainReport,
    PublishedHeads,
    ledgers_verify,
    projections_verify,
)


def _chain_line(report: ChainReport) -> tuple[str, bool]:
    """The line for one chain, and whether it is a failure."""
    where = f"{report.ledger} ledger, chain {report.chain_key}"
    if report.broken is not None:
        return f"BROKEN  {where}: {report.broken.where()} — {report.broken.reason}", True
    signed = f"signed head #{report.head.sequence}" if report.head else "no signed head yet"
    if report.lagging():
        return (f"LAGGING {where}: the heads of its {report.unpublished} newest entries, signed "
                f"{report.unpublished_since:%Y-%m-%d %H:%M:%S}, are not published ({signed})"
                ), True
    unsigned = (f", {report.unpublished} newer entries not yet published"
                if report.unpublished else "")
    return f"OK      {where} — {signed}{unsigned}", False


class Command(BaseCommand):
    help = ("Verify every ledger (consents, recognition events, deletion certificates, ...) "
            "against its hashes and its published signed heads, and the projections beside it.")

    def handle(self, *args: Any, **options: Any) -> None:
        published = PublishedHeads.read()
        failures, chains = [], 0
        for report in ledgers_verify(published):
            chains += 1
            line, failed = _chain_line(report)
            self.stdout.write(line)
            if failed:
                failures.append(line)
        for problem in published.problems:
            head = problem.head
            about = (f"{head.ledger} ledger, chain {head.chain_key}, head #{head.sequence}"
                     if head else "")
            line = (f"BAD HEAD line {problem.line} of {published.location}: {about} — "
                    f"{problem.reason}")
            self.stdout.write(line)
            failures.append(line)
        for mismatch in projections_verify():
            line = f"MISMATCH {mismatch.ledger} ledger, {mismatch.record}: {mismatch.reason}"
            self.stdout.write(line)
            failures.append(line)
        if failures:
            broken = sum(1 for line in failures if line.startswith("BROKEN"))
            raise CommandError(f"{broken} of {chains} chains are broken; {len(failures)} "
                               f"problems in all; first: {failures[0]}")
        self.stdout.write(self.style.SUCCESS(f"All {chains} chains intact."))
