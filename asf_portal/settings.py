"""Settings for ASF-portalen, read from the environment with safe defaults for development."""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Core. In production (DJANGO_ENV=production) every setting comes from the environment and
# the portal refuses to start without a real secret key and the hosts it answers for.
PRODUCTION = os.environ.get("DJANGO_ENV") == "production"
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"
DEBUG = env_bool("DJANGO_DEBUG", default=False) and not PRODUCTION
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
if PRODUCTION:
    if len(SECRET_KEY) < 50 or SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts the portal serves.")

# Who runs the portal, named in the footer and on the accessibility and privacy pages. Never
# guessed: production refuses to start without it. Development, and `make serve` on loopback
# (PORTAL_OPERATOR_EXAMPLE), show an example that every page marks as one.
OPERATOR_SETTINGS = {
    "name": "PORTAL_OPERATOR_NAME",
    "email": "PORTAL_OPERATOR_EMAIL",
    "address": "PORTAL_OPERATOR_ADDRESS",  # postal
    "data_controller": "PORTAL_DATA_CONTROLLER",  # name and contact, for personal data
    "accessibility_contact": "PORTAL_ACCESSIBILITY_CONTACT",  # e-mail or address
}
PORTAL_OPERATOR = {key: os.environ.get(name, "").strip() for key, name in OPERATOR_SETTINGS.items()}
for key, name in OPERATOR_SETTINGS.items():
    if not PORTAL_OPERATOR[key] and PRODUCTION and not env_bool("PORTAL_OPERATOR_EXAMPLE"):
        raise ImproperlyConfigured(f"{name} must say who runs the portal, for every page to name.")
PORTAL_OPERATOR["example"] = not all(PORTAL_OPERATOR.values())
if PORTAL_OPERATOR["example"]:
    PORTAL_OPERATOR.update(
        name="Exempelförvaltningen",
        email="portalen@exempel.invalid",
        address="Exempelgatan 1, 123 45 Exempelstad",
        data_controller="Exempelförvaltningen, dataskydd@exempel.invalid",
        accessibility_contact="tillganglighet@exempel.invalid",
    )

# The portal's own data (its records, their structure, its editors' summaries) is in the public
# domain; the quoted source texts stay their publishers'. Named on /data/, in the API, the
# exports and the catalogue record.
PORTAL_DATA_LICENCE = {
    "name": "CC0 1.0 Universell",
    "short_name": "CC0 1.0",
    "url": "https://creativecommons.org/publicdomain/zero/1.0/deed.sv",
    "uri": "http://creativecommons.org/publicdomain/zero/1.0/",  # as DCAT-AP-SE names it
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by the portal itself
    "corsheaders",
    "regions",
    "projects",
]

MIDDLEWARE = [
    "asf_portal.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything that may answer (whitenoise, CommonMiddleware): CORS_URLS_REGEX below.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "asf_portal.middleware.SessionKeptIfItCanBeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "asf_portal.middleware.ReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "asf_portal.middleware.TooManyParametersMiddleware",
    # ETags and 304s for every page, fresh or from the page cache below it, which knows who
    # is signed in and sees the query string already parsed.
    "django.middleware.http.ConditionalGetMiddleware",
    "asf_portal.middleware.PublicPageCacheMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "asf_portal.urls"
WSGI_APPLICATION = "asf_portal.wsgi.application"

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
                "asf_portal.context_processors.operator_and_data_licence",
            ],
        },
    },
]

# Database: PostgreSQL only, named by DATABASE_URL. Without it, the project's own cluster that
# `make db` starts (tools/localdb.py): its superuser on the unix socket in .postgres/run.
DEVELOPMENT_DATABASE_URL = "postgres://postgres@{socket}:5432/asf_portal".format(
    socket=quote(str(BASE_DIR / ".postgres" / "run"), safe="")
)


def database(url):
    # Connections are kept between requests, checked before reuse; a database that is down
    # must not hang a request: fail fast and answer 503.
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    config.setdefault("OPTIONS", {})["connect_timeout"] = 3
    return config


DATABASES = {"default": database(os.environ.get("DATABASE_URL") or DEVELOPMENT_DATABASE_URL)}
# An optional read replica: reads go there, writes and the admin to the primary (routers.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database(os.environ["DATABASE_REPLICA_URL"])
    DATABASE_ROUTERS = ["asf_portal.routers.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared through Redis when REDIS_URL is set (several app servers), else per process.
# django-redis rather than Django's own Redis backend, because it can ignore a Redis that is
# down or slow: pages are then built anew (and logged), never answered with an error.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "asf",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages and costly figures are kept until the data changes (at most
# CACHE_MIDDLEWARE_SECONDS, 0: not kept; middleware.py, caching.py).
CACHE_UNTIL_DATA_CHANGES = env_bool("CACHE_UNTIL_DATA_CHANGES", default=True)
CACHE_MIDDLEWARE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Where the export of every project is kept until the data changes (projects/saved_exports.py):
# a directory of the app server's own that it may write to. Empty: never kept.
EXPORT_FILES_DIR = os.environ.get("EXPORT_FILES_DIR", str(BASE_DIR / "var" / "exports"))
# How long browsers and CDNs may keep a public page before asking again with its ETag.
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "60"))

# Swedish collation for names: Å, Ä and Ö after Z. PostgreSQL ships it with ICU.
SWEDISH_COLLATION = "sv-SE-x-icu"
# Full-text search configuration for Swedish stemming.
SEARCH_CONFIG = "swedish"

# Editors' accounts: failed logins are locked out per username and address together, so
# nobody can lock an editor out from elsewhere; every attempt is logged. The client's address
# is the one the outermost of TRUSTED_PROXY_COUNT proxies saw (client_address.py); 0: the
# connection's own.
TRUSTED_PROXY_COUNT = os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0").strip()
if not TRUSTED_PROXY_COUNT.isdigit():
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be a whole number, 0 or more.")
TRUSTED_PROXY_COUNT = int(TRUSTED_PROXY_COUNT)
AXES_CLIENT_IP_CALLABLE = "asf_portal.client_address.client_ip_address"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # failures stay logged after the counter resets
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# Sessions end after half an hour without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True

# Security headers and cookies (Django's defaults already deny framing, send nosniff and make
# cookies SameSite=Lax). Behind a TLS-terminating load balancer in production.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # `make serve` answers plain HTTP on loopback, where there is no TLS to redirect to: the
    # deploy check's warning about the redirect is silenced there alone.
    if not SECURE_SSL_REDIRECT and set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]"}:
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Everything a page needs comes from the portal itself; no inline script or style (script-src,
# style-src, font-src and connect-src fall back to default-src).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The read-only JSON API (projects/api.py): JSON only, no browsable pages, no logins through it;
# errors in Swedish. Anonymous clients get API_THROTTLE_RATE requests per address ("120/min",
# or n per s, m, h or d), counted in the default cache; the exports are not limited.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "120/min").strip()
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", API_THROTTLE_RATE):
    raise ImproperlyConfigured("API_THROTTLE_RATE must be a number of requests per s, m, h or d.")
API_THROTTLE_IN_WORDS = API_THROTTLE_RATE.replace("/", " anrop per ")  # "120 anrop per min"
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["projects.api_conventions.ReadableJSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["projects.api_conventions.PerClientAddress"],
    "EXCEPTION_HANDLER": "projects.api_conventions.errors_in_swedish",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Its OpenAPI description at /api/schema/, shown at /api/dokumentation/ by Swagger UI, whose
# files drf_spectacular_sidecar brings.
SPECTACULAR_SETTINGS = {
    "TITLE": "ASF-portalens API",
    "DESCRIPTION": (
        "Läs ASF-portalens regioner, program och publicerade projekt som JSON. API:t går bara "
        "att läsa från och tar samma filter i adressen som projektlistan på /projekt/. Vad "
        "fälten betyder står på /data/. Ett fel ger 400, 404 eller 429 med nyckeln fel: en "
        f"lista med förklaringar på svenska. Högst {API_THROTTLE_IN_WORDS}"
        " från samma adress; hela urvalet finns också som fil: /projekt/export.json och "
        "/projekt/export.csv."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {"name": PORTAL_DATA_LICENCE["name"], "url": PORTAL_DATA_LICENCE["url"]},
    "CONTACT": {"name": PORTAL_OPERATOR["name"], "email": PORTAL_OPERATOR["email"]},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
}
# Scripts on other sites may read the API and the exports (GET only, no cookies); nothing else.
CORS_URLS_REGEX = r"^/(api/.*|projekt/export\.(csv|json))$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["Link", "Retry-After"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time. One language, so no LocaleMiddleware: its Vary: Accept-Language would
# split every cache by the browser's language settings.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"

# Static files, served by whitenoise with hashed names
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object a line, for log collectors; see asf_portal/logs.py.
    "formatters": {"json": {"()": "asf_portal.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "asf_portal.requests": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Requests are logged once, by asf_portal.requests; the server's own lines repeat them.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        # django-axes logs every login attempt, failed or not.
        "axes": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes.apps": {"level": "WARNING"},  # not its start-up banner on every command
    },
}
