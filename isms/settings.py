"""Settings of the ISMS manager: one module, every value from the environment.

The embedded default (no variables set but DEBUG and SECRET_KEY) runs on SQLite with a
file-system Celery broker, so `make demo` works on a bare machine. Production sets
DATABASE_URL, CELERY_BROKER_URL and REDIS_URL; nothing else differs. See the
configuration table in README.md.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from isms.env import env, envbool, envint, envintmap, envlist

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("ISMS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", required=not DEBUG) or "insecure-development-key-only-for-debug"
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Environment variable SECRET_KEY must be at least 50 characters.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_NAME = env("SITE_NAME", "ISMS Manager")
ORGANISATION_NAME = env("ORGANISATION_NAME", "Example Ltd")
# Approvers needed per approvable type (model name, e.g. soa, policyversion,
# methodologyversion): "soa=2,policyversion=1"; unlisted types need one.
APPROVAL_QUORUM = envintmap("APPROVAL_QUORUM", "soa=2")
# Months between periodic reviews of the approved SoA and risk methodology.
SOA_REVIEW_MONTHS = envint("SOA_REVIEW_MONTHS", 12)
METHODOLOGY_REVIEW_MONTHS = envint("METHODOLOGY_REVIEW_MONTHS", 12)
MANAGEMENT_REVIEW_INTERVAL_MONTHS = envint("MANAGEMENT_REVIEW_INTERVAL_MONTHS", 12)  # issue 13
# The classification printed on every page of the SoA downloads.
SOA_CLASSIFICATION = env("SOA_CLASSIFICATION", "Confidential")
# The address people reach the site at, for links in e-mails.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "isms",
    "assets",
    "risks",
    "assets.continuity",  # issue 15: BIA, recovery objectives, continuity plans
    "risks.incidents",  # issue 15: incident register
    "isms.assurance",
    "assets.suppliers",  # issue 15: supplier register and supplier assessments
    "isms.context",  # issue 14: context, parties, objectives, measures
    "isms.audits",  # issue 13: clauses 4-10, internal audit, NCs, management review
    "isms.people",  # issue 14: people, competence, awareness
    "isms.sso",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    # Security hardening (issue 9, docs/security.md): lockout, two-factor, offline API docs.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "isms.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "isms.middleware.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "isms.middleware.SessionTimeoutMiddleware",
    "isms.middleware.AuditContextMiddleware",
    "isms.middleware.LoginRequiredMiddleware",
    "isms.security_log.SecurityEventsMiddleware",
    "isms.twofactor.middleware.TwoFactorMiddleware",
    "isms.reauth.AdminReauthMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "isms.urls"
WSGI_APPLICATION = "isms.wsgi.application"
ASGI_APPLICATION = "isms.asgi.application"
AUTH_USER_MODEL = "isms.User"

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
                "isms.context_processors.site",
                "isms.sso.context_processors.sso",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------
_default_db = f"sqlite:///{VAR_DIR / 'isms.sqlite3'}"
_database_url = env("DATABASE_URL", _default_db)
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"Environment variable DATABASE_URL is malformed: {exc}") from None
if DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    raise ImproperlyConfigured(
        "Environment variable DATABASE_URL must be sqlite:// or postgres://."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web process read while the embedded worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ----------------------------------------------------------------------------
# Embedded default: kombu's file-system transport, so the demo's worker runs as a real
# separate process without a broker server. Production: CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = str(VAR_DIR / "celery" / "queue")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    for _folder in (_queue_dir, CELERY_BROKER_TRANSPORT_OPTIONS["control_folder"]):
        Path(_folder).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task whose worker died unacknowledged is delivered again after this many seconds.
    # Kombu looks for such tasks every `unacked_restore_interval` seconds but scans only
    # on every `unacked_restore_throttle`-th look (defaults 10 and 10: up to 100 s late).
    # One worker scans at a time, under a lock in Redis; a worker killed while holding it
    # stops every scan until the lock expires (`unacked_mutex_expire`, kombu's 300 s).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600),
        "unacked_restore_interval": envint("CELERY_UNACKED_RESTORE_INTERVAL", 10),
        "unacked_restore_throttle": envint("CELERY_UNACKED_RESTORE_THROTTLE", 10),
        "unacked_mutex_expire": envint("CELERY_UNACKED_MUTEX_EXPIRE", 300),
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Installations (or test runs) that share one Redis keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "assurance-daily": {"task": "isms.assurance.tasks.assurance_daily", "schedule": 24 * 60 * 60.0},
    "heartbeat": {"task": "isms.tasks.heartbeat", "schedule": 300.0},
    "aws-sync-due-accounts": {"task": "assets.tasks.aws_sync_due_accounts", "schedule": 60.0},
    "aws-sync-due-organizations": {
        "task": "assets.tasks.aws_sync_due_organizations",
        "schedule": 300.0,
    },
    "aws-sync-reap-stale-runs": {
        "task": "assets.tasks.aws_sync_reap_stale_runs",
        "schedule": 300.0,
    },
    "context-measures-daily": {
        "task": "isms.context.tasks.measures_compute_daily",
        "schedule": 3600.0 * 24,
    },
    "people-certification-reminders-daily": {
        "task": "isms.people.tasks.certification_reminders_daily",
        "schedule": 3600.0 * 24,
    },
    "governance-reviews-daily": {
        "task": "isms.governance.tasks.reviews_daily",
        "schedule": 24 * 60 * 60.0,
    },
    "risks-acceptances-expire-daily": {
        "task": "risks.tasks.acceptances_expire",
        "schedule": 24 * 60 * 60.0,
    },
    "suppliers-certifications-remind-daily": {
        "task": "assets.suppliers.tasks.certifications_remind",
        "schedule": 24 * 60 * 60.0,
    },
    "suppliers-assessments-expire-daily": {
        "task": "assets.suppliers.tasks.assessments_expire",
        "schedule": 24 * 60 * 60.0,
    },
    "findings-unmute-expired-daily": {
        "task": "assets.findings.tasks.findings_unmute_expired",
        "schedule": 24 * 60 * 60.0,
    },
}

# --- AWS -------------------------------------------------------------------------------
# Passed to every boto3 client; points at a local fake AWS (moto) in the demo and tests.
AWS_ENDPOINT_URL = env("AWS_ENDPOINT_URL")
# The AWS connector (assets/aws/, docs/aws.md): botocore retries per call (standard
# mode), detail calls in parallel per partition, page size of list calls (unset: AWS's
# default), and how long a sync run may show no progress before the reaper fails it.
AWS_MAX_ATTEMPTS = envint("AWS_MAX_ATTEMPTS", 8)
AWS_SYNC_THREADS = envint("AWS_SYNC_THREADS", 8)
AWS_CONNECT_TIMEOUT = envint("AWS_CONNECT_TIMEOUT", 10)
AWS_READ_TIMEOUT = envint("AWS_READ_TIMEOUT", 60)
AWS_PAGE_SIZE = envint("AWS_PAGE_SIZE", 0) or None
AWS_SYNC_STALE_AFTER = envint("AWS_SYNC_STALE_AFTER", 30 * 60)
# At most this many partitions of one account collected at once (against throttling);
# 0: no limit (every partition queued at once).
AWS_SYNC_ACCOUNT_CONCURRENCY = envint("AWS_SYNC_ACCOUNT_CONCURRENCY", 0)
# The AWS principal the workers run as, written into the role template's trust policy.
AWS_TRUSTED_PRINCIPAL = env("AWS_TRUSTED_PRINCIPAL", "")

# --- Authentication and sessions --------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "isms.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
]
LOGIN_URL = "login"
# django-axes watches every authenticate() call (web form, admin, re-authentication)
# and locks out a (username, IP) pair after LOGIN_FAILURE_LIMIT failures for
# LOGIN_COOLOFF_MINUTES; see docs/security.md.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "isms.auth_backends.ModelBackend",  # Django's, plus the sidebar's unread count
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_CLIENT_IP_CALLABLE = "isms.security_log.client_ip"
AXES_VERBOSE = False
# Password spraying: failures from one IP summed over every username (isms.lockout).
AXES_HANDLER = "isms.lockout.LockoutHandler"
LOGIN_IP_FAILURE_LIMIT = envint("LOGIN_IP_FAILURE_LIMIT", 20)
# Failed API token attempts per IP before that IP's token calls get 429 for the window.
TOKEN_FAILURE_LIMIT = envint("TOKEN_FAILURE_LIMIT", 20)
TOKEN_FAILURE_WINDOW = envint("TOKEN_FAILURE_WINDOW", 15 * 60)
# Personal API tokens expire: after API_TOKEN_DEFAULT_DAYS when the user names no date,
# and never later than API_TOKEN_MAX_DAYS after creation.
API_TOKEN_DEFAULT_DAYS = envint("API_TOKEN_DEFAULT_DAYS", 90)
API_TOKEN_MAX_DAYS = envint("API_TOKEN_MAX_DAYS", 365)
# Two-factor authentication (isms/twofactor/): roles that must enrol before anything
# else; "management" (the Management group), "admin" (superusers), "security_manager",
# "auditor" or "all". Empty: nobody is forced (the demo).
REQUIRE_2FA_FOR = envlist("REQUIRE_2FA_FOR", "management,admin")
if not set(REQUIRE_2FA_FOR) <= {"management", "admin", "security_manager", "auditor", "all"}:
    raise ImproperlyConfigured(
        "Environment variable REQUIRE_2FA_FOR must list management, admin, "
        "security_manager, auditor or all (comma-separated), or be empty."
    )
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", SITE_NAME)
# Re-authentication (isms/reauth.py): how long a password confirmation lasts.
REAUTH_MAX_AGE = envint("REAUTH_MAX_AGE", 5 * 60)
REAUTH_ADMIN_MAX_AGE = envint("REAUTH_ADMIN_MAX_AGE", 30 * 60)
# How long a one-time confirmation code (SSO users' re-authentication for the API) lasts.
REAUTH_CODE_MAX_AGE = envint("REAUTH_CODE_MAX_AGE", 5 * 60)
LOGIN_REDIRECT_URL = "dashboard"

# Single sign-on with OpenID Connect (isms/sso/, docs/sso.md): off without OIDC_ISSUER.
OIDC_ISSUER = env("OIDC_ISSUER", "")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = env("OIDC_SCOPES", "openid email profile groups")
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_EMAIL_CLAIM = env("OIDC_EMAIL_CLAIM", "email")
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", "groups")
SSO_ROLE_SECURITY_MANAGER = envlist("SSO_ROLE_SECURITY_MANAGER")
SSO_ROLE_MANAGEMENT = envlist("SSO_ROLE_MANAGEMENT")
SSO_ROLE_AUDITOR = envlist("SSO_ROLE_AUDITOR")
SSO_CREATE_USERS = envbool("SSO_CREATE_USERS", False)
SSO_MFA_AMR = envlist("SSO_MFA_AMR", "mfa,otp,hwk,swk,fido")
SSO_TIMEOUT = envint("SSO_TIMEOUT", 5)
# SAML 2.0 (isms/sso/saml.py, docs/sso.md): off without IdP metadata (a file or a URL).
SAML_IDP_METADATA_FILE = env("SAML_IDP_METADATA_FILE", "")
SAML_IDP_METADATA_URL = env("SAML_IDP_METADATA_URL", "")
SAML_IDP_ENTITY_ID = env("SAML_IDP_ENTITY_ID", "")
SAML_SP_ENTITY_ID = env("SAML_SP_ENTITY_ID", f"{SITE_URL.rstrip('/')}/sso/saml/metadata/")
SAML_SP_KEY_FILE = env("SAML_SP_KEY_FILE", "")
SAML_SP_CERT_FILE = env("SAML_SP_CERT_FILE", "")
SAML_USERNAME_ATTRIBUTE = env("SAML_USERNAME_ATTRIBUTE", "")
SAML_EMAIL_ATTRIBUTE = env("SAML_EMAIL_ATTRIBUTE", "email")
SAML_GROUPS_ATTRIBUTE = env("SAML_GROUPS_ATTRIBUTE", "groups")
SAML_MFA_CONTEXTS = envlist(
    "SAML_MFA_CONTEXTS",
    "http://schemas.microsoft.com/claims/multipleauthn,https://refeds.org/profile/mfa,"
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract,"
    "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
)
SAML_METADATA_CACHE = envint("SAML_METADATA_CACHE", 60 * 60)
SAML_XMLSEC1 = env("SAML_XMLSEC1", "")
# "all": every user may still sign in with a password; "superusers": only break-glass
# administrators may (everyone else signs in through the identity provider).
SSO_LOCAL_LOGIN = env("SSO_LOCAL_LOGIN", "all")
if SSO_LOCAL_LOGIN not in ("all", "superusers"):
    raise ImproperlyConfigured("Environment variable SSO_LOCAL_LOGIN must be all or superusers.")
LOGOUT_REDIRECT_URL = "login"

# HTTPS is on unless DEBUG; behind a TLS-terminating proxy that sets X-Forwarded-Proto.
HTTPS = envbool("HTTPS", not DEBUG)
SESSION_COOKIE_AGE = envint("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = envint("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_REDIRECT_EXEMPT = SECURE_SSL_REDIRECT_EXEMPT
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The shipped languages (docs/languages.md); catalogues in locale/<code>/LC_MESSAGES.
LANGUAGES = [("en-gb", "English"), ("fr", "Français"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads (isms/uploads.py): size limit, and downloads per user per window.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_MB", 10) * 1024 * 1024
DOWNLOAD_RATE_LIMIT = envint("DOWNLOAD_RATE_LIMIT", 60)
# Imports (isms/importing.py): what one uploaded table or document may hold, whatever it
# declares; beyond a bound the import is refused with a message (docs/security.md).
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", 100)
IMPORT_MAX_CELLS = envint("IMPORT_MAX_CELLS", 1_000_000)
IMPORT_MAX_CELL_CHARS = envint("IMPORT_MAX_CELL_CHARS", 32_767)  # Excel's own cell limit
IMPORT_MAX_UNZIPPED_BYTES = envint("IMPORT_MAX_UNZIPPED_MB", 50) * 1024 * 1024
IMPORT_MAX_DEPTH = envint("IMPORT_MAX_DEPTH", 32)
IMPORT_MAX_NODES = envint("IMPORT_MAX_NODES", 1_000_000)
IMPORT_MAX_SECONDS = envint("IMPORT_MAX_SECONDS", 20)
DOWNLOAD_RATE_WINDOW = envint("DOWNLOAD_RATE_WINDOW", 60)
# Requests per IP to the public supplier assessment link pages (docs/suppliers.md).
SUPPLIER_LINK_RATE_LIMIT = envint("SUPPLIER_LINK_RATE_LIMIT", 30)
SUPPLIER_LINK_RATE_WINDOW = envint("SUPPLIER_LINK_RATE_WINDOW", 10 * 60)
# Days between two reminders of an overdue control test (docs/control-assurance.md).
CONTROL_TEST_REMINDER_DAYS = envint("CONTROL_TEST_REMINDER_DAYS", 7)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail -----------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    # No SMTP server configured: mails are written as files under var/mail.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "isms@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST framework ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "isms.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["isms.api.permissions.RolePermissions"],
    "DEFAULT_PAGINATION_CLASS": "isms.api.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # drf-spectacular's, plus the error responses every view can give (400/401/403/404).
    "DEFAULT_SCHEMA_CLASS": "isms.api.schema.AutoSchema",
    # Domain errors -> HTTP status and one error shape (docs/api.md).
    "EXCEPTION_HANDLER": "isms.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ISMS Manager API",
    "DESCRIPTION": "Assets, risks, AWS estate, controls and approvals of the ISMS.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the workflow states used by every approvable model and request.
    # One schema name per choice set, so that clients get stable, meaningful enum names.
    "ENUM_NAME_OVERRIDES": {
        "ApprovalStateEnum": "isms.models.approvals.ApprovalState",
        "SecurityNeedEnum": "assets.choices.SecurityNeed",
        "ImplementationStatusEnum": "isms.models.soa.ImplementationStatus",
        "FindingStatusEnum": "assets.models.findings.FindingStatus",
        "ConnectionStatusEnum": "assets.models.aws.ConnectionStatus",
        "SyncStatusEnum": "assets.models.aws.SyncStatus",
        "PartitionStatusEnum": "assets.models.aws.PartitionStatus",
        "RiskStatusEnum": "risks.choices.RiskStatus",
        "ActionStatusEnum": "risks.choices.ActionStatus",
        # issue 14: context and people
        "ContextTreatmentEnum": "isms.context.choices.Treatment",
        "TreatmentOptionEnum": "risks.choices.TreatmentOption",
        "PartyKindEnum": "isms.context.choices.PartyKind",
        "RequirementKindEnum": "isms.context.choices.RequirementKind",
        "MeasureKindEnum": "isms.context.choices.MeasureKind",
        "EvidenceKindEnum": "isms.people.choices.EvidenceKind",
        # issue 22 and issue 15: two kinds of conclusion
        "TestConclusionEnum": "isms.assurance.choices.Conclusion",
        "AssessmentConclusionEnum": "assets.suppliers.choices.Conclusion",
        # issue 13: internal audit
        "AuditConclusionEnum": "isms.audits.models.audits.AuditConclusion",
        "AuditStatusEnum": "isms.audits.models.audits.AuditStatus",
        "NonconformityKindEnum": "isms.audits.models.nonconformities.NonconformityKind",
        "DecisionKindEnum": "isms.audits.models.reviews.DecisionKind",
        "ControlEvidenceKindEnum": "isms.choices.EvidenceKind",
        "PolicyKindEnum": "isms.choices.PolicyKind",
    },
    # Swagger UI and ReDoc from the vendored sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging ----------------------------------------------------------------------------
LOG_FORMAT = env("LOG_FORMAT", "text")
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "isms.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint (SoA PDF) logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pysaml2's schema library (SAML sign-in) logs each schema it loads at INFO.
        "xmlschema": {"level": "WARNING"},
    },
}
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("Environment variable LOG_FORMAT must be text or json.")

FORM_RENDERER = "isms.renderers.FormRenderer"
CSRF_FAILURE_VIEW = "isms.views.core.csrf_failure"
