"""Which shard worker holds which part of which deployment's gallery (the shard map)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import Deployment


class GalleryShardHolding(models.Model):
    """One part of a deployment's gallery loaded in one shard worker's memory. Written by the
    worker when it loads, reloads or evicts the part; read by the shard map page and /metrics.
    Only counts and sizes: no template, no person."""

    worker = models.CharField(_("worker"), max_length=200)
    queue = models.CharField(_("queue"), max_length=100)
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="gallery_shard_holdings")
    part = models.PositiveSmallIntegerField(_("part"))
    parts = models.PositiveSmallIntegerField(_("parts"))
    gallery_version = models.PositiveBigIntegerField(_("gallery version"))
    templates = models.PositiveIntegerField(_("templates"))
    bytes = models.PositiveBigIntegerField(_("bytes"))
    loaded_at = models.DateTimeField(_("loaded at"))
    searched_at = models.DateTimeField(_("last searched at"), null=True, blank=True)

    class Meta:
        ordering = ["queue", "deployment_id", "part", "worker"]
        constraints = [models.UniqueConstraint(fields=["worker", "deployment", "part", "parts"],
                                               name="gallery_shard_holding_unique")]

    def __str__(self) -> str:
        return f"{self.worker}: deployment {self.deployment_id} part {self.part + 1}/{self.parts}"
