"""Start-up checks with stable ids: production mode refuses insecure settings.

The errors run with every command that runs system checks (``migrate``,
``check``, ``serve``…) once ``READINGS_MODE=production``, so an insecure
deployment cannot start; the SQLite warning only shows with ``check --deploy``,
as small single-server installations may choose SQLite deliberately.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

_DEV_KEY_PREFIX = "django-insecure"
_MIN_KEY_LENGTH = 50
_MIN_KEY_CHARACTERS = 5


@register(Tags.security)
def check_production_settings(app_configs=None, **kwargs) -> list:
    if not getattr(settings, "PRODUCTION", False):
        return []
    problems = []
    key = settings.SECRET_KEY
    if (
        key.startswith(_DEV_KEY_PREFIX)
        or len(key) < _MIN_KEY_LENGTH
        or len(set(key)) < _MIN_KEY_CHARACTERS
    ):
        problems.append(
            Error(
                "SECRET_KEY is short, repetitive or a development key.",
                hint=(
                    f"Set SECRET_KEY to at least {_MIN_KEY_LENGTH} random characters: "
                    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
                ),
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
    return problems


@register(Tags.database, deploy=True)
def check_production_database(app_configs=None, **kwargs) -> list:
    if not getattr(settings, "PRODUCTION", False):
        return []
    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        return []
    return [
        Warning(
            "Production mode is using SQLite.",
            hint=(
                "SQLite serves one server with a few writers; set "
                "DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/NAME for a larger service."
            ),
            id="readings.W001",
        )
    ]
