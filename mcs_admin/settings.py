"""Settings, read from the environment (django-environ).

With nothing set the project runs in production mode (DEBUG off), which needs a SECRET_KEY of its
own; `DEBUG=true` (the Makefile's development targets set it) runs it in development mode on
SQLite in the checkout. `DATABASE_URL=postgres://…` switches to PostgreSQL (psycopg 3).
"""

from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# Known to everyone who reads this file: development only, refused in production.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-known-to-everyone-who-reads-the-code"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY if DEBUG else environ.Env.NOTSET)
# Production refuses a key that is short, of a few characters or a known development key: the
# rule of Django's `check --deploy` (security.W009) and this file's key, made fatal at startup.
if not DEBUG and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a secret of at least 50 characters (5 or more of them different) with"
        " DEBUG off, never a development key: make one with"
        " `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A worker keeps its connection for this many seconds instead of opening one per request, and
# checks it is still alive before a request uses it again (a restarted database, a failover).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every app host (a table of the database unless CACHE_URL names Redis): it holds only
# what can be computed again, such as the compliance dashboard's figures.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://mcs_cache")}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="mcs-support@localhost")
# The address the system's e-mail links to (reminders, incident reports).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Password of the demo logins made by `seed_demo` (DEBUG only); it must pass the validators below.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="mcs-demo-2026")

INSTALLED_APPS = [
    "mcs_admin.sites.McsAdminSiteConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "mcs_admin",
    "facilities",
    "pledges",
    "groups",
    "consents",
    "devices",
    "office",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mcs_admin.cache_control.NoStoreMiddleware",  # outside the others: their answers too
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mcs_admin.sessions.SessionTouchMiddleware",  # after it: its answer is handled first
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mcs_admin.error_pages.MethodNotAllowedPage",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mcs_admin.login_flow.LoginFlowMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "office.policy.AccessMiddleware",
    "office.access_audit.AccessLogMiddleware",
]

ROOT_URLCONF = "mcs_admin.urls"
WSGI_APPLICATION = "mcs_admin.wsgi.application"

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
                "office.context_processors.role",
                "office.context_processors.notices",
            ],
            # one way to write a date on every page: |shown_date, |shown_datetime
            "builtins": ["mcs_admin.templatetags.dates"],
        },
    },
]

AUTH_USER_MODEL = "mcs_admin.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before any check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no anonymous object permissions: anonymous sees only the login page

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# 第11条 and DESIGN §2: 12+ characters, letters and digits mixed, not common, not like the name.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "mcs_admin.validators.LettersAndDigitsValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese"))]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads are served only through permission-checking views: no URL pattern serves MEDIA_URL
# and the web server must not map it (Django needs a value for its storage API).
MEDIA_URL = "media/"
# With more than one app host, uploads go to an S3-compatible bucket (django-storages) that
# every host shares; the credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or
# the host's role), as boto3 reads them. Either way the files' URLs lead to the view that
# checks permission (mcs_admin.uploads).
STORAGES = {
    "default": {"BACKEND": "mcs_admin.uploads.ProtectedStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
UPLOADS_S3_BUCKET = env("UPLOADS_S3_BUCKET", default="")
if UPLOADS_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "mcs_admin.uploads.ProtectedS3Storage",
        "OPTIONS": {
            "bucket_name": UPLOADS_S3_BUCKET,
            "endpoint_url": env("UPLOADS_S3_ENDPOINT_URL", default=None),
            "region_name": env("UPLOADS_S3_REGION", default=None),
        },
    }

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"
SIMPLE_HISTORY_REVERT_DISABLED = True  # history is evidence: read it, never roll it back
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Spreadsheet imports run in one transaction per file; the admin log is replaced by the model
# history and the access log (mcs_admin/sheet_admin.py).
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

# --- Security (issue 8, SECURITY.md): logins, sessions, headers, logs, backups ---------------

# Two factors for every login (django-otp: TOTP or a recovery code), the issuer the
# authenticator app shows.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="MCS administration office")
RECOVERY_CODE_COUNT = 10

# Guessing: 5 failures for one login from one address lock that pair, not the address alone
# (the staff of a clinic behind one address do not lock each other out) and not the login
# alone (an attacker elsewhere cannot lock a user out).
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mcs_admin.login_flow.locked_out"
AXES_CLIENT_IP_CALLABLE = "mcs_admin.client_ip.client_ip"
# What axes records of a failed login, with control characters made visible (issue 16).
AXES_HANDLER = "mcs_admin.login_flow.AxesHandler"
AXES_USERNAME_CALLABLE = "mcs_admin.login_flow.axes_username"
AXES_DISABLE_ACCESS_LOG = True  # logins go to the project's own access log
AXES_ENABLE_ADMIN = False  # attempts expire by themselves after the cool-off
# Behind a reverse proxy, the request header that carries the client's address, as Django
# names it (e.g. HTTP_X_REAL_IP); the proxy must overwrite it. Empty: the connection's address.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")

# Sessions end after 30 minutes idle (a request moves the expiry, on the server, writing the
# session at most once a minute unless it changed: mcs_admin.sessions.SessionTouchMiddleware)
# and 12 hours after the login at most (mcs_admin.login_flow).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 60 * 60  # an e-mailed reset link works for one hour
# Every answer to a reset request takes this long, whether a mail was sent or not (longer than
# sending one takes; mcs_admin.account_views.PasswordReset).
PASSWORD_RESET_SECONDS = env.float("PASSWORD_RESET_SECONDS", default=2.0)

# Production (DEBUG off) is served over TLS only, behind a reverse proxy that sets
# X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # the admin's widgets set a few inline styles
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# How long each kind of record and log is kept (docs/security.md, "Retention"); the backup
# command keeps BACKUP_GENERATIONS generations.
RETENTION = {
    "access_log_years": env.int("RETENTION_ACCESS_LOG_YEARS", default=5),
    "history_years": env.int("RETENTION_HISTORY_YEARS", default=5),
    "records_after_end_years": env.int("RETENTION_RECORDS_YEARS", default=5),
    "consent_after_end_years": env.int("RETENTION_CONSENT_YEARS", default=5),
}
BACKUP_GENERATIONS = env.int("BACKUP_GENERATIONS", default=7)

# Backups (docs/operations.md "Backups", SECURITY.md): each generation is sealed with age to
# BACKUP_RECIPIENT, a public key whose private half is kept off the server, and its manifest is
# signed with BACKUP_SIGNING_KEY, the path of an Ed25519 key file (OpenSSH format) that only the
# server holds. With DEBUG on they default to the development pair of docs/dev-backup-key/,
# which is published: with DEBUG off there is no default, and `backup` refuses that pair.
DEV_BACKUP_KEYS = BASE_DIR / "docs" / "dev-backup-key"
DEV_BACKUP_RECIPIENT = "age1my8xlpc5acwmacykg0zleayev7chvnres7sea3qqftawqwyh3ddq80zh8x"
BACKUP_RECIPIENT = env("BACKUP_RECIPIENT", default=DEV_BACKUP_RECIPIENT if DEBUG else "")
BACKUP_SIGNING_KEY = env(
    "BACKUP_SIGNING_KEY", default=str(DEV_BACKUP_KEYS / "backup-signing") if DEBUG else ""
)
# Signing on the screen (docs/security.md "Sealed PDFs"): a signed consent or pledge is sealed
# as a PAdES PDF with the association's key and certificate (PEM files; the key may carry
# SIGNING_KEY_PASSPHRASE). With DEBUG on they default to the development pair of
# docs/dev-signing-key/, which is published: with DEBUG off there is no default, sealing refuses
# that pair and `check --deploy` reports it. SIGNING_TSA_URL, when set, adds a timestamp from
# that RFC 3161 authority (PAdES B-T instead of B-B).
DEV_SIGNING_KEYS = BASE_DIR / "docs" / "dev-signing-key"
SIGNING_KEY_FILE = env(
    "SIGNING_KEY_FILE", default=str(DEV_SIGNING_KEYS / "signing-key.pem") if DEBUG else ""
)
SIGNING_CERT_FILE = env(
    "SIGNING_CERT_FILE", default=str(DEV_SIGNING_KEYS / "signing-cert.pem") if DEBUG else ""
)
SIGNING_KEY_PASSPHRASE = env("SIGNING_KEY_PASSPHRASE", default="")
SIGNING_TSA_URL = env("SIGNING_TSA_URL", default="")
# The commands that own tables (restore; later the access log's partitions) connect as the
# database's owner: DATABASE_OWNER_URL when set, else (None) as the application, DATABASE_URL.
DATABASE_OWNER = env.db("DATABASE_OWNER_URL") if env("DATABASE_OWNER_URL", default="") else None
# Who is mailed when a backup fails (django's mail_admins): "Name <address>, address".
ADMINS = [(name, address) for name, address in getaddresses([env("ADMINS", default="")]) if address]
# ADMINS receive the backups' failures only: Django's report of a server error, which it mails
# them with DEBUG off, carries the request's form data (personal data); it goes to the log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO"}},
}
