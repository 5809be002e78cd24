"""Leak tracing services: past transforms, canaries, disclosures (issue 15).

Canaries live beside the vault, never in it (recognition/models/leaks.py): counts, filings,
evaluations, purges and gallery search read vault subjects only, so they cannot see or count
a canary. A copy of templates that leaves the vault (``templates_disclose``) carries its
recipient's canaries, mixed in and indistinguishable, and a chained disclosure entry.
"""

import datetime as dt
import hashlib
import secrets as pysecrets
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from governance.models import Deployment
from governance.permissions import require
from governance.platform.crypto import seal, unseal
from governance.platform.ledger import chain_append
from recognition.engine.provenance import canaries_draw
from recognition.models import (
    Canary,
    CopyKind,
    DisclosureEntry,
    TransformArchive,
)
from recognition.vault.crypto import TemplateTransform, vector_from_bytes, vector_to_bytes

DISCLOSURE_LEDGER = "disclosure"
ARCHIVE_PURPOSE = "facegov/recognition/transform-archive/v1"
CANARY_PURPOSE = "facegov/recognition/canary/v1"
CANARIES_PER_COPY = 5


def _archive_aad(deployment_id: int, version: int) -> bytes:
    return f"facegov/transform-archive/v1|deployment={deployment_id}|version={version}".encode()


def _canary_aad(canary_ref: str) -> bytes:
    return f"facegov/canary/v1|ref={canary_ref}".encode()


def transform_archive_record(*, deployment_id: int, version: int, secret: bytes,
                             created_at: dt.datetime, valid_until: dt.datetime) -> None:
    """Keep a transform secret that is being rotated out (called by deployment_vault_rotate
    inside its transaction), so a copy taken while it was current still names it. Its window
    opens where the previous version's closed (or when the vault key was created)."""
    valid_from = current_version_since(deployment_id=deployment_id, created_at=created_at)
    TransformArchive.objects.update_or_create(
        deployment_id=deployment_id, transform_version=version,
        defaults={"sealed_secret": seal(ARCHIVE_PURPOSE, secret,
                                        aad=_archive_aad(deployment_id, version)),
                  "valid_from": valid_from, "valid_until": valid_until})


def current_version_since(*, deployment_id: int, created_at: dt.datetime) -> dt.datetime:
    last = (TransformArchive.objects.filter(deployment_id=deployment_id)
            .order_by("-transform_version").first())
    return last.valid_until if last else created_at


@dataclass(frozen=True)
class PastTransform:
    version: int
    transform: TemplateTransform
    valid_from: dt.datetime
    valid_until: dt.datetime


def past_transforms(*, deployment_id: int) -> list[PastTransform]:
    from recognition.services.vault import _transform

    return [PastTransform(a.transform_version,
                          _transform(unseal(ARCHIVE_PURPOSE, bytes(a.sealed_secret),
                                            aad=_archive_aad(deployment_id,
                                                             a.transform_version))),
                          a.valid_from, a.valid_until)
            for a in TransformArchive.objects.filter(deployment_id=deployment_id)
            .order_by("transform_version")]


def raw_gallery(*, deployment: Deployment) -> tuple[np.ndarray, list[str]]:
    """The deployment's templates mapped back to raw space, with their subject refs (for
    drawing canaries far from everyone and for the same-people check)."""
    from recognition.services.vault import gallery_with_refs

    gallery = gallery_with_refs(deployment_id=deployment.id)
    if gallery is None or not len(gallery.vectors):
        return np.empty((0, 128), np.float32), []
    return gallery.secrets.transform.invert(gallery.vectors), gallery.refs


def canary_vectors(canaries: list[Canary]) -> np.ndarray:
    if not canaries:
        return np.empty((0, 128), np.float32)
    return np.stack([vector_from_bytes(unseal(CANARY_PURPOSE, bytes(c.sealed_vector),
                                              aad=_canary_aad(c.canary_ref)))
                     for c in canaries])


@transaction.atomic
def canaries_plant(*, deployment: Deployment, actor: Any, copy_kind: str = CopyKind.DEPLOYMENT,
                   copy_id: int | None = None, k: int = CANARIES_PER_COPY) -> list[Canary]:
    """Plant ``k`` canaries for one copy (distinct per recipient, far from every real template
    and from every other copy's canary of this deployment). Regulators whose mandate covers
    the deployment only."""
    require(actor, "leak.handle", deployment)
    return _plant(deployment, copy_kind, copy_id, k, actor)


def _plant(deployment: Deployment, copy_kind: str, copy_id: int | None, k: int,
           actor: Any) -> list[Canary]:
    Deployment.objects.select_for_update().filter(pk=deployment.pk).first()
    real, _refs = raw_gallery(deployment=deployment)
    existing = canary_vectors(list(Canary.objects.filter(deployment=deployment)))
    draw = canaries_draw(real, k, np.random.default_rng(), avoid=existing)
    planted = []
    for vector in draw.vectors:
        ref = f"c-{pysecrets.token_hex(8)}"  # shaped like a portal subject ref
        planted.append(Canary.objects.create(
            deployment=deployment, copy_kind=copy_kind, copy_id=copy_id, canary_ref=ref,
            sealed_vector=seal(CANARY_PURPOSE, vector_to_bytes(vector), aad=_canary_aad(ref)),
            planted_by=actor if getattr(actor, "is_authenticated", False) else None))
    return planted


def copy_canaries(*, deployment: Deployment, copy_kind: str, copy_id: int | None
                  ) -> list[Canary]:
    return list(Canary.objects.filter(deployment=deployment, copy_kind=copy_kind,
                                      copy_id=copy_id).order_by("id"))


@transaction.atomic
def copy_canaries_ensure(*, deployment: Deployment, copy_kind: str, copy_id: int | None,
                         k: int = CANARIES_PER_COPY, actor: Any = None) -> list[Canary]:
    """The copy's canaries, planted on first use (the platform's own step when templates leave
    the vault, and the demo seeder's: no person's permission is involved)."""
    existing = copy_canaries(deployment=deployment, copy_kind=copy_kind, copy_id=copy_id)
    return existing or _plant(deployment, copy_kind, copy_id, k, actor)


@dataclass(frozen=True)
class Disclosure:
    vectors: np.ndarray  # in the deployment's current space, canaries mixed in
    refs: list[str]
    entry: DisclosureEntry


@transaction.atomic
def templates_disclose(*, deployment: Deployment, recipient_kind: str, recipient_label: str,
                       recipient_id: int | None = None, actor: Any = None, reason: str = "",
                       k: int = CANARIES_PER_COPY, space_kind: str = "deployment",
                       transform: TemplateTransform | None = None,
                       transform_version: int | None = None) -> Disclosure:
    """The one way templates leave the vault: the deployment's templates in its current
    space, with the recipient's canaries (planted on first disclosure) shuffled in, and a
    chained disclosure entry naming recipient, space, version, canaries and item hashes.
    Device sync (issue 14) and any export call this; a device passes its own ``transform``
    and ``transform_version`` (space_kind "device")."""
    from recognition.services.vault import deployment_key_ensure, deployment_secrets

    key_row = deployment_key_ensure(deployment=deployment)
    Deployment.objects.select_for_update().filter(pk=deployment.pk).first()
    secrets = deployment_secrets(key_row)
    canaries = copy_canaries_ensure(deployment=deployment, copy_kind=recipient_kind,
                                    copy_id=recipient_id, k=k, actor=actor)
    raw, refs = raw_gallery(deployment=deployment)
    items = np.concatenate([raw, canary_vectors(canaries)])
    item_refs = refs + [c.canary_ref for c in canaries]
    order = np.random.default_rng().permutation(len(items))
    transform = transform or secrets.transform
    version = transform_version if transform_version is not None else secrets.transform_version
    vectors = transform.apply(items[order]) if len(items) else items
    item_refs = [item_refs[i] for i in order]
    entry = disclosure_record(
        deployment_id=deployment.id, recipient_kind=recipient_kind, recipient_id=recipient_id,
        recipient_label=recipient_label, space_kind=space_kind, transform_version=version,
        canary_refs=[c.canary_ref for c in canaries], vectors=vectors, actor=actor,
        reason=reason)
    return Disclosure(vectors, item_refs, entry)


def disclosure_record(*, deployment_id: int, recipient_kind: str, recipient_id: int | None,
                      recipient_label: str, space_kind: str, transform_version: int,
                      canary_refs: list[str], vectors: np.ndarray, actor: Any = None,
                      reason: str = "") -> DisclosureEntry:
    """The chained disclosure entry for items leaving the vault (the caller's transaction
    holds the deployment's lock): recipient, space, version, canaries and item hashes."""
    hashes = [hashlib.sha256(vector_to_bytes(v)).hexdigest() for v in vectors]
    return chain_append(DisclosureEntry(
        deployment_id=deployment_id, recipient_kind=recipient_kind, recipient_id=recipient_id,
        recipient_label=recipient_label[:200], space_kind=space_kind,
        transform_version=transform_version,
        canary_refs=sorted(canary_refs), item_count=len(vectors),
        item_hashes=hashes, items_digest=hashlib.sha256("".join(hashes).encode()).hexdigest(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason[:500], recorded_at=timezone.now()))


@transaction.atomic
def deployment_api_keys_revoke_all(*, deployment: Deployment, actor: Any) -> int:
    """Interception: the regulator revokes every active API key of the deployment at once."""
    from governance.audit import acting_as
    from governance.platform.stamps import stamp_bump
    from recognition.models import ApiKey
    from recognition.services.apikeys import API_KEY_STAMP

    require(actor, "leak.handle", deployment)
    active = ApiKey.objects.filter(deployment=deployment, revoked_at__isnull=True)
    hashes = list(active.values_list("key_hash", flat=True))
    with acting_as(actor):
        revoked = active.update(revoked_at=timezone.now(), revoked_by=actor)
    for key_hash in hashes:  # .update() sends no signal: the cached lookups go stale here
        stamp_bump(API_KEY_STAMP, key_hash)
    return revoked


def current_stored(*, deployment: Deployment) -> np.ndarray:
    """The deployment's stored templates in its current space (to measure a leak after
    rotation)."""
    from recognition.leaks.spaces import deployment_space

    current = next(deployment_space(deployment.id), None)
    return current.stored if current is not None else np.empty((0, 128), np.float32)


def canaries_destroy_with_gallery(*, deployment: Deployment) -> int:
    """The gallery is gone (its last subject destroyed): its canaries go with it, so a later
    copy never consists of canaries alone. Called by the retention sweep's destroy step."""
    from recognition.models import VaultSubject

    if VaultSubject.objects.filter(deployment=deployment).exists():
        return 0
    # A device's canaries are in the device's gallery, not the vault's: they stay while the
    # device's copy (or a leak of it) may still exist.
    deleted, _ = Canary.objects.filter(deployment=deployment).exclude(
        copy_kind=CopyKind.DEVICE).delete()
    return deleted
