"""One machine, no servers: SQLite and the filesystem broker under var/, secrets generated there."""

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import EMAIL_FILE_PATH, VAR_DIR
from config.settings.env import env_bool, env_str
from config.settings.keys import new_master_key, new_secret_key, read_or_create_secret

# Off by default, so that a newcomer sees the friendly 404/500 pages (templates/404.html,
# 500.html), not Django's debug pages listing every URL; DJANGO_DEBUG=1 turns it on.
DEBUG = env_bool("DJANGO_DEBUG", False)
# runserver serves no static files without DEBUG: WhiteNoise serves them from the finders
# (static/ and the apps), re-scanned as they change, with no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or read_or_create_secret(
    VAR_DIR / "secret.key", make=new_secret_key
)
FACEGOV_MASTER_KEY = env_str("FACEGOV_MASTER_KEY") or read_or_create_secret(
    VAR_DIR / "master.key", make=new_master_key
)
# Mail is written as files under var/mail/ (bin/run-local prints where); set
# DJANGO_EMAIL_BACKEND and EMAIL_* to send through a real server instead.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH.mkdir(parents=True, exist_ok=True)


# One machine for a demo: personas sign in with a password only (two-factor stays available
# to everyone who enrols), and the operator's own /metrics and deep health check are open.
FACEGOV_REQUIRE_2FA = env_bool("FACEGOV_REQUIRE_2FA", False)
FACEGOV_METRICS_OPEN = env_bool("FACEGOV_METRICS_OPEN", True)
