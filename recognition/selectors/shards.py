"""The shard map (recognition/shards.py): what each shard worker holds, against the plan."""

from dataclasses import dataclass, field

from recognition.models import DeploymentKey, GalleryShardHolding
from recognition.shards import shard_queue


@dataclass
class PlannedPart:
    part: int
    queue: str
    holders: list[GalleryShardHolding] = field(default_factory=list)


@dataclass
class DeploymentShards:
    deployment_id: int
    deployment_name: str
    gallery_version: int
    parts: list[PlannedPart]


def shard_map() -> list[DeploymentShards]:
    """Every deployment with a gallery: its parts, the queue of each, and who holds it (a
    holder whose version is older than the gallery's is reloading or idle since)."""
    holdings: dict[tuple[int, int, int], list[GalleryShardHolding]] = {}
    for held in GalleryShardHolding.objects.all():
        holdings.setdefault((held.deployment_id, held.part, held.parts), []).append(held)
    rows = []
    for key in DeploymentKey.objects.select_related("deployment").order_by("deployment_id"):
        parts = max(1, key.gallery_parts)
        rows.append(DeploymentShards(
            key.deployment_id, key.deployment.name, key.gallery_version,
            [PlannedPart(p, shard_queue(key.deployment_id, p),
                         holdings.get((key.deployment_id, p, parts), []))
             for p in range(parts)]))
    return rows


def shard_metrics_text() -> str:
    """/metrics: templates and bytes each worker holds, per deployment part."""
    lines = ["# HELP facegov_gallery_shard_templates Templates a shard worker holds in memory.",
             "# TYPE facegov_gallery_shard_templates gauge"]
    rows = list(GalleryShardHolding.objects.all())
    versions = dict(DeploymentKey.objects.values_list("deployment_id", "gallery_version"))
    labels = [(f'worker="{h.worker}",queue="{h.queue}",deployment="{h.deployment_id}",'
               f'part="{h.part}",parts="{h.parts}"', h) for h in rows]
    lines += [f"facegov_gallery_shard_templates{{{label}}} {h.templates}" for label, h in labels]
    lines += ["# HELP facegov_gallery_shard_bytes Bytes of gallery a shard worker holds.",
              "# TYPE facegov_gallery_shard_bytes gauge"]
    lines += [f"facegov_gallery_shard_bytes{{{label}}} {h.bytes}" for label, h in labels]
    lines += ["# HELP facegov_gallery_shard_versions_behind Gallery versions a held part is "
              "behind the stored gallery (0: current).",
              "# TYPE facegov_gallery_shard_versions_behind gauge"]
    lines += [f"facegov_gallery_shard_versions_behind{{{label}}} "
              f"{max(0, versions.get(h.deployment_id, 0) - h.gallery_version)}"
              for label, h in labels]
    return "\n".join(lines) + "\n"
