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
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
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
TIME_ZONE = env_str("FACEGOV_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before collectstatic runs

# Throttle counts must be shared by every web process: Redis at scale, memory on one machine.
CACHES = (
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                 "LOCATION": env_str("REDIS_URL"), "KEY_PREFIX": "facegov"}}
    if env_str("REDIS_URL")
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

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
# The demo enrols alice with the shared photos (~13 s of face encoding on the first run).
FACEGOV_DEMO_ENROL_FACES = env_bool("FACEGOV_DEMO_ENROL_FACES", True)
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

# --- Retention (governance/services/retention.py) --------------------------------------------
# Items destroyed and certified per transaction (one deletion certificate per batch).
FACEGOV_RETENTION_BATCH_SIZE = env_int("FACEGOV_RETENTION_BATCH_SIZE", 5000)
# /metrics (Prometheus) and /healthz?deep=1: scrapers send `Authorization: Bearer <token>`.
# Without a token both refuse, unless FACEGOV_METRICS_OPEN (make run, tests) opens them.
FACEGOV_METRICS_TOKEN = env_str("FACEGOV_METRICS_TOKEN")
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
