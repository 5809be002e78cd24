"""Production: every secret and service comes from the environment; nothing has a default."""

from config.settings.base import *  # noqa: F401,F403
from config.settings.env import env_int, env_list, env_required, env_str

DEBUG = False
SECRET_KEY = env_required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or [env_required("DJANGO_ALLOWED_HOSTS")]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
FACEGOV_MASTER_KEY = env_required("FACEGOV_MASTER_KEY")
env_required("DATABASE_URL")  # base.py parsed it; here its absence is an error, not SQLite.
env_required("REDIS_URL")  # likewise: no filesystem broker in production.
# Mail must reach people: no silent default server. Another backend (an email API) may be
# named in DJANGO_EMAIL_BACKEND; SMTP, the default, needs its host.
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":  # noqa: F405
    EMAIL_HOST = env_required("EMAIL_HOST")
DEFAULT_FROM_EMAIL = env_required("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "uploads": UPLOADS_STORAGE,  # noqa: F405
}
