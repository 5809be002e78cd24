"""Start a real Celery worker process for tests, on whichever broker the environment names."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import REPO_ROOT

WORKER_START_TIMEOUT = 60


def broker_env(broker: str, var_dir: str) -> dict[str, str]:
    """Environment for a process that uses `broker`: "redis" or "filesystem" (under var_dir)."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "FACEGOV_VAR_DIR"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["FACEGOV_VAR_DIR"] = var_dir
    if broker == "redis":
        env["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return env


@contextmanager
def celery_worker(env: dict[str, str], log_path: str,
                  extra_args: tuple[str, ...] = ()) -> Iterator[subprocess.Popen]:
    """A worker in its own process; waits until it reports ready, and stops it afterwards.
    `extra_args` go to `celery worker` (e.g. `--beat --schedule <file>`)."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             *extra_args],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while "ready." not in open(log_path).read():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{open(log_path).read()}")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def worker_database_url() -> str:
    """The URL of the database this test runs on, for a worker process to open."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def worker_env(**extra: str) -> dict[str, str]:
    """This process's broker and test database, for a worker started by the test."""
    from django.conf import settings

    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "FACEGOV_VAR_DIR": str(settings.VAR_DIR), "DATABASE_URL": worker_database_url(),
            "FACEGOV_LEDGER_HEADS_PATH": str(settings.FACEGOV_LEDGER_HEADS_PATH), **extra}
