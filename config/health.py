"""GET /healthz — is the database reachable, is the broker reachable, (deep, with the metrics
token) is a worker alive.

Answers 200 when every check passes and 503 naming the checks that failed.
"""

import secrets
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from config.celery_app import app as celery_app
from governance.metrics import operator_token_valid

BROKER_TIMEOUT_SECONDS = 3
WORKER_TIMEOUT_SECONDS = 10


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        _ = conn.default_channel  # opening a channel proves the transport really answers


def check_worker() -> None:
    """A real task through the broker and back: proves a worker is consuming."""
    from governance.tasks import platform_ping_task

    token = secrets.token_hex(8)
    result = platform_ping_task.delay(token)
    try:
        if result.get(timeout=WORKER_TIMEOUT_SECONDS) != f"pong:{token}":
            raise RuntimeError("the worker answered with the wrong token")
    finally:
        result.forget()


def run_checks(checks: dict[str, Callable[[], None]]) -> dict[str, str]:
    report = {}
    for name, check in checks.items():
        try:
            check()
            report[name] = "ok"
        except Exception as exc:  # a health check reports every failure, whatever its type
            report[name] = f"failed: {type(exc).__name__}: {exc}"[:300]
    return report


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The shallow checks for anyone; `?deep=1` (a task through a worker, seconds of work)
    only with the operators' token, so that it cannot be used to load the workers."""
    checks: dict[str, Callable[[], None]] = {"database": check_database, "broker": check_broker}
    if request.GET.get("deep") == "1" and operator_token_valid(request):
        checks["worker"] = check_worker
    report = run_checks(checks)
    failed = sorted(name for name, outcome in report.items() if outcome != "ok")
    body = {"status": "ok" if not failed else "failing", "checks": report, "failed": failed}
    return JsonResponse(body, status=200 if not failed else 503)
