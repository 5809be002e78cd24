"""Tests: the same services as configured by the environment (PostgreSQL/Redis in CI)."""

import base64

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
