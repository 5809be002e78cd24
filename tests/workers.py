"""Start a real Celery worker process for tests, on whichever broker the environment names."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tests.conftest import REPO_ROOT

WORKER_START_TIMEOUT = 120


def broker_env(broker: str, var_dir: str) -> dict[str, str]:
    """Environment for a process that uses `broker`: "redis" or "filesystem" (under var_dir)."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "FACEGOV_VAR_DIR"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["FACEGOV_VAR_DIR"] = var_dir
    if broker == "redis":
        env["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return env


#: How long a worker has to stop after SIGTERM (warm shutdown) before it is killed.
WORKER_STOP_TIMEOUT = 30
#: The default deadline of `wait_until`: generous, since 2 cores are shared by many processes;
#: a condition that holds returns as soon as it is seen, so only a failure waits this long.
CONDITION_TIMEOUT = 120


def log_tail(log_path: str, chars: int = 4000) -> str:
    with open(log_path) as log:
        return log.read()[-chars:]


def wait_until(condition: Callable[[], bool], *, what: str, log_path: str | None = None,
               timeout: float = CONDITION_TIMEOUT, every: float = 0.1) -> None:
    """Poll `condition` until it holds; past the deadline fail, saying what was awaited and
    showing the worker's log. Tests wait on conditions, never on clocks."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tail = log_tail(log_path) if log_path else ""
            raise AssertionError(f"Still waiting after {timeout:.0f} s for: {what}\n{tail}")
        time.sleep(every)


def _stop(process: subprocess.Popen, log_path: str) -> None:
    """Stop a worker the test left running; a worker that ignores SIGTERM is killed and
    reported. One the test already stopped (or killed) is left as it is."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        code = process.wait(timeout=WORKER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=WORKER_STOP_TIMEOUT)
        raise RuntimeError(f"Celery worker ignored SIGTERM for {WORKER_STOP_TIMEOUT} s:\n"
                           f"{log_tail(log_path)}") from None
    if code not in (0, -signal.SIGTERM):
        raise RuntimeError(f"Celery worker exited with {code} on SIGTERM:\n{log_tail(log_path)}")


@contextmanager
def celery_worker(env: dict[str, str], log_path: str,
                  extra_args: tuple[str, ...] = ()) -> Iterator[subprocess.Popen]:
    """A worker in its own process; waits until it reports ready, and stops it afterwards
    (a worker that does not stop cleanly fails the test). `extra_args` go to
    `celery worker` (e.g. `--beat --schedule <file>`)."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             *extra_args],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            # Its own process group: a beat embedded with `--beat` is a child process that
            # outlives a SIGKILLed worker; the group lets the test end it too (below).
            start_new_session=True,
        )
    try:
        wait_until(lambda: "ready." in log_tail(log_path, 10**7) or process.poll() is not None,
                   what="the Celery worker to report ready", log_path=log_path,
                   timeout=WORKER_START_TIMEOUT, every=0.2)
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited with {process.returncode} before it was "
                               f"ready:\n{log_tail(log_path)}")
        yield process
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WORKER_STOP_TIMEOUT)
        raise
    finally:
        _reap_group(process)
    _stop(process, log_path)


def _reap_group(process: subprocess.Popen) -> None:
    """Once the worker itself is gone (killed by the test), kill what it left in its group —
    an embedded beat would otherwise keep queueing tasks on the broker for later tests."""
    if process.poll() is None:
        return  # still running: `_stop` ends it, and it ends its own children
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


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
