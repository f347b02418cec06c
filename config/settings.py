"""Settings, driven by environment variables with safe development defaults.

Every value that differs between a laptop and production comes from the environment:
DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, ...
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
# Outside development every secret must be set, and none may be a default of this repository
# (config/secrets.py): the process refuses to start otherwise. See docs/operations.md#secrets.
if not DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    from config import secrets as _secrets

    if _problems := _secrets.problems(os.environ):
        raise ImproperlyConfigured("Refusing to start with DJANGO_DEBUG off: " + "; ".join(_problems)
                                   + ". See docs/operations.md (Secrets).")
SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-insecure-secret-key-change-me-in-production")

# Tenants are found by host name: acme.localhost in development, acme.example.com in production.
ALLOWED_HOSTS = [h.strip() for h in env("DJANGO_ALLOWED_HOSTS", ".localhost,localhost,127.0.0.1,testserver,.testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", "http://*.localhost:8000,http://localhost:8000").split(",") if o.strip()]
PLATFORM_DOMAIN = env("COMPTOIR_PLATFORM_DOMAIN", "localhost")

# --- applications ---------------------------------------------------------------------------
# The public schema holds the platform: tenants (organisations), their domains, platform users,
# beat schedules. Every tenant schema holds the business data of one organisation.
SHARED_APPS = [
    "django_tenants",
    "contexts.core.tenancy",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "contexts.core.accounts",
    "django.contrib.sessions",
    "django.contrib.messages",
    "unfold",  # the admin theme: before django.contrib.admin (templates), on every admin site
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django_prometheus",
    "django_celery_beat",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "crm",
    "contexts.finance.billing",
    "config.demo",  # the `demo` command
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "contexts.core.accounts",
    "django.contrib.sessions",
    "django.contrib.messages",
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "rest_framework_simplejwt.token_blacklist",
    "crm",
    "contexts.core",
    "contexts.catalog",
    "contexts.inventory",
    "contexts.commercial",
    "contexts.finance",
    "contexts.engagement",
    "contexts.logistics",
    "contexts.pos",
]
INSTALLED_APPS = list(SHARED_APPS) + [a for a in TENANT_APPS if a not in SHARED_APPS]

# --- back office theme (django-unfold) ----------------------------------------------------------
# The sidebar groups the admin by bounded context; config/admin_ui.py builds it and the
# dashboard from the registered admins (the same for the platform admin on the bare domain).
UNFOLD = {
    "SITE_TITLE": "Comptoir",
    "SITE_HEADER": "Comptoir — back office",
    "SITE_SYMBOL": "storefront",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "config.admin_ui.dashboard_callback",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "config.admin_ui.navigation",
    },
}

TENANT_MODEL = "tenancy.Organisation"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# One `SET search_path` per connection and tenant switch, not one per query. Safe with
# django-tenants 4.0.1, which forgets the cached path on close, rollback and savepoint rollback
# (a SET is transactional in PostgreSQL); tests/kernel/test_search_path.py proves it.
TENANT_LIMIT_SET_CALLS = True
AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "crm.observability.RequestIdMiddleware",
    "crm.i18n.LanguageMiddleware",
    "crm.rest.errors.RejectNulBytesMiddleware",
    "crm.tenant_cache.CachedTenantMiddleware",  # django-tenants' TenantMainMiddleware, lookup cached
    "crm.observability.TenantLogContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "crm.rest.errors.ApiCommonMiddleware",  # Django's, with a JSON 404 for an API write missing its slash
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.audit.AuditRequestMiddleware",
    "crm.rest.errors.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- data stores ----------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/comptoir")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")))
_db["ENGINE"] = "crm.dbbackend"  # django-tenants' backend with the audit buffer
_db.setdefault("TEST", {})["NAME"] = env("DATABASE_TEST_NAME") or None
DATABASES = {"default": _db}
# Report reads on a streaming replica (docs/reports.md): the alias exists only when configured.
REPORTS_REPLICA_URL = env("REPORTS_REPLICA_URL", "")
REPORTS_REPLICA_MAX_LAG = float(env("REPORTS_REPLICA_MAX_LAG", "30"))
REPORTS_REPLICA_CHECK_SECONDS = float(env("REPORTS_REPLICA_CHECK_SECONDS", "5"))
if REPORTS_REPLICA_URL:
    _replica = dj_database_url.parse(REPORTS_REPLICA_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")))
    _replica["ENGINE"] = "crm.dbbackend"
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
# django-tenants wraps this backend, which itself reports query metrics to Prometheus.
ORIGINAL_BACKEND = "django_prometheus.db.backends.postgresql"
DATABASE_ROUTERS = ["contexts.engagement.reporting.replica.ReportsReplicaRouter", "django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", REDIS_URL),
        # Every key carries the tenant's schema: nothing leaks across tenants.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "comptoir"),
    },
    # Keys shared by every tenant and process (crm.tenant_cache's version of the domain table).
    "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "comptoir") + "-shared",
    },
}
# Seconds a process keeps a hostname's tenant (crm.tenant_cache; 0: looked up on every request).
TENANT_CACHE_SECONDS = int(env("TENANT_CACHE_SECONDS", "60"))
# Seconds the storefront keeps a cached catalog page, product, category tree or search
# (contexts/catalog/storefront_cache.py; invalidated after commit by catalog writes; 0: off).
STOREFRONT_CACHE_SECONDS = int(env("STOREFRONT_CACHE_SECONDS", "60"))

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A task is acknowledged when it has run, and given back to the queue when its worker dies
# (every task is idempotent: handled-event records, rows locked and checked before work).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection after every task unless told to reuse
# it: a worker keeps its connection for this many tasks (x2), like a web process keeps its own.
CELERY_DB_REUSE_MAX = int(env("CELERY_DB_REUSE_MAX", "500"))
# No task runs longer than this (hard limit; soft limit 30 s before it)...
CELERY_TASK_TIME_LIMIT = int(env("CELERY_TASK_TIME_LIMIT", "600"))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# ...and Redis hands a task that a killed worker had taken to another worker once it has been
# unacknowledged this long: longer than the longest task and the longest retry countdown (a
# task waiting for its countdown is held unacknowledged too). Checked by tests/kernel/test_worker_loss.py.
CELERY_VISIBILITY_TIMEOUT = int(env("CELERY_VISIBILITY_TIMEOUT", "1800"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker looks for such tasks (interval x throttle seconds).
    "unacked_restore_interval": int(env("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(env("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}
# The event outbox: a sent event whose subscribers neither handled it nor gave up on it this
# long after its send is sent again (longer than a subscriber's whole retry chain); delivered
# outbox rows and handled-event records are deleted after EVENTS_RETENTION_DAYS.
EVENTS_REDELIVER_AFTER_SECONDS = int(env("EVENTS_REDELIVER_AFTER_SECONDS", "2400"))
EVENTS_RETENTION_DAYS = int(env("EVENTS_RETENTION_DAYS", "30"))
# The one table of subscribers (event -> who reacts), registered at start-up.
EVENT_SUBSCRIPTIONS = "config.events.SUBSCRIPTIONS"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULER = "crm.jobs:TenantBeatScheduler"
# Beat reloads the stored schedule (platform admin › Periodic tasks) at least this often.
BEAT_SCHEDULE_RELOAD_SECONDS = int(env("BEAT_SCHEDULE_RELOAD_SECONDS", "300"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # tasks log JSON with request id and tenant too
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "comptoir")
# Extra task modules a worker or beat imports at start (tests: tests.worker_tasks).
CELERY_IMPORTS = [m.strip() for m in env("CELERY_IMPORTS", "").split(",") if m.strip()]

# The admin shows another context's object as a link through that context's api.py, by name
# (crm.adminkit): the admins of the contexts import no other context for it.
ADMIN_LINK_RESOLVERS = {
    "client": "contexts.core.api.client_links",
    "variant": "contexts.catalog.api.variant_links",
}

# --- auth, API ------------------------------------------------------------------------------
AUDITED_APPS = {"accounts", "core", "catalog", "inventory", "commercial", "finance", "engagement", "logistics", "pos"}
# Derives each tenant's key signing the till's fiscal journal. Required outside development
# (config/secrets.py); unset in development, SECRET_KEY is used.
POS_JOURNAL_SECRET = env("POS_JOURNAL_SECRET", "")
# The trail records what people do to business records (staff, roles and keys, clients, catalog,
# orders, issued documents, payments); not what a customer's cart touches nor rows that are
# themselves a history (stock ledger, status changes) or parts of an audited record.
AUDIT_EXCLUDED_MODELS = {"finance.invoicesequence", "commercial.cart", "commercial.cartitem", "inventory.reservation",
                         "inventory.stockmovement", "commercial.orderstatuschange", "commercial.orderline",
                         "finance.invoiceline", "finance.invoicevatline", "finance.allocation",
                         # the till's journal is their trail
                         "pos.ticket", "pos.ticketline", "pos.tender", "pos.journalentry", "pos.journalhead",
                         "pos.managerpin", "pos.closing",
                         # histories of their own, and read models derived from events
                         "logistics.shipmentchange", "logistics.trackingevent", "logistics.dispatchchange",
                         "engagement.notification", "engagement.staffnotification", "engagement.timelineentry",
                         "engagement.clientinvoice", "engagement.clienthealth", "engagement.loyaltyentry",
                         "engagement.salefact", "engagement.documentfact", "engagement.invoicefact", "engagement.paymentfact",
                         "engagement.orderfact", "engagement.clientfact", "engagement.dailysales",
                         "engagement.dailyvariantsales", "engagement.dailydocuments", "engagement.reportjob",
                         # the webhook delivery log is its own history
                         "engagement.webhookdelivery", "engagement.webhookattempt"}
AUTHENTICATION_BACKENDS = ["contexts.core.accounts.lockout.LockoutModelBackend"]
LOGIN_LOCKOUT_ATTEMPTS = int(env("LOGIN_LOCKOUT_ATTEMPTS", "5"))
LOGIN_LOCKOUT_SECONDS = int(env("LOGIN_LOCKOUT_SECONDS", "900"))
# An address with this many failures (any usernames) gets one try per LOGIN_SLOWDOWN_SECONDS.
LOGIN_ADDRESS_FAILURES = int(env("LOGIN_ADDRESS_FAILURES", "20"))
LOGIN_SLOWDOWN_SECONDS = int(env("LOGIN_SLOWDOWN_SECONDS", "5"))
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# none by default: the connection's address is the client's.
TRUSTED_PROXIES = [p.strip() for p in env("COMPTOIR_TRUSTED_PROXIES", "").split(",") if p.strip()]
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=int(env("JWT_ACCESS_MINUTES", "15"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=int(env("JWT_REFRESH_DAYS", "7"))),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # A key of its own (not SECRET_KEY): required outside development.
    "SIGNING_KEY": env("JWT_SIGNING_KEY", "dev-insecure-jwt-signing-key"),
    "AUTH_HEADER_TYPES": ("Bearer",),
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The kernel's authentication classes find API keys and customers through core's api.
COMPTOIR_AUTH_RESOLVERS = {
    "api_key": "contexts.core.api.api_key_principal",
    "customer": "contexts.core.api.customer_principal",
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "crm.rest.authentication.TenantJWTAuthentication",
        "crm.rest.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Staff only, and each action needs the model permission its role grants (view for reads).
    "DEFAULT_PERMISSION_CLASSES": ["crm.rest.permissions.StaffModelPermissions"],
    "DEFAULT_THROTTLE_CLASSES": [
        "crm.rest.throttling.TenantRateThrottle",
        "crm.rest.throttling.PrincipalRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "tenant": env("THROTTLE_TENANT", "3000/min"),
        "principal": env("THROTTLE_USER", "600/min"),
        "anon": env("THROTTLE_ANON", "120/min"),
        "login": env("THROTTLE_LOGIN", "30/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "crm.rest.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "crm.rest.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "crm.rest.parsers.JSONParser",  # a too-deeply nested body is a parse error, not a 500
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Comptoir API",
    "DESCRIPTION": "Back office for shops and online sales: one tenant per host name.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are documented as JSON, the API's format (form encodings cannot carry the
    # types the schema states; the parsers still accept them).
    "PARSER_WHITELIST": ["crm.rest.parsers.JSONParser"],
    # Choice sets shared by several components get one name each (import strings, read lazily).
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "contexts.commercial.models.OrderStatus",
        "PaymentStatusEnum": "contexts.finance.models.PaymentStatus",
        "PaymentMethodEnum": "contexts.finance.models.PaymentMethod",
        "ShipmentStatusEnum": "contexts.logistics.models.ShipmentStatus",
        "DispatchStatusEnum": "contexts.logistics.models.DispatchStatus",
        "DispatchKindEnum": "contexts.logistics.models.DispatchKind",
        "CollectionStatusEnum": "contexts.logistics.models.CollectionStatus",
        "TicketKindEnum": "contexts.pos.models.TicketKind",
        "ClosingKindEnum": "contexts.pos.models.ClosingKind",
        "ShopClosingKindEnum": [("day", "Clôture journalière"), ("month", "Clôture mensuelle"), ("year", "Clôture annuelle")],
        "ActivityKindEnum": "contexts.engagement.models.ActivityKind",
        "GenerationKindEnum": "contexts.catalog.content.models.GenerationKind",
        "GenerationStatusEnum": "contexts.catalog.content.models.GenerationStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "crm.rest.schema.empty_filters_mean_no_filter",
        "crm.rest.schema.error_responses",
    ],
}

# --- i18n, static ----------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]  # the API answers in either (crm/i18n.py)
TIME_ZONE = "Europe/Paris"
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]  # French for the admin theme and our API messages (locale/fr)
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env("STATIC_DIR", "var/static")
STORAGES = {
    # Files under the active tenant's schema prefix; another tenant's are refused (crm.storage).
    "default": {"BACKEND": "crm.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / env("MEDIA_DIR", "var/media")
MEDIA_URL = "/media/"
# Folders of a tenant's media anyone may fetch (/media/<schema>/<folder>/...); the others only
# the tenant's staff.
MEDIA_PUBLIC_FOLDERS = ("catalog",)
WHITENOISE_USE_FINDERS = True

# Stripe: the official library. In development without a key of one's own, the client talks to
# localstripe on loopback (`./dev run` starts it, port LOCALSTRIPE_PORT); STRIPE_API_BASE points
# it at a fake explicitly (tests). Production requires real values (config/secrets.py).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "sk_test_comptoir")
STRIPE_API_BASE = env("STRIPE_API_BASE", "") or (
    f"http://127.0.0.1:{env('LOCALSTRIPE_PORT', '8420')}" if DEBUG and not env("STRIPE_SECRET_KEY") else "")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "whsec_comptoir_dev")
# Card payments left unfinished (3-D Secure, processing, a crash): the reconcile jobs look at
# them after PAYMENT_RECONCILE_AFTER_SECONDS, and cancel them (stock released) after
# PAYMENT_ACTION_TIMEOUT_SECONDS.
PAYMENT_RECONCILE_AFTER_SECONDS = int(env("PAYMENT_RECONCILE_AFTER_SECONDS", "120"))
PAYMENT_ACTION_TIMEOUT_SECONDS = int(env("PAYMENT_ACTION_TIMEOUT_SECONDS", "900"))
STRIPE_WEBHOOK_TOLERANCE = int(env("STRIPE_WEBHOOK_TOLERANCE", "300"))

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Comptoir <no-reply@comptoir.localhost>")
# Staff invitations: the link works once, for this many hours.
INVITATION_TTL_HOURS = int(env("INVITATION_TTL_HOURS", "48"))
# Outgoing webhooks (contexts/engagement/webhooks, docs/webhooks.md). Private, loopback and
# link-local addresses are refused unless WEBHOOKS_ALLOW_PRIVATE (development, tests). Retries:
# BACKOFF x 2^n capped at BACKOFF_MAX, MAX_RETRIES times (60 s ... 6 h: about 26 h in all).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOKS_CONNECT_TIMEOUT = float(env("WEBHOOKS_CONNECT_TIMEOUT", "3"))
WEBHOOKS_READ_TIMEOUT = float(env("WEBHOOKS_READ_TIMEOUT", "10"))
WEBHOOKS_BACKOFF_SECONDS = float(env("WEBHOOKS_BACKOFF_SECONDS", "60"))
WEBHOOKS_BACKOFF_MAX_SECONDS = float(env("WEBHOOKS_BACKOFF_MAX_SECONDS", "21600"))
WEBHOOKS_MAX_RETRIES = int(env("WEBHOOKS_MAX_RETRIES", "12"))
WEBHOOKS_DISABLE_AFTER_FAILURES = int(env("WEBHOOKS_DISABLE_AFTER_FAILURES", "30"))
# A retry due within this many seconds waits in the broker (countdown); a later one is queued by
# the sweep (engagement.sweep_webhooks, every minute), which also frees deliveries left "sending".
WEBHOOKS_COUNTDOWN_MAX_SECONDS = float(env("WEBHOOKS_COUNTDOWN_MAX_SECONDS", "600"))
WEBHOOKS_STUCK_SECONDS = int(env("WEBHOOKS_STUCK_SECONDS", "300"))
# SMS (contexts/engagement/gateways/sms.py): "console" logs them, "http" posts to a provider.
SMS_BACKEND = env("SMS_BACKEND", "console")
SMS_HTTP_URL = env("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", "")
SMS_SENDER = env("SMS_SENDER", "Comptoir")

# --- observability ----------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "crm.observability.LogContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(tenant)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}
PROMETHEUS_EXPORT_MIGRATIONS = False

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("COMPTOIR_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

# Logistics: carriers and the postal provider are called from Celery tasks, behind circuit
# breakers shared through Redis (contexts/logistics/gateways/breaker.py).
LOGISTICS_HTTP_TIMEOUT_SECONDS = float(env("LOGISTICS_HTTP_TIMEOUT_SECONDS", "10"))
LOGISTICS_BREAKER_FAIL_MAX = int(env("LOGISTICS_BREAKER_FAIL_MAX", "5"))
LOGISTICS_BREAKER_RESET_SECONDS = int(env("LOGISTICS_BREAKER_RESET_SECONDS", "60"))
LOGISTICS_TASK_MAX_RETRIES = int(env("LOGISTICS_TASK_MAX_RETRIES", "8"))
LOGISTICS_TASK_BACKOFF_MAX_SECONDS = int(env("LOGISTICS_TASK_BACKOFF_MAX_SECONDS", "900"))
POSTAL_API_BASE = env("POSTAL_API_BASE", "http://127.0.0.1:8431")
POSTAL_API_TOKEN = env("POSTAL_API_TOKEN", "")
# WooCommerce sync (contexts/commercial/channels/woocommerce): the shop's consumer key and
# secret are encrypted at rest with this Fernet key (urlsafe base64 of 32 bytes; generate one
# with `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
# Required outside development (config/secrets.py); unset in development, a key derived from
# SECRET_KEY is used (rotating SECRET_KEY then makes stored credentials unreadable). See docs/woocommerce.md.
WOOCOMMERCE_FERNET_KEY = env("WOOCOMMERCE_FERNET_KEY", "")
WOOCOMMERCE_HTTP_TIMEOUT_SECONDS = float(env("WOOCOMMERCE_HTTP_TIMEOUT_SECONDS", "20"))
WOOCOMMERCE_PER_PAGE = int(env("WOOCOMMERCE_PER_PAGE", "50"))
WOOCOMMERCE_REQUESTS_PER_SECOND = float(env("WOOCOMMERCE_REQUESTS_PER_SECOND", "4"))
WOOCOMMERCE_MAX_RETRY_AFTER_SECONDS = int(env("WOOCOMMERCE_MAX_RETRY_AFTER_SECONDS", "60"))
WOOCOMMERCE_BREAKER_FAIL_MAX = int(env("WOOCOMMERCE_BREAKER_FAIL_MAX", "5"))
WOOCOMMERCE_BREAKER_RESET_SECONDS = int(env("WOOCOMMERCE_BREAKER_RESET_SECONDS", "120"))
WOOCOMMERCE_TASK_MAX_RETRIES = int(env("WOOCOMMERCE_TASK_MAX_RETRIES", "5"))
WOOCOMMERCE_TASK_BACKOFF_MAX_SECONDS = int(env("WOOCOMMERCE_TASK_BACKOFF_MAX_SECONDS", "900"))
# AI content for the catalog (contexts/catalog/content, docs/ai-content.md): the provider's base
# URL, model and key are each tenant's own settings; these bound how it is called.
CATALOG_AI_HTTP_TIMEOUT_SECONDS = float(env("CATALOG_AI_HTTP_TIMEOUT_SECONDS", "60"))
CATALOG_AI_MAX_TOKENS = int(env("CATALOG_AI_MAX_TOKENS", "600"))
CATALOG_AI_BREAKER_FAIL_MAX = int(env("CATALOG_AI_BREAKER_FAIL_MAX", "5"))
CATALOG_AI_BREAKER_RESET_SECONDS = int(env("CATALOG_AI_BREAKER_RESET_SECONDS", "60"))
CATALOG_AI_TASK_MAX_RETRIES = int(env("CATALOG_AI_TASK_MAX_RETRIES", "6"))
CATALOG_AI_TASK_BACKOFF_MAX_SECONDS = int(env("CATALOG_AI_TASK_BACKOFF_MAX_SECONDS", "600"))
# Click and collect: an order not collected this many days after it was ready is cancelled.
COLLECTION_KEEP_DAYS = int(env("COLLECTION_KEEP_DAYS", "10"))
