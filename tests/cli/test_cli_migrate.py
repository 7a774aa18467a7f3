"""`readings migrate` creates the schema on an empty database, SQLite or PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest


def _unapplied(showmigrations_output: str) -> list[str]:
    return [line for line in showmigrations_output.splitlines() if "[ ]" in line]


@pytest.mark.slow
def test_migrate_creates_the_schema_in_an_empty_sqlite_file(readings, tmp_path):
    database = tmp_path / "elsewhere" / "readings.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}"}

    result = readings("migrate", "-v0", env=env)

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        journal_mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"institutions_institution", "lists_readinglist", "citations_citation"} <= tables
    assert journal_mode == "wal"
    shown = readings("showmigrations", "--plan", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "[X]" in shown.stdout
    assert _unapplied(shown.stdout) == []


@pytest.mark.slow
def test_migrate_creates_the_schema_in_an_empty_postgresql_database(readings, postgres_database):
    env = {"DATABASE_URL": postgres_database}
    before = readings("showmigrations", "--plan", env=env)
    assert before.returncode == 0, before.stderr
    assert _unapplied(before.stdout) != []

    result = readings("migrate", "-v0", env=env)

    assert result.returncode == 0, result.stderr
    after = readings("showmigrations", "--plan", env=env)
    assert _unapplied(after.stdout) == []
    added = readings("institution", "add", "PGU", "PostgreSQL University", env=env)
    assert added.returncode == 0, added.stderr
    shown = readings("institution", "show", env=env)
    assert "code: PGU" in shown.stdout
