"""The database's copy of every signed ledger head (governance/platform/ledger_heads.py).

Verification never trusts this table: the authority is the publication outside the database.
The copy is written in the appending transaction, beside the entry its head covers, so that:
the head that covers a receipt's entry is found in one indexed query; and a head whose
after-commit publication was lost (a crash, an unwritable publication) is still known and is
published by the catch-up. Each row carries its signature, so a forged row does not verify.
"""

from django.db import models


class SignedLedgerHead(models.Model):
    ledger = models.CharField(max_length=60)
    chain_key = models.CharField(max_length=60)
    sequence = models.PositiveBigIntegerField()
    entry_hash = models.CharField(max_length=64)
    # Kept as the exact text that was signed (canonical ISO 8601, UTC), so it compares in time
    # order as text and never re-renders differently from what the signature covers.
    recorded_at = models.CharField(max_length=40)
    signed_at = models.CharField(max_length=40, db_index=True)
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=128)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ledger", "chain_key", "sequence"],
                                    name="signed_ledger_head_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ledger} chain {self.chain_key} head #{self.sequence}"
