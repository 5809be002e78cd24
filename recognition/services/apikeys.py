"""Deployment API keys: created once and shown once, stored as a hash, revocable."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import acting_as
from governance.errors import DomainError, PolicyRefusal
from governance.models import Deployment, DeploymentStatus
from governance.permissions import require
from governance.platform.stamps import stamp_bump, stamped
from recognition.models import ApiKey

KEY_PREFIX = "fgk_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
# A stopped deployment gets no new device keys: no device may start recognising for it.
NO_KEYS_STATUSES = frozenset({DeploymentStatus.SUSPENDED, DeploymentStatus.DECOMMISSIONED})


def _hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, deployment: Deployment, name: str, actor: Any) -> tuple[ApiKey, str]:
    """A new key for one deployment. Returns the row and the raw key, which exists only here.
    Refused (`deployment_not_active`) while the deployment is suspended or decommissioned;
    keys may be prepared before it runs."""
    require(actor, "deployment.manage_api_keys", deployment)
    # The stored status, locked: a suspension committing meanwhile is seen, not raced.
    status = Deployment.objects.select_for_update().values_list("status", flat=True).get(
        pk=deployment.pk)
    if status in NO_KEYS_STATUSES:
        label = DeploymentStatus(status).label.lower()
        raise PolicyRefusal(_("The deployment is %(status)s: no new API key is issued.")
                            % {"status": label},
                            code="deployment_not_active")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    with acting_as(actor):
        api_key = ApiKey.objects.create(deployment=deployment, name=name, prefix=raw[:12],
                                        key_hash=_hash(raw), created_by=actor)
    return api_key, raw


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: Any) -> ApiKey:
    require(actor, "deployment.manage_api_keys", api_key.deployment)
    if api_key.revoked_at is not None:
        raise DomainError(_("This key is already revoked."), code="already_revoked")
    with acting_as(actor):
        api_key.revoked_at = timezone.now()
        api_key.revoked_by = actor
        api_key.save(update_fields=["revoked_at", "revoked_by"])
    return api_key


API_KEY_STAMP = "api-key"


def _load(key_hash: str) -> ApiKey | None:
    return (ApiKey.objects.select_related("deployment", "deployment__organisation")
            .filter(key_hash=key_hash).first())


def api_key_lookup(*, raw_key: str) -> ApiKey | None:
    """The key matching `raw_key`, revoked or not (None if unknown); marks an active key used.
    The caller refuses a revoked key — and records that refusal as the deployment's event.

    Cached under a stamp that a revocation (any save of the key), a change of its deployment
    or organisation bumps: the next call after it reads the database (platform/stamps.py)."""
    key_hash = _hash(raw_key)
    api_key = stamped(API_KEY_STAMP, key_hash, lambda: _load(key_hash), keep_none=False)
    now = timezone.now()
    stale = api_key is not None and (api_key.last_used_at is None
                                     or now - api_key.last_used_at > LAST_USED_RESOLUTION)
    if stale and api_key.revoked_at is None:
        # "Last used" to the minute is what operators need; a write per request is not.
        ApiKey.objects.filter(id=api_key.id).update(last_used_at=now)
        api_key.last_used_at = now
        stamp_bump(API_KEY_STAMP, key_hash)  # the cached copy's "last used" is old now
    return api_key


def connect_api_key_cache() -> None:
    """Bump a key's cached lookup when it, its deployment or its organisation changes
    (RecognitionConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    from governance.models import Organisation

    def key_changed(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
        stamp_bump(API_KEY_STAMP, instance.key_hash)

    def deployment_changed(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
        for key_hash in ApiKey.objects.filter(deployment_id=instance.pk).values_list(
                "key_hash", flat=True):
            stamp_bump(API_KEY_STAMP, key_hash)

    def organisation_changed(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
        for key_hash in ApiKey.objects.filter(
                deployment__organisation_id=instance.pk).values_list("key_hash", flat=True):
            stamp_bump(API_KEY_STAMP, key_hash)

    for signal in (post_save, post_delete):
        signal.connect(key_changed, sender=ApiKey, weak=False, dispatch_uid="api_key_cache_key")
        signal.connect(deployment_changed, sender=Deployment, weak=False,
                       dispatch_uid="api_key_cache_deployment")
        signal.connect(organisation_changed, sender=Organisation, weak=False,
                       dispatch_uid="api_key_cache_organisation")
