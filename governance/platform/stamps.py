"""Version-stamped read caches for facts that rarely change but are read on every call (the
deployment's status and purposes in the policy gate, a person's consents there, a deployment's
retention rules, a device's API key).

Each cached thing has a stamp (a random token in the shared cache, Redis at scale) and its
value is stored under ``<name>:<stamp>``. A write bumps the stamp twice: at once (so the
writer's own transaction never reads its old value) and again after commit (so a reader that
read the database before the commit and stored the old value meanwhile stored it under a stamp
nobody uses any more). A reader that reads the stamp, misses, reads the database and stores
the value under that stamp can therefore never make an old value current: the next call after
a committed change reads the database. Any cache failure falls back to the database.

Writes made with ``QuerySet.update()`` send no signal: code that changes a cached fact that
way must call :func:`stamp_bump` itself.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")
# How long a cached value lives at most. A stamp lives a day unless bumped: one that expired is
# replaced by a new token, which only makes the values stored under the old one unreachable.
VALUE_TTL = 300
STAMP_TTL = 86400


def _stamp_key(scope: str, ident: object) -> str:
    return f"stamp:{scope}:{ident}"


def _bump_now(scope: str, ident: object) -> None:
    try:
        cache.set(_stamp_key(scope, ident), uuid.uuid4().hex, timeout=STAMP_TTL)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is not used for reads
        logger.exception("Stamp %s:%s not bumped; deleting it", scope, ident)
        try:
            cache.delete(_stamp_key(scope, ident))
        except Exception:  # noqa: BLE001
            logger.exception("Stamp %s:%s not deleted", scope, ident)


def stamp_bump(scope: str, ident: object) -> None:
    """The cached value of (scope, ident) is no longer current: now and after commit."""
    _bump_now(scope, ident)

    def stamp_bump_after_commit() -> None:
        _bump_now(scope, ident)

    transaction.on_commit(stamp_bump_after_commit)


def stamped(scope: str, ident: object, load: Callable[[], T], *, keep_none: bool = True,
            variant: str = "", within: tuple[str, object] | None = None) -> T:
    """The value `load()` returns, from the cache while the stamp of (scope, ident) is
    unchanged. With FACEGOV_STAMPED_CACHE off, or the cache failing, always `load()`.
    ``keep_none=False``: a None answer is not stored (e.g. unknown API keys, which anyone can
    send in any number). ``variant``: one of several values kept under the same stamp (e.g.
    per purpose). ``within``: an outer (scope, ident) whose stamp also keys the value, so one
    bump of the outer stamp (a deployment's) retires every value under it (its people's)."""
    if not settings.FACEGOV_STAMPED_CACHE:
        return load()
    try:
        keys = [_stamp_key(scope, ident)] + ([_stamp_key(*within)] if within else [])
        stamps = cache.get_many(keys)
        for key in keys:
            if key not in stamps:
                cache.add(key, uuid.uuid4().hex, timeout=STAMP_TTL)
                stamps[key] = cache.get(key)
        if any(stamps[key] is None for key in keys):
            return load()  # the cache keeps nothing: nothing to read or store
        value_key = ":".join([scope, str(ident), variant, *(stamps[key] for key in keys)])
        found = cache.get(value_key, _MISSING)
    except Exception:  # noqa: BLE001 - the database is the truth; the cache only saves reads
        logger.warning("Stamped cache unavailable for %s:%s", scope, ident, exc_info=True)
        return load()
    if found is not _MISSING:
        return found
    value = load()
    if keep_none or value is not None:
        try:
            cache.set(value_key, value, timeout=VALUE_TTL)
        except Exception:  # noqa: BLE001
            logger.warning("Stamped cache not written for %s:%s", scope, ident, exc_info=True)
    return value


class _Missing:
    pass


_MISSING = _Missing()
