"""Tests: the same services as configured by the environment (PostgreSQL/Redis in CI)."""

import base64

from config.settings.base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789abcdef"
# A fixed key so that test runs are reproducible; production requires its own.
FACEGOV_MASTER_KEY = base64.urlsafe_b64encode(b"facegov-test-master-key-32-bytes").decode()
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# SQLite tests use a file, not memory, so that a real Celery worker started by a test
# (tests/workers.py) opens the same test database as the test itself.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-facegov.sqlite3")}  # noqa: F405
# Tests that want the demo's real enrolment turn this on themselves (it costs ~13 s).
FACEGOV_DEMO_ENROL_FACES = False
FACEGOV_DEMO_EXPIRY_MINUTES = 0

# Throttle counts stay in this process and are cleared before every test (tests/conftest.py);
# the limits are high so that no test trips one by accident. tests/config/test_throttling.py
# sets low limits where a limit is what it tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {**REST_FRAMEWORK,  # noqa: F405
                  "DEFAULT_THROTTLE_RATES": {scope: "100000/min" for scope in THROTTLE_RATES}}  # noqa: F405
FACEGOV_REQUIRE_2FA = False
FACEGOV_METRICS_OPEN = True
