"""Celery tasks of governance. Tasks are thin: they take ids and call services."""

from celery import shared_task


@shared_task(name="governance.platform_ping_task")
def platform_ping_task(token: str) -> str:
    """Round-trip probe for /healthz?deep=1 and the broker tests: echoes its token."""
    return f"pong:{token}"
