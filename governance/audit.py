"""django-auditlog: which models record governance decisions, and who acted.

Services wrap their writes in `acting_as(actor)` so the audit row names the acting user even
on token-authenticated API calls (the middleware only sees session users).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.registry import auditlog

from governance.models import IndustryMembership, Membership, Organisation

for model in (Organisation, Membership, IndustryMembership):
    auditlog.register(model)


@contextmanager
def acting_as(actor: object | None) -> Iterator[None]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    with set_actor(actor):
        yield
