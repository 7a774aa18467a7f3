"""The ``readings`` command: Django's management commands plus Readings' own.

Configuration and connection problems are reported as one line that says
what to fix (exit status 2), never as a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readings.config.settings")
    from readings.config.env import ConfigurationError

    try:
        return _run(argv)
    except ConfigurationError as exc:
        return _fail(str(exc))


def _run(argv: list[str]) -> int:
    import django
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    django.setup()
    try:
        execute_from_command_line(["readings", *(argv or ["help"])])
    except OperationalError as exc:
        return _fail(_database_message(exc))
    return 0


def _database_message(exc: Exception) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = (
        db.get("NAME")
        if "sqlite" in db["ENGINE"]
        else (f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}")
    )
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"cannot use the database at {where} ({first_line}); "
        "check DATABASE_URL and that the database server is running."
    )


def _fail(message: str) -> int:
    print(f"readings: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
