"""Read and check the environment once, so settings stay declarative.

Every problem raises ``ConfigurationError`` with one line that says what to fix;
the ``readings`` command prints that line instead of a traceback. Messages
never repeat a whole ``DATABASE_URL``: it usually carries a password.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

import dj_database_url

DEVELOPMENT = "development"
PRODUCTION = "production"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

_POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
_URL_FORMS = "postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:////absolute/path/readings.sqlite3"
# Keys Django's PostgreSQL backend takes from OPTIONS besides libpq's own.
_DJANGO_POSTGRES_OPTIONS = {
    "assume_role",
    "isolation_level",
    "pool",
    "prepare_threshold",
    "server_side_binding",
}
# An unreachable host otherwise hangs for the operating system's TCP timeout.
POSTGRES_CONNECT_TIMEOUT = 5
SQLITE_CONN_MAX_AGE = 600
POSTGRES_ENGINE = "readings.core.postgres"
# Runs of a statement on a connection before psycopg prepares it (see _prepared_statements).
POSTGRES_PREPARE_THRESHOLD = 5


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


def integer(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigurationError(f"{name} is {raw!r}; set it to a whole number of 0 or more.")
    return value


def data_dir() -> Path:
    raw = os.environ.get("READINGS_DATA_DIR", "").strip()
    path = Path(raw).expanduser() if raw else Path.cwd() / "data"
    return path.resolve()


def database(default_dir: Path) -> dict[str, Any]:
    """The default database, from ``DATABASE_URL`` or a SQLite file in ``default_dir``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        # The embedded default must just work on a fresh checkout.
        return _sqlite(
            default_dir / "readings.sqlite3",
            fix="set READINGS_DATA_DIR to a directory Readings may write to",
        )
    if "://" not in url:
        raise ConfigurationError(f"DATABASE_URL is not a URL (it has no '://'); use {_URL_FORMS}.")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ConfigurationError(f"DATABASE_URL cannot be read ({exc}); use {_URL_FORMS}.") from exc
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        return _sqlite_from_url(parts)
    if scheme in _POSTGRES_SCHEMES:
        return _postgres_from_url(url, parts)
    raise ConfigurationError(
        f"DATABASE_URL uses {scheme + '://' if scheme else 'no scheme'}, which Readings "
        f"does not support; use {_URL_FORMS}."
    )


def _sqlite_from_url(parts: SplitResult) -> dict[str, Any]:
    name = unquote(parts.path[1:])
    if parts.netloc == ":memory:" or name in ("", ":memory:"):
        raise ConfigurationError(
            "DATABASE_URL names no SQLite file (an in-memory database vanishes when the "
            "command ends); use sqlite:////absolute/path/readings.sqlite3."
        )
    if parts.netloc:
        raise ConfigurationError(
            f"DATABASE_URL puts {unquote(parts.netloc)!r} where a SQLite URL has nothing; "
            "use sqlite:////absolute/path/readings.sqlite3 (four slashes)."
        )
    path = Path(name)
    if not path.is_absolute():
        raise ConfigurationError(
            f"DATABASE_URL names the relative SQLite path {name!r}, which would change with "
            f"the working directory; use sqlite:///{Path(name).resolve()} (four slashes)."
        )
    return _sqlite(path, fix="fix the path in DATABASE_URL")


def _postgres_from_url(url: str, parts: SplitResult) -> dict[str, Any]:
    hostport = parts.netloc.rpartition("@")[2]
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 and ":" in hostport.rpartition("]")[2]:
        raw_port = hostport.rpartition(":")[2]
        raise ConfigurationError(
            f"DATABASE_URL has the port {unquote(raw_port)!r}; use a number from 1 to 65535 "
            "(PostgreSQL listens on 5432 by default)."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ConfigurationError(
            "DATABASE_URL cannot be read; percent-encode special characters in the user "
            f"name and password (e.g. '@' as %40) and use {_URL_FORMS}."
        ) from exc
    # Django's backend, with a health check that asks the socket, not the server.
    config["ENGINE"] = POSTGRES_ENGINE
    options = config.setdefault("OPTIONS", {})
    if not config.get("NAME") and "service" not in options:
        raise ConfigurationError(
            "DATABASE_URL names no database; end it with /NAME, as in "
            "postgres://USER:PASSWORD@HOST:PORT/NAME."
        )
    unknown = sorted(set(options) - _postgres_option_names())
    if unknown:
        raise ConfigurationError(
            f"DATABASE_URL has the unknown PostgreSQL option {unknown[0]!r} after '?'; "
            "remove it or check its spelling."
        )
    options.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT)
    _prepared_statements(options)
    return config


def _prepared_statements(options: dict[str, Any]) -> None:
    """Prepared statements by default: server-side binding, prepared after a few runs.

    PostgreSQL plans every statement it is sent as text; on Readings' hot paths
    (a launch, a list page) planning costs more than running, and psycopg
    prepares a statement once it has run ``prepare_threshold`` times on a
    connection. Behind a pooler that cannot keep prepared statements
    (PgBouncer in transaction mode before 1.21), add
    ``?server_side_binding=false`` to DATABASE_URL.
    """
    raw = options.get("server_side_binding", True)
    if isinstance(raw, str):
        if raw.strip().lower() not in _TRUE | _FALSE:
            raise ConfigurationError(
                f"DATABASE_URL has server_side_binding={raw!r}; use true or false."
            )
        raw = raw.strip().lower() in _TRUE
    options["server_side_binding"] = bool(raw)
    threshold = options.get("prepare_threshold", POSTGRES_PREPARE_THRESHOLD)
    if not options["server_side_binding"] or str(threshold).lower() == "none":
        options["prepare_threshold"] = None
        return
    try:
        options["prepare_threshold"] = int(threshold)
    except ValueError:
        raise ConfigurationError(
            f"DATABASE_URL has prepare_threshold={threshold!r}; use a number or none."
        ) from None


def _postgres_option_names() -> set[str]:
    from psycopg import pq

    return {o.keyword.decode() for o in pq.Conninfo.get_defaults()} | _DJANGO_POSTGRES_OPTIONS


def _sqlite(path: Path, *, fix: str) -> dict[str, Any]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigurationError(
            f"cannot create the directory {path.parent} for the SQLite database ({reason}); {fix}."
        ) from exc
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": _sqlite_options(),
        # Opening a connection (Django's SQL functions, the PRAGMAs) costs
        # milliseconds, more than a cached page: keep it across requests.
        "CONN_MAX_AGE": SQLITE_CONN_MAX_AGE,
    }


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
