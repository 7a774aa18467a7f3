"""Read and check the environment once, so settings stay declarative.

Every problem raises ``ConfigurationError`` with one line that says what to fix;
the ``readings`` command prints that line instead of a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

DEVELOPMENT = "development"
PRODUCTION = "production"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(Exception):
    """The environment cannot describe a working Readings."""


def mode() -> str:
    value = os.environ.get("READINGS_MODE", DEVELOPMENT).strip().lower()
    if value not in (DEVELOPMENT, PRODUCTION):
        raise ConfigurationError(
            f"READINGS_MODE is {value!r}; set it to 'development' or 'production'."
        )
    return value


def flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} is {raw!r}; set it to true or false.")


def data_dir() -> Path:
    path = Path(os.environ.get("READINGS_DATA_DIR", Path.cwd() / "data")).expanduser()
    return path.resolve()


def database(default_dir: Path) -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        # The embedded default must just work on a fresh checkout.
        default_dir.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_dir / "readings.sqlite3"),
            "OPTIONS": _sqlite_options(),
        }
    scheme = urlsplit(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise ConfigurationError(
            f"DATABASE_URL scheme {scheme or '(none)'!r} is not supported; "
            "use postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:////absolute/path.sqlite3"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise ConfigurationError(
            f"DATABASE_URL cannot be read ({exc}); check its spelling."
        ) from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ConfigurationError(
                "DATABASE_URL names no SQLite file; use sqlite:////path.sqlite3"
            )
        config["OPTIONS"] = _sqlite_options()
        config["CONN_MAX_AGE"] = 0
    elif not config.get("NAME"):
        raise ConfigurationError("DATABASE_URL names no database; add /NAME at its end.")
    return config


def _sqlite_options() -> dict[str, Any]:
    # WAL lets the web server read while the task worker writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write inside transactions.
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }


def secret_key(current_mode: str) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if current_mode == PRODUCTION:
        raise ConfigurationError(
            "SECRET_KEY is not set; production mode needs a long random secret "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return "django-insecure-development-only-readings-key-not-for-production-use"


def hosts(current_mode: str) -> list[str]:
    raw = os.environ.get("ALLOWED_HOSTS", "")
    values = [h.strip() for h in raw.split(",") if h.strip()]
    if values:
        return values
    if current_mode == PRODUCTION:
        raise ConfigurationError(
            "ALLOWED_HOSTS is not set; list the host names Readings answers on, "
            "comma-separated (e.g. readings.example.edu)."
        )
    return ["127.0.0.1", "localhost", "[::1]", "testserver"]
