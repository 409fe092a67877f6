"""Kendali settings: read from KENDALI_* environment variables only (see README)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from kendali import conf

BASE_DIR = conf.home()
PACKAGE_DIR = Path(__file__).resolve().parent

DEBUG = conf.env_bool("KENDALI_DEBUG", False)
SECRET_KEY = conf.secret_key("KENDALI_SECRET_KEY", DEBUG, BASE_DIR)
ALLOWED_HOSTS = conf.env_list(
    "KENDALI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = conf.env_list("KENDALI_CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": conf.database_from_url(
        "KENDALI_DATABASE_URL", conf.env_str("KENDALI_DATABASE_URL"), BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = conf.env_url("KENDALI_REDIS_URL", ("redis", "rediss", "unix"))
MQTT_URL = conf.env_url("KENDALI_MQTT_URL", ("mqtt", "mqtts"))
# The one MQTT consumer's client id: fixed, so the broker keeps its persistent session.
MQTT_CLIENT_ID = conf.env_str("KENDALI_MQTT_CLIENT_ID", "kendali") or "kendali"
# Prefix for every Redis key Kendali writes, so several installations (or test
# runs) can share one Redis without seeing each other's events.
REDIS_PREFIX = conf.env_str("KENDALI_REDIS_PREFIX", "kendali") or "kendali"

TIME_ZONE = conf.env_str("KENDALI_TIME_ZONE", "Asia/Jakarta")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except Exception as exc:  # noqa: BLE001 - any failure means the setting is wrong
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"KENDALI_TIME_ZONE: unknown time zone {TIME_ZONE!r}") from exc
USE_TZ = True

LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LANGUAGE_CODE = conf.env_str("KENDALI_LANGUAGE", "id")
if LANGUAGE_CODE not in dict(LANGUAGES):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"KENDALI_LANGUAGE: must be one of {', '.join(dict(LANGUAGES))}, got {LANGUAGE_CODE!r}"
    )
USE_I18N = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

# Map tiles: empty means boundaries only, so maps work on a closed network.
# KENDALI_MAP_TILES_FILE: a local MBTiles/PMTiles archive served at /peta/ubin/ (wins over
# KENDALI_MAP_TILES, a tile server's URL template).
MAP_TILES_FILE = conf.map_tiles_file("KENDALI_MAP_TILES_FILE", BASE_DIR)
MAP_TILES = conf.map_tiles_url("KENDALI_MAP_TILES")
MAP_TILES_ATTRIBUTION = conf.env_str("KENDALI_MAP_TILES_ATTRIBUTION", "") or ""

EVENT_RETENTION_HOURS = conf.env_int("KENDALI_EVENT_RETENTION_HOURS", 24, minimum=1)
EVENT_HEARTBEAT_SECONDS = conf.env_int("KENDALI_EVENT_HEARTBEAT_SECONDS", 15, minimum=1)
LOGIN_LOCKOUT_ATTEMPTS = conf.env_int("KENDALI_LOGIN_LOCKOUT_ATTEMPTS", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = conf.env_int("KENDALI_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Background loops (SLA timers, sensor rules, retention) run inside `serve`
# unless this is off; `kendali worker` runs them as their own process.
BACKGROUND_JOBS = conf.env_bool("KENDALI_BACKGROUND_JOBS", False)
# The live demo city (calls, incidents, units, sensors moving): set by `kendali demo`;
# never on in production. KENDALI_DEMO_LIVE_SECONDS: seconds between two demo ticks.
DEMO_LIVE = conf.env_bool("KENDALI_DEMO_LIVE", False)
DEMO_LIVE_SECONDS = conf.env_int("KENDALI_DEMO_LIVE_SECONDS", 5, minimum=1)
# Worker threads per server process that run pages and API calls (each keeps one
# database connection); live event streams do not occupy them.
REQUEST_THREADS = conf.env_int("KENDALI_REQUEST_THREADS", 4, minimum=1)

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",  # no autodiscover: leaflet.admin needs GDAL
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "leaflet",
    "ninja",
    "kendali.core",
    "kendali.regions",
    "kendali.incidents",
    "kendali.calls",
    "kendali.dispatch",
    "kendali.control",
    "kendali.sensors",
    "kendali.alerts",
    "kendali.wifi",
    "kendali.reports",
    "kendali.portal",
    "kendali.indicators",
    "kendali.assets",
    "kendali.spbe",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kendali.core.middleware.ContentSecurityPolicyMiddleware",
    "kendali.core.middleware.ApiProblemMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kendali.core.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kendali.core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kendali.urls"
ASGI_APPLICATION = "kendali.asgi.application"
WSGI_APPLICATION = "kendali.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kendali.core.context_processors.shell",
            ],
        },
    }
]

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Static files are served by the ASGI app itself from the packages' static folders
# (kendali/asgi.py), so a closed-network install needs no web server and no collectstatic.
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = conf.env_int("KENDALI_MAX_BODY_BYTES", 8 * 1024 * 1024, minimum=1024)

# Security: secure cookies and HSTS whenever debug is off (behind TLS).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = conf.env_int("KENDALI_SESSION_HOURS", 12, minimum=1) * 3600
# The video wall's account (control-room viewer role only, no other role) keeps a rolling
# session of this many days while the wall is up, so the wall never falls out after a shift.
WALL_SESSION_DAYS = conf.env_int("KENDALI_WALL_SESSION_DAYS", 30, minimum=1)
# A registered wall screen whose page has not reported for this many minutes is offline
# (its live state on the BMD item page; the page reports once a minute while connected).
WALL_OFFLINE_MINUTES = conf.env_int("KENDALI_WALL_OFFLINE_MINUTES", 5, minimum=2)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; kept default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = conf.env_bool("KENDALI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = conf.env_int("KENDALI_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-6.12, 106.16),
    "DEFAULT_ZOOM": 12,
    "MIN_ZOOM": 9,
    "MAX_ZOOM": 19,
    "TILES": [],
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

LOG_LEVEL = (conf.env_str("KENDALI_LOG_LEVEL", "INFO") or "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"KENDALI_LOG_LEVEL: expected DEBUG, INFO, WARNING or ERROR, got {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # No credential in any log line; client errors (page 403s) without a traceback.
    "filters": {
        "redact": {"()": "kendali.core.logfilters.RedactSecrets"},
        "client_errors_brief": {"()": "kendali.core.logfilters.ClientErrorsBrief"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors_brief", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
