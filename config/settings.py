"""Django settings for avgflow.

Everything that differs between a laptop, CI and production comes from environment variables
through the typed helpers in ``config.env``; the defaults are the embedded set-up (SQLite, local
files, e-mail written to ``var/mail``). ``DEBUG`` is off unless asked for, and then
``SECRET_KEY`` must be given.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("AVGFLOW_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (set SECRET_KEY or SECRET_KEY_FILE)."
        )
    # only reachable with DEBUG on (a laptop); production refuses to start without a key
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "viewflow",
    "viewflow.workflow",
    "anymail",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "accounts",
    "django_ratelimit",
    "organisations",
    "requests_flow",
    "notifications",
    "records",
    "reports",
]

VIEWFLOW = {"AUTOREGISTER": False}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last, as django-axes asks: it turns a lockout into the lockout page
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Form fields are drawn with Django's own Jinja2 copies of its form templates: the same markup,
# about three times faster than through the template engine (a public form has some 35 fields;
# measured for issue 9). Our page templates stay Django templates.
FORM_RENDERER = "django.forms.renderers.Jinja2"

# Database: SQLite file when DATABASE_URL is unset, anything dj-database-url understands otherwise.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_PREPARED_STATEMENTS", True
    ):
        # PostgreSQL parses and plans a statement once per connection instead of every time:
        # psycopg prepares it after five uses (its default threshold), which needs server-side
        # binding. It took about a third of PostgreSQL's CPU off a public form submission
        # (docs/intake-performance.md). Off behind a pooler in transaction mode that cannot
        # keep prepared statements (PgBouncer before 1.21).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "avgflow.sqlite3",
            # a web process and the sweep share the file: see STACK-FACTS.md (Databases)
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_bool("CACHE_REDIS", False):
    CACHES = {"default": {"BACKEND": "config.cache.SharedClientRedisCache", "LOCATION": REDIS_URL}}

# Per-client-address rate limits of the public pages (django-ratelimit), counted in the
# "ratelimit" cache: Redis when CACHE_REDIS is on (needed with several web processes), local
# memory of the one process otherwise. RATE_LIMIT_ENABLED=false switches them off, for a
# benchmark on 127.0.0.1 only. The client address is read from X-Forwarded-For behind
# TRUSTED_PROXY_COUNT proxies of our own (config.client_ip).
CACHES["ratelimit"] = (
    {**CACHES["default"], "KEY_PREFIX": "ratelimit"}
    if env_bool("CACHE_REDIS", False)
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_ENABLE = env_bool("RATE_LIMIT_ENABLED", True)
RATELIMIT_IP_META_KEY = "config.client_ip.client_ip"  # TRUSTED_PROXY_COUNT: see below
RATE_LIMIT_INTAKE = env_str("RATE_LIMIT_INTAKE", "20/h")  # form submissions per address
RATE_LIMIT_STATUS = env_str("RATE_LIMIT_STATUS", "120/h")  # status-page requests per address
RATE_LIMIT_NEW_LINK = env_str("RATE_LIMIT_NEW_LINK", "10/h")  # "send me a new link" posts
# django-ratelimit knows Django's own Redis cache only as "not officially supported" (it is
# atomic), and calls local memory "not shared": true, and fine for the one embedded process.
RATELIMIT_SILENCED_CHECKS = ["django_ratelimit.W001"]
if not env_bool("CACHE_REDIS", False):
    RATELIMIT_SILENCED_CHECKS.append("django_ratelimit.E003")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "officer:inbox"
LOGOUT_REDIRECT_URL = "login"

# Dutch first, English second (LEGAL.md 5.6). Dates count in Europe/Amsterdam (LEGAL.md 1.1).
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "config.staticfiles.AppDirectoriesFinder",  # without viewflow's frontend: see the module
]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # documents are served only through checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not env_bool("STATIC_MANIFEST", True)

# E-mail: written to var/mail by default; anymail or SMTP in production.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "avgflow <noreply@avgflow.localhost>")
# Every ANYMAIL_* variable becomes a key of anymail's settings dict (ANYMAIL_MAILGUN_API_KEY ->
# ANYMAIL["MAILGUN_API_KEY"]), so any provider anymail supports is configured without code.
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_") and not key.endswith("_FILE")
}
# The inbound and tracking webhooks' basic-auth secret ("user:password"). anymail only warns
# without it and then accepts any POST (STACK-FACTS.md, E-mail), so it is required unless DEBUG.
ANYMAIL["WEBHOOK_SECRET"] = env_str("ANYMAIL_WEBHOOK_SECRET", "")
if not ANYMAIL["WEBHOOK_SECRET"]:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ANYMAIL_WEBHOOK_SECRET (or ANYMAIL_WEBHOOK_SECRET_FILE) is required when DEBUG is "
            "off: it protects the inbound e-mail and delivery tracking webhooks."
        )
    # DEBUG only: a known placeholder so `make run` needs no secret
    ANYMAIL["WEBHOOK_SECRET"] = "debug:insecure-development-webhook-secret"  # noqa: S105  # nosec B105
# Officers get at most one digest of new tasks per this many minutes.
OFFICER_DIGEST_MINUTES = env_int("OFFICER_DIGEST_MINUTES", 60)
# A message claimed for sending this long ago and never finished becomes an officer's check.
OUTBOX_STUCK_MINUTES = env_int("OUTBOX_STUCK_MINUTES", 15)

# Background work: "sweep" (the embedded default: `manage.py run_sweeps` sends and fires timers),
# or "celery" (workers and beat on Redis, see README).
BACKGROUND_MODE = env_str("BACKGROUND_MODE", "sweep")
if BACKGROUND_MODE not in {"sweep", "celery"}:
    raise ImproperlyConfigured("BACKGROUND_MODE must be 'sweep' or 'celery'.")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # kombu's own, with one Redis client per channel instead of one per command
    CELERY_BROKER_TRANSPORT = "config.kombu_redis:Transport"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE

# How long the links we send stay valid (days).
EMAIL_CONFIRMATION_DAYS = env_int("EMAIL_CONFIRMATION_DAYS", 7)
DOWNLOAD_LINK_DAYS = env_int("DOWNLOAD_LINK_DAYS", 30)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# A PDF may not inflate to more than this (a decompression bomb), an image not exceed this many
# pixels (requests_flow.uploads).
UPLOAD_MAX_EXPANDED_BYTES = env_int("UPLOAD_MAX_EXPANDED_BYTES", 20 * UPLOAD_MAX_BYTES)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 80_000_000)
# The requester's status page: how long the link in the e-mail works (days).
STATUS_LINK_DAYS = env_int("STATUS_LINK_DAYS", 30)

# Masked ID copies (LEGAL.md 2.2): encrypted at rest in their own directory, each with a key of
# its own that is stored wrapped by ID_COPY_KEYS (comma-separated Fernet keys; the first
# encrypts, all decrypt, so a key can be rotated). Without ID_COPY_KEYS the wrapping key is
# derived from SECRET_KEY. A copy that somehow survives its identity check is deleted by the
# periodic sweep after ID_COPY_MAX_AGE_DAYS.
ID_COPY_KEYS = [k.strip() for k in (env_str("ID_COPY_KEYS") or "").split(",") if k.strip()]
ID_COPY_DIR = env_str("ID_COPY_DIR")  # default: <MEDIA_ROOT>/id-copies
ID_COPY_MAX_AGE_DAYS = env_int("ID_COPY_MAX_AGE_DAYS", 5)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# Cookies and transport security: strict by default, relaxed only for local DEBUG.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Idle timeout: the session is saved (and its expiry moved) on every request, so it ends after
# this much inactivity. A password change ends every other session of the user: Django keeps a
# hash of the password in the session and drops sessions whose hash no longer matches.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS: redirect plain HTTP and send HSTS, except for a local DEBUG run. Behind a reverse proxy
# that terminates TLS, SECURE_PROXY_SSL_HEADER names the header the proxy sets (for example
# HTTP_X_FORWARDED_PROTO); the proxy must overwrite that header, never pass a client's on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# a load balancer's plain-HTTP health probe is answered, not redirected (STACK-FACTS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp 4): no scripts at all, styles and images only from our own
# static files, no inline code or style attributes, no framing, forms post only to us.
_SELF = "'self'"
_NONE = "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_NONE],
        "script-src": [_NONE],
        "style-src": [_SELF],
        "img-src": [_SELF],
        "font-src": [_SELF],
        "connect-src": [_NONE],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
        "base-uri": [_NONE],
        "object-src": [_NONE],
    },
}

# Staff login: a password, then a second factor (TOTP, or a one-time recovery code) before any
# officer page (accounts app). django-axes counts failed passwords and, through the accounts
# app, failed codes: LOGIN_FAILURE_LIMIT failures lock the account for LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "avgflow")
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
# The account is locked, wherever the attempts come from (an attacker changes addresses).
# Not also per address: the staff of a gemeente share one office NAT address, and one person's
# typos (or one attacker) would lock all of them out. axes.W006 asks for the address and is
# silenced for that reason; per-address limits belong in the reverse proxy (docs/production.md).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006", *RATELIMIT_SILENCED_CHECKS]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
# A correct password must not wipe the count of wrong codes that follow it: the accounts app
# resets the count only after the second factor too has succeeded.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False  # no start-up banner on every manage.py command
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp_token"]
# Behind reverse proxies the client address is read from X-Forwarded-For, counting this many
# trusted proxies from the right (config.client_ip); 0 uses the connection's own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
# Demo staff (make run's seed_demo) may skip the second factor, but only while DEBUG is on.
DEMO_STAFF_GROUP = "demo-staff"

# /healthz: the last round of the periodic work must be younger than this.
HEALTHZ_SWEEP_MAX_AGE_SECONDS = env_int("HEALTHZ_SWEEP_MAX_AGE_SECONDS", 300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # every successful login at INFO is noise; failures and lockouts are WARNING
        "axes": {"level": "WARNING"},
    },
}
# Celery beat (production): the same periodic work as `manage.py run_sweeps`. Run beat OR the
# sweep command, never both: two timer dispatchers double-start timer processes.
CELERY_BEAT_SCHEDULE = {
    "periodic-work": {
        "task": "notifications.tasks.periodic_work",
        "schedule": env_int("SWEEP_INTERVAL_SECONDS", 5),
    },
    # LEGAL.md 6.2: closed dossiers past their retention term are proposed for destruction once
    # a day; an authorised person approves each run before anything is destroyed
    "propose-destruction": {
        "task": "records.tasks.propose_destruction",
        "schedule": crontab(hour=3, minute=30),
    },
}
