"""One settings module, driven by the environment (see docs/decisions/0006)."""

from __future__ import annotations

import os
from pathlib import Path

from readings.config import env

MODE = env.mode()
PRODUCTION = MODE == env.PRODUCTION
BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.data_dir()

SECRET_KEY = env.secret_key(MODE)
DEBUG = env.flag("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.hosts(MODE)
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "readings.core",
    "readings.institutions",
    "readings.accounts",
    "readings.courses",
    "readings.lists",
    "readings.citations",
    "readings.loaders",
    "readings.lti",
    "readings.discovery",
    "readings.library",
    "readings.engagement",
    "readings.analytics",
    "readings.readiness",
    "readings.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions: it must see the session cookie to let LMS iframes keep it.
    "readings.lti.middleware.LtiEmbeddingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "readings.core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "readings.readiness.recording.RequestRecordingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "readings.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "readings.config.urls"
WSGI_APPLICATION = "readings.config.wsgi.application"

_LOADERS = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            # Cached templates in every mode: the list page is the hot path.
            "loaders": [("django.template.loaders.cached.Loader", _LOADERS)],
        },
    }
]

DATABASES = {"default": env.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's model backend, reading the person and their roles in one query per request.
AUTHENTICATION_BACKENDS = ["readings.accounts.backends.AccountBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:home"
LOGOUT_REDIRECT_URL = "accounts:login"
CSRF_FAILURE_VIEW = "readings.core.views.csrf_failure"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# readings/static is not inside an app, so the app finder alone never collects it.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
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
# Development serves from the apps' folders; no collected STATIC_ROOT to scan at start.
WHITENOISE_AUTOREFRESH = not PRODUCTION

TASKS = {
    "default": {
        "BACKEND": os.environ.get("READINGS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

SESSION_ENGINE = "readings.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    # Readings normally sits behind a TLS-terminating proxy that sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"readings": {"level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": True}},
}

# A reader's repeat visit to a list is answered from a pass for at most this long
# before Django checks their access again in full (docs/decisions/0012); 0 = never.
READINGS_READER_PASS_SECONDS = env.integer("READINGS_READER_PASS_SECONDS", 15)

# LTI: the public address LMSs reach Readings at (used in the tool configuration),
# and the LMS simulator, a development/demo aid that production refuses (readings.E010).
READINGS_BASE_URL = os.environ.get("READINGS_BASE_URL", "").strip()
LTI_SIMULATOR = env.flag("LTI_SIMULATOR", default=not PRODUCTION)

# Collaborator invitations go by email; in development they are printed on the console.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "readings@localhost")

# Identifier look-ups in the list editor (readings.citations.resolvers). Tests point
# the services at a local server; "allow_loopback" must stay off in production.
READINGS_RESOLVERS = {
    "crossref": os.environ.get("READINGS_CROSSREF_URL", "https://api.crossref.org"),
    "openlibrary": os.environ.get("READINGS_OPENLIBRARY_URL", "https://openlibrary.org"),
    "pubmed": os.environ.get(
        "READINGS_PUBMED_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    ),
    "timeout_seconds": 8.0,
    "max_bytes": 2 * 1024 * 1024,
    "max_redirects": 3,
    "allow_loopback": False,
    "contact_email": os.environ.get("READINGS_RESOLVER_CONTACT", ""),
}
