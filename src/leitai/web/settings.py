"""Django settings of the leitai web application.

Everything that differs between installations comes from the environment, which
:func:`leitai.web.server.serve` fills in before Django starts:

- ``LEITAI_DATA_DIR``: where the SQLite database, the secret key, uploads and the
  collected static files live (default ``./leitai-data``);
- ``DATABASE_URL``: a PostgreSQL (or other) database instead of SQLite;
- ``LEITAI_SECRET_KEY``: the secret key (otherwise read from ``DATA_DIR/secret_key``);
- ``LEITAI_DEBUG=1``: development mode;
- ``LEITAI_ALLOWED_HOSTS``: comma-separated host names;
- ``LEITAI_STATIC_MANIFEST=1``: serve collected, hashed and compressed static files.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LEITAI_DATA_DIR", "leitai-data")).resolve()


def _secret_key() -> str:
    key = os.environ.get("LEITAI_SECRET_KEY")
    if key:
        return key
    try:
        return (DATA_DIR / "secret_key").read_text(encoding="utf-8").strip()
    except OSError:
        # Tests and one-off management commands: sessions do not outlive the process.
        return secrets.token_urlsafe(50)


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("LEITAI_DEBUG") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LEITAI_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(
        ","
    )
    if h.strip()
]

INSTALLED_APPS = [
    "leitai.web.accounts",
    "leitai.web.assessments",
    "leitai.web.boards",
    "leitai.web.targets",
    "leitai.web.arena",
    "leitai.web.analysis",
    "leitai.web.workflow",
    "leitai.web.audit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
]

MIDDLEWARE = [
    "leitai.web.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "leitai.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leitai.web.urls"
WSGI_APPLICATION = "leitai.web.wsgi.application"

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
                "leitai.web.context_processors.leitai",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=600, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "leitai.sqlite3",
            "OPTIONS": {
                # WAL lets the boards be read while the office writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "boards:home"
LOGOUT_REDIRECT_URL = "boards:home"

# Lockout after repeated failures, per user name and address (django-axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR.parent / "locale"]
TIME_ZONE = os.environ.get("LEITAI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
_MANIFEST = os.environ.get("LEITAI_STATIC_MANIFEST") == "1"
# Collected (by ``leitai serve``) only for the hashed, compressed files of production.
STATIC_ROOT = DATA_DIR / "static" if _MANIFEST else None
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded workbooks and objection attachments. No URL serves this folder: files go out
# only through the workflow's views, which check who is asking (there is no MEDIA_URL).
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collected files (tests, development) WhiteNoise serves from the apps directly.
WHITENOISE_USE_FINDERS = not _MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

LEITAI_SITE_NAME = _("Leitai performance assessment")

# -- Long work: the task queue (leitai.web.tasks; docs/tasks.md) ---------------------------
# ``LEITAI_TASKS_BACKEND``: ``database`` (the default, django-tasks-db: the jobs wait in the
# database, one machine), ``redis`` (django-tasks-rq: RQ on ``REDIS_URL``, workers on any
# host) or ``immediate`` (run in the request itself: the test suite only). ``REDIS_URL``
# alone chooses ``redis``.
LEITAI_TASKS_BACKEND = os.environ.get(
    "LEITAI_TASKS_BACKEND", "redis" if os.environ.get("REDIS_URL") else "database"
).strip()
# One queue name per installation, so that installations sharing a Redis never take each
# other's jobs.
LEITAI_TASKS_QUEUE = os.environ.get("LEITAI_TASKS_QUEUE", "leitai").strip() or "leitai"
# A running job whose worker has not renewed its lease for this long is given to another.
LEITAI_TASKS_LEASE = float(os.environ.get("LEITAI_TASKS_LEASE", "60"))
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "leitai.web.tasks"]
if LEITAI_TASKS_BACKEND == "redis":
    import importlib.util

    if importlib.util.find_spec("django_tasks_rq") is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "A queue in Redis (REDIS_URL, LEITAI_TASKS_BACKEND=redis) needs "
            "pip install 'leitai[redis]'"
        )
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {
        LEITAI_TASKS_QUEUE: {
            "URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            # Jobs are bounded by their own limits and leases, not RQ's 3-minute default.
            "DEFAULT_TIMEOUT": 6 * 3600,
        }
    }
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if LEITAI_TASKS_BACKEND not in _TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"LEITAI_TASKS_BACKEND={LEITAI_TASKS_BACKEND!r}: expected one of {', '.join(_TASK_BACKENDS)}"
    )
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[LEITAI_TASKS_BACKEND],
        "QUEUES": [LEITAI_TASKS_QUEUE],
    }
}
