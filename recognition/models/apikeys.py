"""Deployment API keys: what a device presents in `X-Api-Key` to reach one deployment."""

from django.conf import settings
from django.db import models

from governance.models import Deployment


class ApiKey(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    # The first characters, shown to operators so they can tell keys apart; never enough to use.
    prefix = models.CharField(max_length=12, db_index=True)
    # SHA-256 of the whole key: the key itself is shown once and never stored.
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
