"""Start-up checks with stable ids: production refuses insecure settings."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

_DEV_KEY_PREFIX = "django-insecure"


@register(Tags.security, deploy=True)
def check_production_settings(app_configs=None, **kwargs) -> list:
    if not getattr(settings, "PRODUCTION", False):
        return []
    problems = []
    key = settings.SECRET_KEY
    if key.startswith(_DEV_KEY_PREFIX) or len(key) < 50 or len(set(key)) < 5:
        problems.append(
            Error(
                "SECRET_KEY is missing, short or a development key.",
                hint="Set SECRET_KEY to at least 50 random characters.",
                id="readings.E001",
            )
        )
    if settings.DEBUG:
        problems.append(
            Error(
                "DEBUG is on in production mode.",
                hint="Unset DEBUG or set DEBUG=false.",
                id="readings.E002",
            )
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "ALLOWED_HOSTS is empty or a wildcard in production mode.",
                hint="Set ALLOWED_HOSTS to the host names Readings answers on.",
                id="readings.E003",
            )
        )
    if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        problems.append(
            Warning(
                "Production mode is using SQLite.",
                hint="Set DATABASE_URL=postgres://… for a multi-user production service.",
                id="readings.W001",
            )
        )
    return problems
