"""Settings shared by every environment. Everything that differs comes from the environment."""

from pathlib import Path

import dj_database_url

from config.settings.env import env_bool, env_int, env_list, env_rates, env_str

BASE_DIR = Path(__file__).resolve().parents[2]
# Everything the platform writes on a single machine lives under var/ (SQLite, broker, keys).
VAR_DIR = Path(env_str("FACEGOV_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # naturaltime ("3 days ago" / "3天之前")
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "config.api.apps.ApiConfig",
    # Dependencies point one way: complaints -> recognition -> governance.
    "governance",
    "recognition",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie set by the switch (set_language), else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "governance.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "governance.middleware.DomainErrorPagesMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.persona",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'facegov.sqlite3'}"),
        # Seconds a web process keeps its connection between requests (0: a new one each
        # request). Kept connections are checked before reuse, so a restarted server costs one
        # failed check, not a failed request.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=env_int("DATABASE_CONN_MAX_AGE", 0) > 0,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "governance.User"
# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
# Each language is named in itself on the switch (docs/i18n.md). Chinese is zh-hans (Simplified
# script): Accept-Language `zh-CN`, `zh-SG` and plain `zh` all fall back to it.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# One catalogue for the whole project (every app and template): locale/zh_Hans/LC_MESSAGES/.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers per language: "1 Dec 2026 14:05" / "2026年12月1日 14:05" (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_str("FACEGOV_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before collectstatic runs
# Nothing is served from MEDIA_URL: uploads are sealed files answered by access-checked views
# (governance/platform/uploads.py). MEDIA_ROOT only keeps stray default-storage writes in var/.
MEDIA_ROOT = VAR_DIR / "media"

# --- Mail (governance/platform/notifications.py) ---------------------------------------------
# Mail is queued in the database and sent after commit by a Celery task, never in a request.
# SMTP from the usual EMAIL_* variables; local.py writes files under var/mail/ instead, and
# production.py refuses to start without a mail server.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Without a timeout a hung mail server would hold a worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "FaceGov <no-reply@facegov.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Links in mail point here (pages use relative links).
FACEGOV_SITE_URL = env_str("FACEGOV_SITE_URL", "http://127.0.0.1:8000")

# --- Uploads (governance/platform/uploads.py) -------------------------------------------------
# Sealed ciphertext only. At scale, point the "uploads" storage at object storage (any Django
# storage backend, e.g. django-storages' S3Storage): nothing else changes.
FACEGOV_UPLOADS_DIR = Path(env_str("FACEGOV_UPLOADS_DIR", str(VAR_DIR / "uploads")))
UPLOADS_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(FACEGOV_UPLOADS_DIR), "base_url": None,
                "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "uploads": UPLOADS_STORAGE,
}
FACEGOV_UPLOAD_DOCUMENT_MAX_BYTES = env_int("FACEGOV_UPLOAD_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
FACEGOV_UPLOAD_IMAGE_MAX_BYTES = env_int("FACEGOV_UPLOAD_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
FACEGOV_UPLOAD_ARCHIVE_MAX_BYTES = env_int("FACEGOV_UPLOAD_ARCHIVE_MAX_BYTES", 100 * 1024 * 1024)

# Throttle counts must be shared by every web process: Redis at scale, memory on one machine.
CACHES = (
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                 "LOCATION": env_str("REDIS_URL"), "KEY_PREFIX": "facegov"}}
    if env_str("REDIS_URL")
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)
# --- Accuracy and fairness evaluations (recognition/services/evaluations.py) ------------------
# The reference set evaluated with {"reference_set": true}: a folder per identity. The photos
# are not in the repository (see README): by default the shared faces' lfw10.
_SHARED_FACES = Path(env_str("FACEGOV_FACES_DIR", str(BASE_DIR.parent / "shared" / "faces")))
FACEGOV_REFERENCE_SET_DIR = env_str("FACEGOV_REFERENCE_SET_DIR", str(_SHARED_FACES / "lfw10"))
# An uploaded set: at most this many entries, and this many bytes once uncompressed (bombs).
FACEGOV_EVALUATION_MAX_FILES = env_int("FACEGOV_EVALUATION_MAX_FILES", 5000)
FACEGOV_EVALUATION_MAX_UNCOMPRESSED_BYTES = env_int("FACEGOV_EVALUATION_MAX_UNCOMPRESSED_BYTES",
                                                    500 * 1024 * 1024)
# Target false-match rate the threshold is calibrated for, by interest and kind of use
# (identification of many people in public needs a stricter one than a door).
FACEGOV_EVALUATION_TARGET_FMR = {
    "public:identification": 1e-4,
    "public:verification": 1e-3,
    "private:identification": 1e-3,
    "private:verification": 1e-3,
}
# An evaluation supports a threshold for this many days.
FACEGOV_EVALUATION_MAX_AGE_DAYS = env_int("FACEGOV_EVALUATION_MAX_AGE_DAYS", 90)

# --- API -------------------------------------------------------------------------------------
# Requests per client and period (s, min, hour, day). `anon`: every anonymous call, per
# address; `device`: per deployment API key; the rest are the `throttle_scope` of the views
# attackers lean on. An app adds its scope here (e.g. `tip_submit`). Override any of them with
# FACEGOV_THROTTLE_RATES="login=5/min,anon=30/min".
THROTTLE_RATES = {
    "anon": "120/min",
    "device": "1200/min",
    "login": "10/min",
    "signup": "10/hour",
    "contact_proof": "10/hour",
    "contact_proof_confirm": "20/hour",
} | env_rates("FACEGOV_THROTTLE_RATES")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "config.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Bounded, NUL-free bodies (config/api/parsers.py): every view parses through these.
    "DEFAULT_PARSER_CLASSES": [
        "config.api.parsers.JSONParser",
        "config.api.parsers.FormParser",
        "config.api.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.throttling.AnonymousThrottle",
        "config.api.throttling.DeviceThrottle",
        "config.api.throttling.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.FaceGovAutoSchema",
    "EXCEPTION_HANDLER": "config.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FaceGov API",
    "DESCRIPTION": (
        "Face recognition under consent, purpose, retention and oversight. "
        "Errors are JSON objects with a machine `code` and a human `detail`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc are served from the sidecar package: nothing fetched at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets are both called "category": name each after what it classifies.
    "ENUM_NAME_OVERRIDES": {
        "ComplaintCategoryEnum": "complaints.models.cases.Category",
        "DataCategoryEnum": "governance.models.retention.DataCategory",
    },
    # Request and response components apart, so that a non-blank rule (`minLength: 1`) binds
    # what a client sends without constraining what the server answers.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.document_error_responses",
    ],
}
# Unsafe requests without a CSRF token answer the API's error shape under /api/.
CSRF_FAILURE_VIEW = "config.api.errors.csrf_failure"

# --- Celery ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # One machine needs no server: kombu's filesystem transport, messages as files under var/.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Without it kombu writes its exchange table to ./control in the working directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_BROKER_DIR / 'results'}"
    # The transport and the file result backend need their folders before the first message.
    for _folder in ("queue", "processed", "results", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_EXPIRES = 3600
# A task is acknowledged only once it has run, so a worker killed mid-task leaves it queued.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# The beat schedule is code, reviewed in git; apps add their entries in config/beat.py.
from config.beat import CELERY_BEAT_SCHEDULE, RETENTION_SWEEP_SECONDS  # noqa: E402,F401

CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- FaceGov ---------------------------------------------------------------------------------
# The root of all encryption (template vault). Each environment module decides where it comes from.
FACEGOV_MASTER_KEY = env_str("FACEGOV_MASTER_KEY")
FACEGOV_DEMO_PASSWORD = env_str("FACEGOV_DEMO_PASSWORD", "facegov-demo")
# The demo enrols alice with the shared photos (~13 s of face encoding on the first run). Off
# unless `seed_demo --enrol-faces` (what `make run` does) or the variable asks for it.
FACEGOV_DEMO_ENROL_FACES = env_bool("FACEGOV_DEMO_ENROL_FACES", False)
# The demo visitor pass's template expires this many minutes after `seed_demo` (0: no such demo).
FACEGOV_DEMO_EXPIRY_MINUTES = env_int("FACEGOV_DEMO_EXPIRY_MINUTES", 3)
FACEGOV_FACES_DIR = env_str("FACEGOV_FACES_DIR", str(BASE_DIR.parent / "shared" / "faces"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("FACEGOV_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Deadlines (governance/platform/deadlines.py) ---------------------------------------------
FACEGOV_HOLIDAY_COUNTRY = env_str("FACEGOV_HOLIDAY_COUNTRY", "CN")
FACEGOV_REQUEST_DEADLINE_DAYS = env_int("FACEGOV_REQUEST_DEADLINE_DAYS", 15)
FACEGOV_REQUEST_EXTENSION_DAYS = env_int("FACEGOV_REQUEST_EXTENSION_DAYS", 30)

# --- Jurisdiction packs (governance/compliance/packs/) ---------------------------------------
# The EU member state's age of digital consent (GDPR Art. 8(1): 16, or lower by national law
# but not below 13): below it a guardian consents on EU deployments.
FACEGOV_EU_GUARDIAN_AGE = env_int("FACEGOV_EU_GUARDIAN_AGE", 16)

# --- Shard workers (recognition/shards.py) --------------------------------------------------
# 0: each process searches its own in-memory gallery (make run). N > 0: galleries are held by
# shard workers consuming the queues gallery.shard.0 … gallery.shard.N-1 (make run-scaled);
# web processes hold none.
FACEGOV_GALLERY_SHARDS = env_int("FACEGOV_GALLERY_SHARDS", 0)
# A part that does not answer within this many seconds is sent once more, then refused (503).
FACEGOV_SHARD_TIMEOUT = float(env_str("FACEGOV_SHARD_TIMEOUT", "10"))
# Memory one shard worker may hold in gallery parts; least recently searched parts go first.
FACEGOV_SHARD_MEMORY_MB = env_int("FACEGOV_SHARD_MEMORY_MB", 2048)
# An approximate (FAISS) gallery index is switched on for a deployment only when its recall@1
# against exact search, measured on the deployment's own templates, is at least this.
FACEGOV_APPROX_MIN_RECALL = float(env_str("FACEGOV_APPROX_MIN_RECALL", "0.999"))
# Probes per recall measurement (drawn from the gallery, moved by noise of this norm).
FACEGOV_APPROX_RECALL_PROBES = env_int("FACEGOV_APPROX_RECALL_PROBES", 2000)
FACEGOV_APPROX_RECALL_NOISE = float(env_str("FACEGOV_APPROX_RECALL_NOISE", "0.35"))

# --- Read caches (governance/platform/stamps.py) ---------------------------------------------
# The policy gate's per-deployment facts and the API key lookup are cached under version
# stamps bumped on every change (the next call after a committed change reads the database).
# Off: every call reads the database (benchmarks/api_overhead.py compares both). On by default
# only with a cache every process shares (Redis): a bump in one process's private memory
# (make run's LocMemCache) would not reach the others, which could then serve a suspended
# deployment or changed rules for up to the values' lifetime.
FACEGOV_STAMPED_CACHE = env_bool("FACEGOV_STAMPED_CACHE", bool(env_str("REDIS_URL")))

# --- Retention (governance/services/retention.py) --------------------------------------------
# Items destroyed and certified per transaction (one deletion certificate per batch).
FACEGOV_RETENTION_BATCH_SIZE = env_int("FACEGOV_RETENTION_BATCH_SIZE", 5000)
# Edge devices (recognition/services/devices.py): how long a device may keep recognising on its
# last signed operating permit without reaching the platform; how far a signed request's clock
# may be from ours (and how long its nonce is remembered); how long a device has to
# acknowledge an order before it is overdue (an alert, and overdue retention).
FACEGOV_EDGE_PERMIT_SECONDS = env_int("FACEGOV_EDGE_PERMIT_SECONDS", 900)
FACEGOV_EDGE_CLOCK_SKEW_SECONDS = env_int("FACEGOV_EDGE_CLOCK_SKEW_SECONDS", 300)
FACEGOV_EDGE_ORDER_DEADLINE_SECONDS = env_int("FACEGOV_EDGE_ORDER_DEADLINE_SECONDS", 3600)
# /metrics (Prometheus) and /healthz?deep=1: scrapers send `Authorization: Bearer <token>`.
# Without a token both refuse, unless FACEGOV_METRICS_OPEN (make run, tests) opens them.
FACEGOV_METRICS_TOKEN = env_str("FACEGOV_METRICS_TOKEN")

# --- Complaints and tips (complaints/) --------------------------------------------------------
# Argon2id cost of a tip receipt's hash: aim 0.2–1 s per check (benchmarks/tip_receipts.py).
FACEGOV_TIP_ARGON2_TIME_COST = env_int("FACEGOV_TIP_ARGON2_TIME_COST", 2)
FACEGOV_TIP_ARGON2_MEMORY_KIB = env_int("FACEGOV_TIP_ARGON2_MEMORY_KIB", 64 * 1024)
FACEGOV_TIP_ARGON2_PARALLELISM = env_int("FACEGOV_TIP_ARGON2_PARALLELISM", 1)
# How many leading digits of a receipt its keyed lookup index covers (complaints/receipts.py).
FACEGOV_TIP_RECEIPT_INDEX_DIGITS = env_int("FACEGOV_TIP_RECEIPT_INDEX_DIGITS", 8)
# A wrong receipt answers only after this delay, doubled per recent failure of the same client
# up to the maximum (seconds); the `tip_receipt` throttle below caps attempts as well.
FACEGOV_TIP_RECEIPT_FAIL_DELAY = float(env_str("FACEGOV_TIP_RECEIPT_FAIL_DELAY", "1.0"))
FACEGOV_TIP_RECEIPT_FAIL_DELAY_MAX = float(env_str("FACEGOV_TIP_RECEIPT_FAIL_DELAY_MAX", "8.0"))
# Every tip submitted, from all clients together (DRF rate syntax): a flood cannot bury the
# regulator's inbox. Per-client rates are the throttle scopes below.
FACEGOV_TIP_GLOBAL_RATE = env_str("FACEGOV_TIP_GLOBAL_RATE", "500/hour")
# Throttle scopes of the complaint channel (DRF ScopedRateThrottle), merged into the rates
# the rest of the platform sets. Receipt attempts are per client, failures or not.
COMPLAINT_THROTTLE_RATES = {
    "tip_submit": env_str("FACEGOV_TIP_SUBMIT_RATE", "10/hour"),
    "tip_receipt": env_str("FACEGOV_TIP_RECEIPT_RATE", "20/hour"),
    "complaint_submit": env_str("FACEGOV_COMPLAINT_SUBMIT_RATE", "20/hour"),
}
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
    **COMPLAINT_THROTTLE_RATES,
}
# --- Investigations (complaints/services/investigations.py) -----------------------------------
# How long the enterprise may answer the preliminary findings before a decision (days).
FACEGOV_HEARING_PERIOD_DAYS = env_int("FACEGOV_HEARING_PERIOD_DAYS", 10)
# How long the legal holds an investigation places keep data from the retention sweep (days).
FACEGOV_INVESTIGATION_HOLD_DAYS = env_int("FACEGOV_INVESTIGATION_HOLD_DAYS", 730)
# --- end of complaints and tips ---------------------------------------------------------------


# --- Signed ledger heads (governance/platform/ledger_heads.py; issue 9, tamper-evident ledgers)
# Every chain's new head is signed after commit and appended here, outside the database: an
# append-only JSON-lines file on one machine; at scale a location the database's writers
# cannot rewrite (shared or object storage), with a HeadPublisher class written for it.
FACEGOV_LEDGER_HEADS_PATH = env_str("FACEGOV_LEDGER_HEADS_PATH",
                                    str(VAR_DIR / "ledger-heads.jsonl"))
FACEGOV_LEDGER_HEADS_PUBLISHER = env_str(
    "FACEGOV_LEDGER_HEADS_PUBLISHER", "governance.platform.ledger_heads.FileHeadPublisher")
# verify_ledger fails when a chain's newest entries have waited longer than this for their
# signed head (the beat catch-up publishes missed heads every 30 s).
FACEGOV_LEDGER_HEAD_MAX_LAG_SECONDS = env_int("FACEGOV_LEDGER_HEAD_MAX_LAG_SECONDS", 300)
# --- end of signed ledger heads ---------------------------------------------------------------



# --- Liveness (recognition/services/liveness.py) ----------------------------------------------
# Frames of one answer are checked from their headers before any is decoded: bytes and pixels
# per frame, and pixels per answer (60 frames of 1280x720 fit; 60 of 1920x1080 do not).
FACEGOV_LIVENESS_MAX_FRAME_BYTES = env_int("FACEGOV_LIVENESS_MAX_FRAME_BYTES", 1024 * 1024)
FACEGOV_LIVENESS_MAX_FRAME_PIXELS = env_int("FACEGOV_LIVENESS_MAX_FRAME_PIXELS", 1920 * 1080)
FACEGOV_LIVENESS_MAX_ANSWER_PIXELS = env_int("FACEGOV_LIVENESS_MAX_ANSWER_PIXELS", 60_000_000)
# Challenges per API key and per client device (X-Device-Id) in a sliding window. A busy gate
# camera (one key, no device id) asks once per person; a phone asks for its one person.
FACEGOV_LIVENESS_WINDOW_SECONDS = env_int("FACEGOV_LIVENESS_WINDOW_SECONDS", 600)
FACEGOV_LIVENESS_CHALLENGES_PER_KEY = env_int("FACEGOV_LIVENESS_CHALLENGES_PER_KEY", 120)
FACEGOV_LIVENESS_CHALLENGES_PER_DEVICE = env_int("FACEGOV_LIVENESS_CHALLENGES_PER_DEVICE", 5)
FACEGOV_METRICS_OPEN = env_bool("FACEGOV_METRICS_OPEN", False)

# --- Sign-in: lockout (django-axes) and two-factor (django-otp) ------------------------------
# Wrong passwords for one username from one address lock that pair out (429) after
# AXES_FAILURE_LIMIT; the wait doubles with every further round of failures
# (governance/lockout.py). Per pair, so that nobody can lock a person out from elsewhere;
# the `login` throttle bounds guessing across usernames from one address.
AXES_FAILURE_LIMIT = env_int("FACEGOV_LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "governance.lockout.lockout_cool_off"
AXES_LOCKOUT_CALLABLE = "governance.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
FACEGOV_LOCKOUT_BASE_MINUTES = env_int("FACEGOV_LOCKOUT_BASE_MINUTES", 5)
FACEGOV_LOCKOUT_MAX_HOURS = env_int("FACEGOV_LOCKOUT_MAX_HOURS", 24)
# Two-factor sign-in (TOTP + backup codes) is open to everyone; when this is on, regulators,
# enterprise admins and superusers must enrol before doing anything else.
FACEGOV_REQUIRE_2FA = env_bool("FACEGOV_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "FaceGov"

# --- Browser policies: Content-Security-Policy (django-csp) and Permissions-Policy ----------
# No inline script or style anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Powerful browser features are off on every page; a view opts in with
# config.middleware.permissions_policy (the camera, on the try-it and liveness pages).
PERMISSIONS_POLICY = {
    "camera": [], "microphone": [], "geolocation": [], "payment": [], "usb": [],
    "display-capture": [], "fullscreen": ["self"],
}

# Industry self-regulation (issue 12): the member credit grade, modelled on China's tax credit
# rating (纳税信用管理办法: start at 100 points, deduct per finding, A ≥ 90, B 70–89, C 40–69,
# D < 40, serious breaches straight to D, new entrants "M"; see README "Industry credit").
FACEGOV_CREDIT = {
    "start": 100,
    "deduct": {
        "major_nonconformity": 10,
        "minor_nonconformity": 3,
        "observation": 1,
        "overdue_action_per_month": 2,
        "penalty": 20,
    },
    # A grade's lower bound, best first; below the last is D.
    "bands": [["A", 90], ["B", 70], ["C", 40]],
    "lapse_months": 36,
    # The next audit is due this many months after the last one, by grade.
    "audit_interval_months": {"A": 24, "B": 12, "C": 6, "D": 3, "M": 6},
    # Days a member has to correct a finding, by severity.
    "action_days": {"major_nonconformity": 30, "minor_nonconformity": 60, "observation": 90},
    # How long a credit certificate is valid (days).
    "certificate_days": 90,
}
