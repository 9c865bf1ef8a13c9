"""manabi settings: one module, driven by the environment (django-environ).

Every value comes from an environment variable (or a ``.env`` file at the project root);
see ``.env.example``. A value that cannot be understood stops the start-up with a message
that names the variable, instead of running with a surprising default.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

from manabi.core.converters import ID_SCHEMA

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
_env_file = BASE_DIR / ".env"
if _env_file.is_file():
    environ.Env.read_env(str(_env_file))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(name: str, default: bool) -> bool:
    raw = str(env.str(name, default=str(default))).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true/false, 1/0, yes/no, on/off."
    )


def _int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = str(env.str(name, default=default)).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


# --- deployment -----------------------------------------------------------------------------
# "development" (the default: demo, local work, tests) or "production".
DEPLOYMENT = _choice("MANABI_DEPLOYMENT", "development", ("development", "production"))
PRODUCTION = DEPLOYMENT == "production"
DEBUG = _bool("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be false when MANABI_DEPLOYMENT=production.")
SITE_NAME = env.str("MANABI_SITE_NAME", default="manabi")


def _secret_key() -> str:
    key = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")
        return str(key)
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when MANABI_DEPLOYMENT=production."
        )
    # Development: one random key per checkout, kept in var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required when MANABI_DEPLOYMENT=production."
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "manabi.core",
    "manabi.accounts",
    "manabi.orgs",
    "manabi.people",
    "manabi.imports",
    "manabi.eligibility",
    "manabi.indicators",
    "manabi.records",
    "manabi.dialogue",
    "manabi.training",
    "manabi.classes",
    "manabi.access",
    "manabi.students",
    "manabi.attendance",
    "manabi.grades",
    "manabi.health",
    "manabi.school_diary",
    "manabi.demo",
    "manabi.core.adminsite.ManabiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "manabi.core.middleware.RequestIdMiddleware",
    "manabi.core.middleware.ApiErrorMiddleware",
    "manabi.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "manabi.accounts.middleware.AccountGateMiddleware",
    # Last: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "manabi.urls"
WSGI_APPLICATION = "manabi.wsgi.application"
ASGI_APPLICATION = "manabi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "manabi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "manabi.core.context_processors.site",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
# SQLite in var/ by default; PostgreSQL with DATABASE_URL=postgres://user@host:5432/name.
_default_db = f"sqlite:///{VAR_DIR / 'manabi.sqlite3'}"
try:
    _db: dict[str, Any] = dict(env.db_url("DATABASE_URL", default=_default_db))
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL cannot be understood ({exc}). Use sqlite:////absolute/path.sqlite3 or "
        "postgres://user:password@host:5432/name."
    ) from None
if _db["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ImproperlyConfigured(
        f"DATABASE_URL uses {_db['ENGINE']}; manabi supports SQLite and PostgreSQL only."
    )
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    _db.setdefault("TEST", {"NAME": ":memory:"})
else:
    _db["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 60)
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Account"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Password policy profile (seed 001 第11条 for "tottori"); see manabi/accounts/passwords.py.
PASSWORD_POLICY = _choice("MANABI_PASSWORD_POLICY", "standard", ("standard", "tottori"))
AUTH_PASSWORD_VALIDATORS = [{"NAME": "manabi.accounts.passwords.PolicyValidator"}]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Initial passwords (初期パスワード): one per person (default) or one per school (seed 000 §5).
INITIAL_PASSWORD_MODE = _choice(
    "MANABI_INITIAL_PASSWORD_MODE", "per_person", ("per_person", "per_school")
)
INITIAL_PASSWORD_VALID_DAYS = _int("MANABI_INITIAL_PASSWORD_VALID_DAYS", 30, minimum=1)
# 全国地方公共団体コード of the prefecture this deployment serves: the login-ID prefix.
PREFECTURE_CODE = str(env.str("MANABI_PREFECTURE_CODE", default="" if PRODUCTION else "480002"))
if not PREFECTURE_CODE:
    raise ImproperlyConfigured(
        "MANABI_PREFECTURE_CODE is required when MANABI_DEPLOYMENT=production."
    )
# Fictional prefectures accepted by the code validators outside production: みらい県 (demo).
FICTIONAL_PREFECTURES: dict[str, str] = {} if PRODUCTION else {"48": "みらい県"}


def _check_prefecture_code(code: str) -> None:
    from manabi.core.codes import PREFECTURES, local_government_check_digit

    if not (len(code) == 6 and code.isdigit() and code[2:5] == "000"):
        raise ImproperlyConfigured(
            f"MANABI_PREFECTURE_CODE={code!r} must be a prefecture's 6-digit code (e.g. 120006)."
        )
    if code[:2] not in {**PREFECTURES, **FICTIONAL_PREFECTURES}:
        raise ImproperlyConfigured(f"MANABI_PREFECTURE_CODE={code!r}: unknown prefecture.")
    if local_government_check_digit(code[:5]) != code[5]:
        raise ImproperlyConfigured(f"MANABI_PREFECTURE_CODE={code!r}: wrong check digit.")


_check_prefecture_code(PREFECTURE_CODE)
# Roles whose holders must sign in with a second factor (二段階認証).
MFA_REQUIRED_ROLES = env.list("MANABI_MFA_REQUIRED_ROLES", default=["system_admin", "board"])
EMAIL_CODE_VALID_MINUTES = 10
EMAIL_CODE_MAX_ATTEMPTS = 5

# Login protection (django-axes): one counter per login ID for the web, the API and the admin.
AXES_FAILURE_LIMIT = _int("MANABI_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=_int("MANABI_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "manabi.accounts.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "manabi.accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# Lock-out is per login ID on purpose: a whole school often shares one address (NAT), so
# locking by IP would lock every teacher of the school out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# 研修事業番号 (seed 000 §7): fiscal year + 2-digit local code + 1-digit category + serial.
# Fields: {fiscal_year}, {local_code}, {category_code}, {serial}; see docs/training.md.
TRAINING_NUMBER_PATTERN = env.str(
    "MANABI_TRAINING_NUMBER_PATTERN", default="{fiscal_year}{local_code}{category_code}{serial:03d}"
)
# Local code for organisers of the prefecture itself (seed 000: 30 for prefectural schools).
TRAINING_DEFAULT_LOCAL_CODE = env.str("MANABI_TRAINING_DEFAULT_LOCAL_CODE", default="30")

# --- email ----------------------------------------------------------------------------------
# Development prints mail (first-login codes) in the terminal; production sends with SMTP:
# EMAIL_URL=smtp+tls://user:password@smtp.example.lg.jp:587
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))  # EMAIL_BACKEND, EMAIL_HOST, …
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    if PRODUCTION:
        raise ImproperlyConfigured("EMAIL_URL is required when MANABI_DEPLOYMENT=production.")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="manabi <noreply@localhost>")
# The address people use to reach manabi, printed on credential letters.
SITE_URL = env.str("MANABI_SITE_URL", default="http://127.0.0.1:8000/")

# --- sessions and security ------------------------------------------------------------------
# Idle timeout (sliding) and absolute lifetime of a signed-in session.
SESSION_IDLE_MINUTES = _int("MANABI_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_HOURS = _int("MANABI_SESSION_ABSOLUTE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = _bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = _int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    if _bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy sent on every response (manabi.core.middleware).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "manabi" / "locale"]

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
# collectstatic target in production; development serves from the app directories.
STATIC_ROOT = (
    Path(env.str("MANABI_STATIC_ROOT", default=str(VAR_DIR / "static"))) if PRODUCTION else None
)
STATICFILES_DIRS = [BASE_DIR / "manabi" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env.str("MANABI_MEDIA_ROOT", default=str(VAR_DIR / "media")))

# --- 転出入: the signed handover file --------------------------------------------------------
# The deployment's Ed25519 key (made on first use; default var/handover_ed25519.pem) and the
# fingerprints of other manabi deployments whose handover files this one accepts.
HANDOVER_SIGNING_KEY_FILE = env.str("MANABI_HANDOVER_KEY_FILE", default="")
HANDOVER_TRUSTED_KEYS = [
    k.strip() for k in env.str("MANABI_HANDOVER_TRUSTED_KEYS", default="").split(",") if k.strip()
]

# --- background tasks (django-tasks) --------------------------------------------------------
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[
            _choice("MANABI_TASKS_BACKEND", "database", tuple(_TASK_BACKENDS))
        ]
    }
}
# A running job writes a heartbeat every JOB_HEARTBEAT_SECONDS; one silent for
# JOB_STALE_MINUTES (its worker died) is marked failed by the reaper and can be run again.
# Export files (研修受講履歴の出力) are removed this many days after they were made.
EXPORT_KEEP_DAYS = _int("MANABI_EXPORT_KEEP_DAYS", 7, minimum=1)
# WebAuthn (passkeys) relying party: a host name and an origin; empty = the request's.
WEBAUTHN_RP_ID = env.str("MANABI_WEBAUTHN_RP_ID", default="")
WEBAUTHN_ORIGIN = env.str("MANABI_WEBAUTHN_ORIGIN", default="")
JOB_HEARTBEAT_SECONDS = _int("MANABI_JOB_HEARTBEAT_SECONDS", 10, minimum=1)
JOB_STALE_MINUTES = _int("MANABI_JOB_STALE_MINUTES", 15, minimum=1)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "manabi.core.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "manabi.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "manabi.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "manabi API",
    "DESCRIPTION": "教職員研修と校務のための API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # <id:…> in a URL (manabi.core.converters): a database id of at most 18 digits.
    "PATH_CONVERTER_OVERRIDES": {"id": ID_SCHEMA},
    # Choice sets that several fields share get one name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "RecordCategoryEnum": "manabi.records.choices.RecordCategory",
        "TrainingFormatEnum": "manabi.records.choices.TrainingFormat",
        "ProgrammeKindEnum": "manabi.training.choices.ProgrammeKind",
        "ApiErrorCodeEnum": "manabi.core.api.GENERIC_CODES",
    },
}

# --- logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "manabi.core.middleware.RequestIdLogFilter"},
        "guardian_token": {"()": "manabi.core.middleware.GuardianTokenLogFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "guardian_token"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("MANABI_LOG_LEVEL", default="INFO")},
    # django-axes logs every reset at INFO; lock-outs are also in the audit log.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
