"""`manage.py verify_ledger`: check every hash chain of every registered ledger.

Prints one line per chain and names the first broken entry; exits 1 when any chain is broken.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from governance.platform.ledger import ledgers_verify


class Command(BaseCommand):
    help = "Verify the hash chains of every ledger (consents, recognition events, ...)."

    def handle(self, *args: Any, **options: Any) -> None:
        broken, chains = [], 0
        for report in ledgers_verify():
            chains += 1
            where = f"{report.ledger} ledger, chain {report.chain_key}"
            if report.broken is None:
                self.stdout.write(f"OK      {where}")
                continue
            entry = report.broken.entry
            line = (f"BROKEN  {where}: entry #{entry.sequence} (id {entry.pk}) — "
                    f"{report.broken.reason}")
            self.stdout.write(line)
            broken.append(line)
        if broken:
            raise CommandError(f"{len(broken)} of {chains} chains are broken; "
                               f"first: {broken[0].removeprefix('BROKEN  ')}")
        self.stdout.write(self.style.SUCCESS(f"All {chains} chains intact."))
