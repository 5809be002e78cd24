"""/healthz and real task round trips through a real worker, on Redis and on the filesystem."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from config import health
from tests.conftest import REPO_ROOT
from tests.workers import broker_env, celery_worker

PING_SCRIPT = """
import django, secrets
django.setup()
from governance.tasks import platform_ping_task
token = secrets.token_hex(4)
print(platform_ping_task.delay(token).get(timeout=30) == f"pong:{token}")
"""


def test_healthz_reports_database_and_broker_ok(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"},
                               "failed": []}


def test_healthz_names_the_failed_check_with_503(db, client, monkeypatch):
    def broken_broker():
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(health, "check_broker", broken_broker)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("failed: ConnectionRefusedError")


def test_healthz_reports_an_unreachable_redis_broker():
    env = broker_env("redis", "/tmp/facegov-unreachable")
    env["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    code = ("from config.health import run_checks, check_broker; "
            "print(run_checks({'b': check_broker}))")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=REPO_ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert "'b': 'failed:" in result.stdout, result.stderr


@pytest.mark.worker
def test_deep_healthz_round_trips_a_task_through_a_real_worker(db, client, tmp_path):
    # The worker uses this process's broker settings (Redis in CI, filesystem otherwise).
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "FACEGOV_VAR_DIR": str(settings.VAR_DIR)}
    with celery_worker(env, str(tmp_path / "worker.log")):
        response = client.get("/healthz?deep=1")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"] == "ok"


@pytest.mark.worker
@pytest.mark.parametrize("broker", ["redis", "filesystem"])
def test_task_round_trip_through_a_real_worker(broker, tmp_path):
    env = broker_env(broker, str(tmp_path))
    with celery_worker(env, str(tmp_path / "worker.log")):
        result = subprocess.run([sys.executable, "-c", PING_SCRIPT], cwd=REPO_ROOT, env=env,
                                capture_output=True, text=True, timeout=90)
    assert result.stdout.strip() == "True", result.stderr
    if broker == "filesystem":
        assert (tmp_path / "broker" / "queue").is_dir()
