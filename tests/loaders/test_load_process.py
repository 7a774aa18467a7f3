"""The real ``readings load`` process: exit statuses, one load at a time, kill -9 mid-load.

These run the installed command against a database other processes can see:
a migrated SQLite file on the SQLite run, the test database itself (committed
data) on the PostgreSQL run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from loader_files import DATA, course, write_lines

# transaction=True: on PostgreSQL the processes share the test database, so its
# data must be committed (and is flushed after each test).
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

READINGS = Path(sys.executable).parent / "readings"
SNAPSHOT_TABLES = (
    "courses_course",
    "courses_course_instructors",
    "courses_course_terms",
    "courses_searchableid",
    "courses_coursecampus",
    "accounts_user",
    "institutions_term",
    "lists_readinglist",
    "lists_listcourse",
    "lists_section",
)


@dataclass
class LiveDatabase:
    url: str
    sqlite_path: Path | None
    env: dict[str, str]

    def query(self, sql: str) -> list[tuple]:
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as db:
                return db.execute(sql).fetchall()
        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as db:
            return db.execute(sql).fetchall()

    def snapshot(self) -> dict[str, list[tuple]]:
        return {t: self.query(f"SELECT * FROM {t} ORDER BY 1") for t in SNAPSHOT_TABLES}

    def readings(self, *args: str, extra_env: dict[str, str] | None = None, **popen):
        env = {**self.env, **(extra_env or {})}
        command = [str(READINGS), *args]
        if popen:
            return subprocess.Popen(command, env=env, **popen)
        return subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120, check=False
        )


def _clean_env(data_dir: Path, url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("READINGS_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"READINGS_DATA_DIR": str(data_dir), "DATABASE_URL": url})
    return env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("loaders-db") / "template.sqlite3"
    url = f"sqlite:///{path}"
    result = subprocess.run(
        [str(READINGS), "migrate", "-v0"],
        env=_clean_env(path.parent, url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def live_db(request, tmp_path) -> LiveDatabase:
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        url = (
            f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )
        db = LiveDatabase(url, None, _clean_env(tmp_path / "data", url))
    else:
        path = tmp_path / "live.sqlite3"
        shutil.copy(request.getfixturevalue("migrated_sqlite"), path)
        url = f"sqlite:///{path}"
        db = LiveDatabase(url, path, _clean_env(tmp_path / "data", url))
    added = db.readings("institution", "add", "UNI", "Test University")
    assert added.returncode == 0, added.stderr
    return db


def _main_rows(codes: range, **cells: str) -> list[str]:
    return [course(f"C{n:05d}", PROC_DEPT="MAIN", **cells) for n in codes]


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(f"the load ended (status {process.returncode}) before it paused")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the load never reached its pause inside the transaction")
        time.sleep(0.05)


def _wait_for_lock_release(db: LiveDatabase, timeout: float = 30) -> None:
    """PostgreSQL drops a killed client's session (and its advisory lock) a moment later."""
    if db.sqlite_path is not None:
        return
    deadline = time.monotonic() + timeout
    sql = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    while db.query(sql)[0][0] and time.monotonic() < deadline:
        time.sleep(0.05)


def test_kill_9_in_the_middle_of_an_apply_leaves_the_database_as_it_was(live_db, tmp_path):
    base = write_lines(tmp_path / "base.tsv", _main_rows(range(300)))
    first = live_db.readings("load", "courses", str(base))
    assert first.returncode == 0, first.stdout + first.stderr
    before = live_db.snapshot()
    assert len(before["courses_course"]) == 300

    lines = _main_rows(range(300), NUM_OF_PARTICIPANTS="99", INSTR1="new-teacher")
    lines += _main_rows(range(300, 6000), TERM1="AUTUMN", READING_LIST_NAME="Readings")
    lines += [course(f"C{n:05d}", PROC_DEPT="MAIN", OPERATION="DELETE") for n in range(5)]
    lines = lines[5:]  # the deleted courses appear once, as DELETE rows
    big = write_lines(tmp_path / "big.tsv", lines)
    marker = tmp_path / "paused"
    log = (tmp_path / "killed.log").open("w")
    killed = live_db.readings(
        "load",
        "courses",
        str(big),
        extra_env={"READINGS_TEST_PAUSE_IN_APPLY": str(marker)},
        stdout=log,
        stderr=log,
    )
    _wait_for(marker, killed)

    # While it runs, a second course load for the institution is refused at once.
    second = live_db.readings("load", "courses", str(big))
    assert second.returncode == 2
    assert "Another courses load is running for UNI" in second.stderr

    os.kill(killed.pid, signal.SIGKILL)
    assert killed.wait(timeout=30) == -signal.SIGKILL
    assert live_db.snapshot() == before
    # The killed load's record was committed before its transaction began.
    statuses = [s for (s,) in live_db.query("SELECT status FROM loaders_load ORDER BY id")]
    assert statuses == ["applied", "running"]

    _wait_for_lock_release(live_db)
    again = live_db.readings("load", "courses", str(big), "--report", str(tmp_path / "r.json"))
    assert again.returncode == 0, again.stdout + again.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["created"], report["updated"], report["deleted"]) == (5700, 295, 5)
    assert live_db.query("SELECT count(*) FROM courses_course") == [(5995,)]
    statuses = [s for (s,) in live_db.query("SELECT status FROM loaders_load ORDER BY id")]
    assert statuses == ["applied", "interrupted", "applied"]


def test_exit_statuses_and_the_json_report(live_db, tmp_path):
    good = write_lines(tmp_path / "good.tsv", _main_rows(range(3)))
    report_path = tmp_path / "report.json"

    applied = live_db.readings("load", "courses", str(good), "--report", str(report_path))
    assert applied.returncode == 0, applied.stderr
    assert "Applied." in applied.stdout
    assert applied.stderr == ""  # no progress bar when stderr is not a terminal
    report = json.loads(report_path.read_text())
    for key in ("rows", "created", "updated", "deleted", "rolled_over", "skipped"):
        assert isinstance(report[key], int), key
    assert (report["rows"], report["created"]) == (3, 3)
    assert report["errors"] == [] and isinstance(report["warnings"], list)

    sample = live_db.readings(
        "load", "courses", str(DATA / "lancaster-courses-new.tsv"), "--report", str(report_path)
    )
    assert sample.returncode == 1
    report = json.loads(report_path.read_text())
    assert {
        "line": 3,
        "column": "END_DATE",
        "value": "2017-03-31",
        "message": "END_DATE '2017-03-31' is before START_DATE '2018-01-14'.",
    } in report["errors"]
    assert report["applied"] is False

    dry = live_db.readings("load", "courses", str(good), "--dry-run")
    assert dry.returncode == 0
    assert "Dry run: nothing was applied." in dry.stdout
    assert "Profile:" in dry.stdout

    unusable = [
        ("load", "courses", str(tmp_path / "missing.tsv")),
        ("load", "courses", str(good), "--institution", "NOPE"),
        ("load", "courses", str(good), "--date-format", "YY"),
        ("load", "courses"),
        ("load", "courses", str(good), "--from-dir", str(tmp_path)),
        ("load", "courses", str(good), "--no-such-option"),
        ("load",),
    ]
    for args in unusable:
        result = live_db.readings(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, args
    missing = live_db.readings("load", "courses", str(tmp_path / "missing.tsv"))
    assert "Cannot read" in missing.stderr
