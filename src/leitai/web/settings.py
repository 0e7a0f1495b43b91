"""Django settings of the leitai web application.

Everything that differs between installations comes from the environment
(``docs/deploy.md`` has the full table); :func:`leitai.web.server.serve` fills in
the part that ``leitai serve`` decides:

- ``LEITAI_DATA_DIR``: where the SQLite database, the secret key, uploads and the
  collected static files live (default ``./leitai-data``);
- ``DATABASE_URL``: a PostgreSQL (or other) database instead of SQLite;
- ``REDIS_URL``: the shared cache (and the task queue's broker) of several processes;
- ``LEITAI_SECRET_KEY``: the secret key, else read from ``DATA_DIR/secret_key``; one of
  the two is required (see :func:`_secret_key`);
- ``LEITAI_DEBUG=1``: development mode;
- ``LEITAI_ALLOWED_HOSTS``, ``LEITAI_CSRF_TRUSTED_ORIGINS``: comma-separated;
- ``LEITAI_TRUSTED_PROXIES``: how many reverse proxies stand in front (client
  addresses are read from ``X-Forwarded-For`` only that far);
- ``LEITAI_HTTPS=1`` and its parts ``LEITAI_SECURE_COOKIES``, ``LEITAI_HSTS_SECONDS``,
  ``LEITAI_SSL_REDIRECT``, ``LEITAI_PROXY_SSL_HEADER``;
- ``LEITAI_STATIC_MANIFEST=1``: serve collected, hashed and compressed static files;
- ``LEITAI_WEBAUTHN_RP_ID``, ``LEITAI_WEBAUTHN_ORIGINS``: the domain passkeys belong to
  and the addresses they are used at (default: the host the browser asked for).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
# The test suite (pytest sets PYTEST_VERSION) and development may run without a key.
_UNDER_TEST = "PYTEST_VERSION" in os.environ


def _data_dir() -> Path:
    """``LEITAI_DATA_DIR``, else ``./leitai-data``; in the test suite, else a new empty
    folder of the process's own (removed when it ends): the README runs the demo server
    (which leaves ./leitai-data with its key and its audit head) and then the tests in the
    same folder, and the tests must not read that installation's files."""
    if os.environ.get("LEITAI_DATA_DIR"):
        return Path(os.environ["LEITAI_DATA_DIR"]).resolve()
    if _UNDER_TEST:
        folder = Path(tempfile.mkdtemp(prefix="leitai-test-data-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return folder
    return Path("leitai-data").resolve()


DATA_DIR = _data_dir()


# -- deployment: values from the environment ---------------------------------------------


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")


def _env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_flag("LEITAI_DEBUG")
# A fixed, visibly insecure key for development and tests only: never a random key per
# process, which would make each of several processes reject the others' sessions.
_DEVELOPMENT_KEY = "django-insecure-leitai-development-key-never-use-in-production"


def _secret_key() -> str:
    """The secret key: ``LEITAI_SECRET_KEY``, else the key file of the data directory.

    ``leitai serve`` writes the key file (mode 0600) on first start; several processes
    or hosts share one key through ``LEITAI_SECRET_KEY`` (or the same file). Outside
    development and the test suite a missing key stops the process instead of being
    replaced by a random one.
    """
    key = os.environ.get("LEITAI_SECRET_KEY", "").strip()
    if key:
        return key
    try:
        key = (DATA_DIR / "secret_key").read_text(encoding="utf-8").strip()
    except OSError:
        key = ""
    if key:
        return key
    if DEBUG or _UNDER_TEST:
        return _DEVELOPMENT_KEY
    raise ImproperlyConfigured(
        "No secret key: set LEITAI_SECRET_KEY (the same on every process and host) or "
        f"start `leitai serve` once to create {DATA_DIR / 'secret_key'}."
    )


SECRET_KEY = _secret_key()
# Never "*": a host name that is not listed is refused (Django's Host header check).
ALLOWED_HOSTS = _env_list("LEITAI_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("LEITAI_ALLOWED_HOSTS must name the hosts; '*' is refused.")
CSRF_TRUSTED_ORIGINS = _env_list("LEITAI_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "leitai.web.refusals.csrf_failure"
# Reverse proxies in front of the application whose X-Forwarded-For entries are
# believed (leitai.web.clientip); 0 means the peer address is the client.
LEITAI_TRUSTED_PROXIES = _env_int("LEITAI_TRUSTED_PROXIES", 0)

# HTTPS: LEITAI_HTTPS=1 turns on every part; each part can be set on its own.
_HTTPS = _env_flag("LEITAI_HTTPS")
_SECURE_COOKIES = _env_flag("LEITAI_SECURE_COOKIES", _HTTPS)
SESSION_COOKIE_SECURE = _SECURE_COOKIES
CSRF_COOKIE_SECURE = _SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = _SECURE_COOKIES
SECURE_HSTS_SECONDS = _env_int("LEITAI_HSTS_SECONDS", 31_536_000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("LEITAI_HSTS_INCLUDE_SUBDOMAINS", _HTTPS)
SECURE_HSTS_PRELOAD = _env_flag("LEITAI_HSTS_PRELOAD", _HTTPS)
SECURE_SSL_REDIRECT = _env_flag("LEITAI_SSL_REDIRECT", _HTTPS)
# Load balancers probe the health check over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if _env_flag("LEITAI_PROXY_SSL_HEADER", _HTTPS and LEITAI_TRUSTED_PROXIES > 0):
    # Only behind a proxy that sets (and overwrites) X-Forwarded-Proto itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "leitai.web.accounts",
    "leitai.web.assessments",
    "leitai.web.boards",
    "leitai.web.targets",
    "leitai.web.arena",
    "leitai.web.analysis",
    "leitai.web.workflow",
    "leitai.web.notices",
    "leitai.web.audit",
    "leitai.web.reminders",
    "leitai.web.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    # Second factors (issue 18): TOTP apps and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # CAS single sign-on (its tickets of logged-in sessions, for the server's single logout).
    "django_cas_ng",
    # Passkeys and security keys (WebAuthn) as a second factor beside the app.
    "django_otp_webauthn",
]

MIDDLEWARE = [
    "leitai.web.middleware.ServerTimingMiddleware",
    # HEAD is answered as GET without the body, whatever the view's allowed methods.
    "leitai.web.middleware.HeadAsGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "leitai.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "leitai.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag of the body and 304 for answers without their own validators (the API).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "leitai.web.audit.middleware.IntegrityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout, session lifetime, forced password change and the second factor.
    "leitai.web.accounts.middleware.AccountRulesMiddleware",
    # A 405 in words: a page for a browser, JSON in the reader's language for the API.
    "leitai.web.refusals.MethodPageMiddleware",
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

# -- databases and the shared cache -----------------------------------------------------

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
            "NAME": str(DATA_DIR / "leitai.sqlite3"),
            "OPTIONS": {
                # WAL lets the boards be read while the office writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    # One cache for every process and host (Django's Redis backend needs ``redis``).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on; answers nothing unless LEITAI_OIDC_ISSUER is set.
    "leitai.web.accounts.oidc.LeitaiOIDCBackend",
    # Single sign-on through CAS; answers nothing unless LEITAI_CAS_SERVER_URL is set.
    "leitai.web.accounts.cas.LeitaiCASBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Length and character classes, and no reuse of the last N, as the office's security
# page sets them (the site settings; 等保 defaults: 8 characters, 3 of 4 classes, 5).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "leitai.web.accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "leitai.web.accounts.passwords.HistoryValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "boards:home"
LOGOUT_REDIRECT_URL = "boards:home"

# Login throttling (django-axes): a lock per account whatever the address, and a
# higher one per address whatever the account (leitai.web.accounts.throttle). The
# address is the client's as told by trusted proxies only (leitai.web.clientip).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "leitai.web.accounts.throttle.failure_limit"
LEITAI_LOGIN_ACCOUNT_LIMIT = _env_int("LEITAI_LOGIN_ACCOUNT_LIMIT", 5, minimum=1)
LEITAI_LOGIN_ADDRESS_LIMIT = _env_int("LEITAI_LOGIN_ADDRESS_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("LEITAI_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_CLIENT_IP_CALLABLE = "leitai.web.clientip.client_ip"
# A success must not wipe the failures that other addresses piled up on the account
# (with the two parameters above a reset would delete both sets): they age out instead.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# The session cookie lasts at most a day; the office's idle timeout and session lifetime
# (site settings, leitai.web.accounts.middleware) end a session sooner.
SESSION_COOKIE_AGE = 24 * 3600
SESSION_COOKIE_HTTPONLY = True
# Second factors: the issuer named in authenticator apps.
OTP_TOTP_ISSUER = os.environ.get("LEITAI_OTP_ISSUER", "leitai")
# Passkeys (django-otp-webauthn, leitai.web.accounts.passkeys): only as the second factor
# after the password, never instead of it. The relying party is the host the browser
# asked for (checked against ALLOWED_HOSTS) unless LEITAI_WEBAUTHN_RP_ID names the domain
# (then LEITAI_WEBAUTHN_ORIGINS, comma-separated, the addresses people open).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "leitai.web.accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "leitai.web.accounts.passkeys.rp_id"
LEITAI_WEBAUTHN_RP_ID = os.environ.get("LEITAI_WEBAUTHN_RP_ID", "")
OTP_WEBAUTHN_ALLOWED_ORIGINS = _env_list("LEITAI_WEBAUTHN_ORIGINS")
if not OTP_WEBAUTHN_ALLOWED_ORIGINS:
    # No fixed list: PasskeyHelper accepts the request's own origin (its host is one of
    # ALLOWED_HOSTS), so the package's "no allowed origins" check does not apply.
    SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
OTP_WEBAUTHN_RP_NAME = os.environ.get("LEITAI_WEBAUTHN_RP_NAME", "leitai")

# Single sign-on (OpenID Connect, mozilla-django-oidc; leitai.web.accounts.oidc): on when
# LEITAI_OIDC_ISSUER is set. Endpoints come from the issuer's discovery document unless
# given. Claims map to a role (LEITAI_OIDC_ROLE_CLAIM, values through
# LEITAI_OIDC_ROLE_MAP "value=role,..."), a reporter's unit (LEITAI_OIDC_UNIT_CLAIM: a
# unit code), a data provider's department (LEITAI_OIDC_DEPARTMENT_CLAIM: a department
# code) and the 审核人 flag (LEITAI_OIDC_APPROVER_CLAIM); claims that map to no role, or a
# reporter or provider without a known unit or department, are refused
# (leitai.web.accounts.sso, the one mapping of OIDC and CAS). Local accounts keep working.
LEITAI_OIDC_ISSUER = os.environ.get("LEITAI_OIDC_ISSUER", "").strip().rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("LEITAI_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("LEITAI_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("LEITAI_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("LEITAI_OIDC_SCOPES", "openid profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
LEITAI_OIDC_USERNAME_CLAIM = os.environ.get("LEITAI_OIDC_USERNAME_CLAIM", "preferred_username")
LEITAI_OIDC_ROLE_CLAIM = os.environ.get("LEITAI_OIDC_ROLE_CLAIM", "leitai_role")
LEITAI_OIDC_ROLE_MAP = os.environ.get(
    "LEITAI_OIDC_ROLE_MAP", "office=office,reporter=reporter,viewer=viewer,provider=provider"
)
LEITAI_OIDC_UNIT_CLAIM = os.environ.get("LEITAI_OIDC_UNIT_CLAIM", "leitai_unit")
LEITAI_OIDC_DEPARTMENT_CLAIM = os.environ.get("LEITAI_OIDC_DEPARTMENT_CLAIM", "leitai_department")
LEITAI_OIDC_APPROVER_CLAIM = os.environ.get("LEITAI_OIDC_APPROVER_CLAIM", "leitai_approver")
for _name in (
    "OP_AUTHORIZATION_ENDPOINT",
    "OP_TOKEN_ENDPOINT",
    "OP_USER_ENDPOINT",
    "OP_JWKS_ENDPOINT",
):
    if os.environ.get(f"LEITAI_OIDC_{_name}"):
        globals()[f"OIDC_{_name}"] = os.environ[f"LEITAI_OIDC_{_name}"]

# Single sign-on through a CAS server (django-cas-ng; leitai.web.accounts.cas): on when
# LEITAI_CAS_SERVER_URL is set (the address before /login, e.g. https://ids.example/cas).
# LEITAI_CAS_VERSION 3 validates at /p3/serviceValidate, 2 at /serviceValidate; the
# attributes of the answer map to roles, units, departments and the 审核人 flag by the
# same rules as the OIDC claims, under attribute names that default to the claims'
# (LEITAI_CAS_ROLE_ATTRIBUTE, LEITAI_CAS_ROLE_MAP, LEITAI_CAS_UNIT_ATTRIBUTE,
# LEITAI_CAS_DEPARTMENT_ATTRIBUTE, LEITAI_CAS_APPROVER_ATTRIBUTE). The CAS user name
# (cas:user) is the account's subject and its login name.
_cas_server = os.environ.get("LEITAI_CAS_SERVER_URL", "").strip().rstrip("/")
# The names people know the platforms by (山东通, 爱山东...), shown on the login page's
# buttons ("通过山东通登录"); unset, the buttons name the protocol's kind of platform.
LEITAI_OIDC_LABEL = os.environ.get("LEITAI_OIDC_LABEL", "").strip()[:40]
LEITAI_CAS_LABEL = os.environ.get("LEITAI_CAS_LABEL", "").strip()[:40]
# python-cas joins "login" and "p3/serviceValidate" to it: it ends with a slash.
CAS_SERVER_URL = f"{_cas_server}/" if _cas_server else None
CAS_VERSION = os.environ.get("LEITAI_CAS_VERSION", "3").strip()
CAS_REDIRECT_URL = "boards:home"
CAS_IGNORE_REFERER = True
CAS_CREATE_USER = False
CAS_RETRY_LOGIN = False
# The package's own greetings are not in leitai's catalogue: none.
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
# python-cas asks the server without a time limit; this session has one.
LEITAI_CAS_TIMEOUT = 10


def _cas_session() -> Any:
    from leitai.web.accounts.cas import TimeoutSession

    return TimeoutSession()


CAS_SESSION_FACTORY = _cas_session
CAS_ROOT_PROXIED_AS = os.environ.get("LEITAI_CAS_SERVICE_ROOT", "").strip() or None
LEITAI_CAS_ROLE_ATTRIBUTE = os.environ.get("LEITAI_CAS_ROLE_ATTRIBUTE", LEITAI_OIDC_ROLE_CLAIM)
LEITAI_CAS_ROLE_MAP = os.environ.get("LEITAI_CAS_ROLE_MAP", LEITAI_OIDC_ROLE_MAP)
LEITAI_CAS_UNIT_ATTRIBUTE = os.environ.get("LEITAI_CAS_UNIT_ATTRIBUTE", LEITAI_OIDC_UNIT_CLAIM)
LEITAI_CAS_DEPARTMENT_ATTRIBUTE = os.environ.get(
    "LEITAI_CAS_DEPARTMENT_ATTRIBUTE", LEITAI_OIDC_DEPARTMENT_CLAIM
)
LEITAI_CAS_APPROVER_ATTRIBUTE = os.environ.get(
    "LEITAI_CAS_APPROVER_ATTRIBUTE", LEITAI_OIDC_APPROVER_CLAIM
)
LEITAI_CAS_NAME_ATTRIBUTE = os.environ.get("LEITAI_CAS_NAME_ATTRIBUTE", "name")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent on every answer by leitai.web.middleware.ContentSecurityPolicyMiddleware. No
# inline script anywhere (charts read their data from json_script blocks); inline
# style attributes remain (bar widths computed in templates), hence 'unsafe-inline'
# for styles only.
LEITAI_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Published boards: seconds a browser or proxy may reuse them before asking again
# (always with If-None-Match / If-Modified-Since, answered 304 when nothing changed).
LEITAI_CACHE_MAX_AGE = _env_int("LEITAI_CACHE_MAX_AGE", 0)
# Seconds a visitor's published page, drawn once, is kept to be served again (checked
# against its seal and its results' seals each time; 0: draw every page every time).
LEITAI_PAGE_STORE_SECONDS = _env_int("LEITAI_PAGE_STORE_SECONDS", 600)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# One catalogue for every word (issue 14): src/leitai/locale.
LOCALE_PATHS = [BASE_DIR.parent / "locale"]
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
# A form's fields: a unit's figures take three per indicator (value, target,
# explanation), so Django's 1,000 would refuse the form of a scheme of 334 indicators.
# The body stays bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
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
    # A 403 or 404 is logged in one line; 5xx errors keep their tracebacks.
    "filters": {
        "client_errors": {"()": "leitai.web.logfilters.ClientErrorWithoutTraceback"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["client_errors"]}},
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
# Seconds a job waits at each progress step: only for fault-injection tests (a worker
# killed half way through a run); 0, no wait, everywhere else.
LEITAI_TASKS_PACE = float(os.environ.get("LEITAI_TASKS_PACE", "0"))
INSTALLED_APPS += ["django_tasks", "leitai.web.tasks.apps.QueueDatabaseConfig", "leitai.web.tasks"]
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


# E-mail (reminders): Django's SMTP backend with the settings from the environment.
# ``EMAIL_HOST`` unset: mails are written to the console (development).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_flag("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_flag("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "leitai@localhost")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# The address people open links in e-mails and group robots at, e.g. https://kaohe.example.cn
LEITAI_BASE_URL = os.environ.get("LEITAI_BASE_URL", "").rstrip("/")
# Seconds between reminder ticks of a worker, and the first pause before a retry (doubling).
LEITAI_REMINDERS_EVERY = float(os.environ.get("LEITAI_REMINDERS_EVERY", "60"))
LEITAI_REMINDERS_BACKOFF = float(os.environ.get("LEITAI_REMINDERS_BACKOFF", "60"))
# Where group robots may post: a host name (HTTPS only, the default port) or a whole origin
# ("https://robots.gov.example:8443", or "http://..." for a gateway inside the network).
LEITAI_ROBOT_HOSTS = _env_list(
    "LEITAI_ROBOT_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com,open.feishu.cn"
)
