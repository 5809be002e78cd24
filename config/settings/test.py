"""Tests: the same services as configured by the environment (PostgreSQL/Redis in CI)."""

import base64
import os

from config.settings.base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789abcdef"
# A fixed key so that test runs are reproducible; production requires its own.
FACEGOV_MASTER_KEY = base64.urlsafe_b64encode(b"facegov-test-master-key-32-bytes").decode()
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read sent mail from django.core.mail.outbox.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Test uploads stay apart from the demo's sealed files.
UPLOADS_STORAGE = {**UPLOADS_STORAGE,  # noqa: F405
                   "OPTIONS": {**UPLOADS_STORAGE["OPTIONS"],  # noqa: F405
                               "location": str(VAR_DIR / "test-uploads")}}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "uploads": UPLOADS_STORAGE,
}

# SQLite tests use a file, not memory, so that a real Celery worker started by a test
# (tests/workers.py) opens the same test database as the test itself.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-facegov.sqlite3")}  # noqa: F405
# Tests that want the demo's real enrolment turn this on themselves (it costs ~13 s).
FACEGOV_DEMO_ENROL_FACES = False
FACEGOV_DEMO_EXPIRY_MINUTES = 0
# Receipts: a cheap Argon2id and no failure delay, so tests run fast; the benchmark measures
# the real cost. Throttle rates stay as configured (tests clear the cache between them).
FACEGOV_TIP_ARGON2_TIME_COST = 1
FACEGOV_TIP_ARGON2_MEMORY_KIB = 8 * 1024
FACEGOV_TIP_RECEIPT_FAIL_DELAY = 0.0


# Never the make-run publication: tests/conftest.py gives each test its own file, and passes
# it to the worker processes a test starts (tests/workers.py) through the environment.
FACEGOV_LEDGER_HEADS_PATH = env_str(  # noqa: F405
    "FACEGOV_LEDGER_HEADS_PATH", str(VAR_DIR / "test-ledger-heads.jsonl"))  # noqa: F405

# Throttle counts stay in this process and are cleared before every test (tests/conftest.py);
# the limits are high so that no test trips one by accident. tests/config/test_throttling.py
# sets low limits where a limit is what it tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The stamped read caches stay on (as at scale, with Redis) so the suite exercises their
# invalidation; each test starts with an empty cache.
FACEGOV_STAMPED_CACHE = env_bool("FACEGOV_STAMPED_CACHE", True)  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK,  # noqa: F405
                  "DEFAULT_THROTTLE_RATES": {
                      **{scope: "100000/min" for scope in THROTTLE_RATES},  # noqa: F405
                      # The complaint channel's scopes keep their configured rates: its
                      # tests assert them (the cache is cleared before each test).
                      **COMPLAINT_THROTTLE_RATES}}  # noqa: F405
FACEGOV_REQUIRE_2FA = False
FACEGOV_METRICS_OPEN = True


# `make test` runs the suite in two processes (pytest-xdist). pytest-django gives each its own
# test database; each also gets its own Redis database, so that a Celery worker one test starts
# never takes a task another process queued for a different test database. The worker processes
# a test starts inherit the shifted URL through the environment (hence the guard).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _XDIST_WORKER.startswith("gw") and not os.environ.get(  # noqa: F405
        "FACEGOV_REDIS_PER_TEST_PROCESS"):
    _base, _, _db = REDIS_URL.rpartition("/")  # noqa: F405
    _db = int(_db) if _db.isdigit() else 0
    REDIS_URL = f"{_base}/{_db + 1 + int(_XDIST_WORKER[2:])}"
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["FACEGOV_REDIS_PER_TEST_PROCESS"] = "1"
