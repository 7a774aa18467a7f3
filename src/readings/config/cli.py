"""The ``readings`` command: Django's management commands plus Readings' own.

Configuration and database problems are reported as one line that says what
to fix (exit status 2), never as a traceback; ``--traceback`` shows it anyway.
``python -m readings.config.cli`` behaves the same as ``readings``.
"""

from __future__ import annotations

import os
import sys

_INTRO = """\
Readings {version}: course reading lists.

Getting started:
  readings migrate                        create or update the database schema
  readings createsuperuser                add an administrator account
  readings institution add CODE NAME      add an institution
  readings demo                           try Readings with sample data
  readings serve [--host H] [--port P]    serve Readings over HTTP (gunicorn)
  readings check --deploy                 check the settings before going live

Settings come from the environment: DATABASE_URL, READINGS_DATA_DIR, SECRET_KEY,
ALLOWED_HOSTS, DEBUG and READINGS_MODE=production (see docs/decisions/0006).
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv in (["--version"], ["version"]):
        print(_version_line())
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readings.config.settings")
    from readings.config.env import ConfigurationError

    try:
        return _run(argv)
    except ConfigurationError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


def _run(argv: list[str]) -> int:
    import django
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    django.setup()
    if not argv or argv in (["help"], ["--help"], ["-h"]):
        from readings import __version__

        print(_INTRO.format(version=__version__))
        argv = ["help"]
    try:
        execute_from_command_line(["readings", *argv])
    except (OperationalError, ProgrammingError) as exc:
        message = _database_message(exc)
        if message is None or "--traceback" in argv:
            raise
        return _fail(message)
    return 0


def _database_message(exc: Exception) -> str | None:
    """One line for a database that is unreachable or not migrated; None for other errors."""
    from django.conf import settings
    from django.db.utils import OperationalError

    db = settings.DATABASES["default"]
    sqlite = "sqlite" in db["ENGINE"]
    where = (
        db["NAME"]
        if sqlite
        else f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}"
    )
    text = str(exc).strip()
    first_line = text.splitlines()[0].strip() if text else type(exc).__name__
    undefined_table = getattr(exc.__cause__, "sqlstate", None) == "42P01" or text.startswith(
        "no such table"
    )
    if undefined_table:
        return (
            f"the database at {where} has no Readings tables yet ({first_line}); "
            "run 'readings migrate' first."
        )
    missing_column = getattr(exc.__cause__, "sqlstate", None) == "42703" or (
        "no column named" in text or text.startswith("no such column")
    )
    if missing_column:
        return (
            f"the database at {where} is older than this version of Readings ({first_line}); "
            "run 'readings migrate' first."
        )
    if not isinstance(exc, OperationalError):
        return None
    fix = (
        "check that the file and its directory exist and are writable, or fix DATABASE_URL"
        if sqlite
        else "check DATABASE_URL and that PostgreSQL is running and accepts connections there"
    )
    return f"cannot use the database at {where} ({first_line}); {fix}."


def _version_line() -> str:
    import platform

    import django

    from readings import __version__

    python = platform.python_version()
    return f"readings {__version__} (Django {django.get_version()}, Python {python})"


def _fail(message: str) -> int:
    print(f"readings: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
