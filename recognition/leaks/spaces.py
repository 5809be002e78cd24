"""The registry of every known template space (issue 15).

A provider is a function that yields engine ``Space`` objects (one per space and transform
version, with what is stored in it, as keyed subject references) and ``CanarySet`` objects
(the canaries planted in each copy, raw). Leak analysis asks every registered provider.
Recognition registers the deployment-vault provider below; edge devices (issue 14) add theirs
the same way (see ``device_spaces`` in the issue-15 report: ~30 lines over
``recognition.services.devices.device_transform``).
"""

from collections.abc import Callable, Iterable, Iterator
from itertools import groupby

import numpy as np

from recognition.engine.provenance import CanarySet, Space

SpaceProvider = Callable[[], Iterable[Space | CanarySet]]
_PROVIDERS: list[SpaceProvider] = []


def register_space_provider(func: SpaceProvider) -> SpaceProvider:
    """Register once (usable as a decorator)."""
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def known_spaces() -> tuple[list[Space], list[CanarySet]]:
    spaces: list[Space] = []
    canaries: list[CanarySet] = []
    for provider in _PROVIDERS:
        for item in provider():
            (spaces if isinstance(item, Space) else canaries).append(item)
    return spaces, canaries


def _iso(moment: object) -> str | None:
    return moment.isoformat() if moment is not None else None  # type: ignore[attr-defined]


def deployment_space(deployment_id: int) -> Iterator[Space]:
    """The deployment's vault space at its current version and at every past one (templates
    are re-derived through raw space, so a past version's copy is known exactly)."""
    from recognition.services.leaks import current_version_since, past_transforms
    from recognition.services.vault import gallery_with_refs

    gallery = gallery_with_refs(deployment_id=deployment_id)
    if gallery is None:
        return
    row, secrets, stored, refs = gallery.key, gallery.secrets, gallery.vectors, gallery.refs
    yield Space("deployment", deployment_id, None, secrets.transform_version, secrets.transform,
                stored, refs, current=True,
                valid_from=_iso(current_version_since(deployment_id=deployment_id,
                                                      created_at=row.created_at)))
    raw = secrets.transform.invert(stored) if len(stored) else stored
    for past in past_transforms(deployment_id=deployment_id):
        yield Space("deployment", deployment_id, None, past.version, past.transform,
                    past.transform.apply(raw) if len(raw) else raw, refs, current=False,
                    valid_from=_iso(past.valid_from), valid_until=_iso(past.valid_until))


def deployment_vault_spaces() -> Iterator[Space | CanarySet]:
    from recognition.models import Canary, CopyKind, DeploymentKey
    from recognition.services.leaks import canary_vectors

    for deployment_id in DeploymentKey.objects.order_by("deployment_id").values_list(
            "deployment_id", flat=True):
        yield from deployment_space(deployment_id)
    rows = Canary.objects.order_by("deployment_id", "copy_kind", "copy_id", "id")
    for (deployment_id, kind, copy_id), group in groupby(
            rows, key=lambda c: (c.deployment_id, c.copy_kind, c.copy_id)):
        members = list(group)
        yield CanarySet(kind, deployment_id, copy_id if kind == CopyKind.DEVICE else None,
                        canary_vectors(members), [c.canary_ref for c in members],
                        copy_id=copy_id if kind == CopyKind.EXPORT else None)


def device_spaces() -> Iterator[Space | CanarySet]:
    """Every edge device's template space at every version up to the one it holds (issue 14).

    The platform holds no copy of a device's gallery (it is enrolled there and never in the
    vault), so each space stores nothing here: what names a device is its canaries, planted
    in its copy and transformed like its templates (their ``CanarySet`` comes from the vault
    provider above, kind "device"). The analysis tries every canary in every space, so a dump
    taken off a device hits its canaries in the device's space at the version it was taken
    in (naming device and version), and a dump re-encoded into raw space hits them in raw
    space (naming the device). A rotation ordered but not yet acknowledged is included: the
    device may already hold that version."""
    from django.db.models import Max, Q

    from recognition.models import Device, DeviceOrder, OrderKind
    from recognition.services.devices import device_transform

    pending = dict(DeviceOrder.objects.filter(kind=OrderKind.ROTATE).values("device_id")
                   .annotate(top=Max("transform_version", filter=Q(
                       acknowledged_at__isnull=True))).values_list("device_id", "top"))
    empty = np.empty((0, 128), np.float32)
    for device in Device.objects.order_by("id"):
        last = max(device.transform_version, pending.get(device.id) or 0)
        for version in range(1, last + 1):
            yield Space("device", device.deployment_id, device.id, version,
                        device_transform(device=device, version=version), empty, [],
                        current=version == device.transform_version)
