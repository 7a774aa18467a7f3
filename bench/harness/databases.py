"""A fresh, empty database for each run: SQLite in the run's directory, or PostgreSQL."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

KINDS = ("sqlite", "postgres")
POSTGRES_NAME = "readings_bench"
_POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "password": "postgres"}


@dataclass(frozen=True)
class Database:
    kind: str
    label: str  # what the result row shows, e.g. "PostgreSQL 15.14"
    env: dict[str, str]  # what Readings needs in its environment to use it
    # Text in the command line of the server processes working for this database.
    process_marks: tuple[str, ...] = ()


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        choices=KINDS,
        default="sqlite",
        help=f"sqlite (default) or postgres ({POSTGRES_NAME} on 127.0.0.1:5432, recreated)",
    )


@contextmanager
def fresh_database(kind: str, workdir: Path, *, keep: bool = False) -> Iterator[Database]:
    """Yield an empty database; drop it afterwards unless ``keep``."""
    if kind == "sqlite":
        # No DATABASE_URL: the embedded default in READINGS_DATA_DIR, as a small site runs.
        yield Database("sqlite", f"SQLite {sqlite3.sqlite_version}", {})
        return
    if kind != "postgres":
        raise ValueError(f"unknown database {kind!r}; use one of {', '.join(KINDS)}")
    version = _recreate_postgres()
    url = "postgres://{user}:{password}@{host}:{port}/".format(**_POSTGRES) + POSTGRES_NAME
    try:
        yield Database(
            "postgres", f"PostgreSQL {version}", {"DATABASE_URL": url}, (f" {POSTGRES_NAME} ",)
        )
    finally:
        if not keep:
            _drop_postgres()


def _admin_connection():
    import psycopg

    return psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **_POSTGRES)


def _recreate_postgres() -> str:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{POSTGRES_NAME}"')
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


def _drop_postgres() -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_NAME}" WITH (FORCE)')
