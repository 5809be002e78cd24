"""What the database keeps about signed ledger heads (governance/platform/ledger_heads.py).

Neither table is trusted by verification: the authority is the publication outside the
database. `SignedLedgerHead` is an index of what was published, to find the head that covers a
receipt's entry in one query (each row carries its signature, so a forged row does not
verify). `PendingLedgerHead` marks a chain that grew and whose new head may not be published
yet: written in the appending transaction, cleared once the head is out, so a head lost to a
crash between commit and publication is published by the catch-up task.
"""

from django.db import models


class SignedLedgerHead(models.Model):
    ledger = models.CharField(max_length=60)
    chain_key = models.CharField(max_length=60)
    sequence = models.PositiveBigIntegerField()
    entry_hash = models.CharField(max_length=64)
    # Kept as the exact text that was signed (canonical ISO 8601), not re-rendered datetimes.
    recorded_at = models.CharField(max_length=40)
    signed_at = models.CharField(max_length=40)
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=128)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ledger", "chain_key", "sequence"],
                                    name="signed_ledger_head_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ledger} chain {self.chain_key} head #{self.sequence}"


class PendingLedgerHead(models.Model):
    ledger = models.CharField(max_length=60)
    chain_key = models.CharField(max_length=60)
    sequence = models.PositiveBigIntegerField()  # the newest entry appended
    since = models.DateTimeField()  # when the oldest unpublished append happened

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ledger", "chain_key"],
                                    name="pending_ledger_head_one_per_chain"),
        ]
        indexes = [models.Index(fields=["since"])]

    def __str__(self) -> str:
        return f"{self.ledger} chain {self.chain_key}: head #{self.sequence} pending"
