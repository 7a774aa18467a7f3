"""Course loader: dry run and apply of a registrar file, beside a raw insert of the same rows.

The file (default 50,000 rows, 34 columns) is generated row by row to disk in a
fresh database's institution (departments, terms and instructors made through
the services first). Each load is ``readings load courses FILE`` in its own
process, timed from start to exit, with that process's peak resident memory.
The baseline, in the same run, reads the same file and inserts the rows the
loader writes for it into the same tables (courses, their terms, instructors,
searchable ids and campuses, and the READING_LIST_NAME lists with their course
links and first sections) with ``executemany`` (SQLite) or ``COPY``
(PostgreSQL), in a transaction that is then rolled back; foreign keys are
checked as each row goes in, as the loader's commit checks them.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path

from bench import fixtures
from bench.harness import BenchError, databases, machine, servers
from bench.harness.results import Result
from bench.list_page import BUSY, READINGS, app_environment, ratio

NAME = "course_load"
COURSE_COLUMNS = (
    "created_at", "updated_at", "institution_id", "code", "section", "title",
    "academic_department_id", "processing_department_id", "start_date", "end_date", "year",
    "participants", "weekly_hours", "submit_lists_by",
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=50_000, help="courses in the file (50000)")
    add_common_arguments(parser)


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instructors", type=int, default=2000, help="instructors who exist before the load"
    )
    databases.add_argument(parser)


@dataclass(frozen=True)
class Timed:
    seconds: float
    peak_mib: float
    report: dict

    def rate(self, rows: int) -> float:
        return rows / self.seconds


def run(args: argparse.Namespace) -> Result:
    if not 1 <= args.rows <= 5_000_000:
        raise BenchError("need 1 <= --rows <= 5000000")
    with ExitStack() as stack:
        bench = stack.enter_context(LoaderRun(args))
        path = bench.work / "courses.txt"
        size = fixtures.write_course_file(path, rows=args.rows, instructors=args.instructors)
        figures = bench.measure("courses", path, args.rows, baseline=insert_courses)
    return bench.result(
        size=f"{args.rows:,} courses ({size / 2**20:.0f} MiB)",
        figures=figures,
        rows=args.rows,
        baseline_tables="courses, their terms, instructors, searchable ids, campuses and lists",
    )


class LoaderRun:
    """A fresh database with the loader institution, and the loads measured in it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stack = ExitStack()
        self.busy = 0.0

    def __enter__(self) -> LoaderRun:
        args = self.args
        self.work = self.stack.enter_context(servers.workdir(keep=args.keep))
        self.db = self.stack.enter_context(
            databases.fresh_database(args.database, self.work, keep=args.keep)
        )
        self.env = app_environment(self.work, self.db)
        print(f"setting up {self.db.label} in {self.work} …", file=sys.stderr)
        servers.run_step([*READINGS, "migrate", "--noinput"], env=self.env, what="migrate")
        make = [sys.executable, "-m", "bench.fixtures", "loader"]
        make += ["--instructors", str(args.instructors)]
        out = servers.run_step(make, env=self.env, what="fixtures")
        self.institution_id = json.loads(out.strip().splitlines()[-1])["institution_id"]
        return self

    def __exit__(self, *exc) -> None:
        self.stack.__exit__(*exc)

    def load(self, kind: str, path: Path, *extra: str, expect: int = 0) -> Timed:
        """Run ``readings load KIND FILE`` in its own process, quiet machine first."""
        self._quiet()
        report = self.work / f"report-{time.monotonic_ns()}.json"
        command = [*READINGS, "load", kind, str(path), "--institution"]
        command += [fixtures.LOADER_INSTITUTION, "--report", str(report), *extra]
        print(f"{' '.join(command[3:])} …", file=sys.stderr)
        log = self.work / "load.log"
        start = log.stat().st_size if log.exists() else 0
        seconds, peak, status = run_measured(command, env=self.env, log=log)
        data = json.loads(report.read_text()) if report.exists() else {}
        if status != expect or data.get("errors"):
            errors = data.get("errors", [])[:3]
            # A load that stops before writing its report says why only on its output.
            said = _last_lines(log, start)
            raise BenchError(
                f"{' '.join(command[3:])}: exit {status}, first errors {errors}"
                + (f"; its last output:\n{said}" if said else "")
            )
        print(f"  {seconds:.1f} s, peak {peak:.0f} MiB", file=sys.stderr)
        return Timed(seconds, peak, data)

    def measure(
        self, kind: str, path: Path, rows: int, *, baseline: Callable[[LoaderRun, Path], float]
    ) -> dict[str, object]:
        """Dry run, baseline, apply, and the same file again."""
        dry = self.load(kind, path, "--dry-run")
        if dry.report.get("rows") != rows or dry.report.get("warnings"):
            raise BenchError(f"the dry run saw {dry.report.get('rows')} rows, expected {rows}")
        baseline_first = kind == "courses"  # the courses table must be empty for it
        base = self._baseline(baseline, path) if baseline_first else None
        apply = self.load(kind, path)
        base = base if base is not None else self._baseline(baseline, path)
        again = self.load(kind, path)
        if again.report.get("created") or again.report.get("updated"):
            raise BenchError(f"loading the same file again changed something: {again.report}")
        return {"dry": dry, "apply": apply, "again": again, "baseline": base}

    def _baseline(self, baseline: Callable[[LoaderRun, Path], float], path: Path) -> float:
        self._quiet()
        seconds = baseline(self, path)
        print(f"baseline: {seconds:.2f} s", file=sys.stderr)
        return seconds

    def connect(self):
        """A DB-API connection to the run's database (not through Django)."""
        if self.db.kind == "sqlite":
            import sqlite3

            conn = sqlite3.connect(self.work / "data" / "readings.sqlite3")
            # As Readings' own connections: each row's foreign keys are checked.
            conn.execute("PRAGMA foreign_keys = ON")
            return conn
        import psycopg

        return psycopg.connect(
            dbname=databases.POSTGRES_NAME,
            host="127.0.0.1",
            port=5432,
            user="postgres",
            password="postgres",
        )

    def _quiet(self) -> None:
        busy = machine.wait_until_quiet(limit=self.args.wait_quiet, threshold=BUSY)
        if busy > BUSY:
            print(f"warning: other work keeps the machine {busy:.0%} busy", file=sys.stderr)
            self.busy = max(self.busy, busy)

    def result(
        self, *, size: str, figures: dict[str, object], rows: int, baseline_tables: str
    ) -> Result:
        dry, apply, again = figures["dry"], figures["apply"], figures["again"]
        base_rate = rows / figures["baseline"]
        method = "executemany" if self.db.kind == "sqlite" else "COPY"
        figure = (
            f"dry run {dry.rate(rows):,.0f} rows/s, peak {dry.peak_mib:.0f} MiB; "
            f"apply {apply.rate(rows):,.0f} rows/s, peak {apply.peak_mib:.0f} MiB; "
            f"same file again {again.seconds:.1f} s (apply {apply.seconds:.1f} s)"
        )
        return Result(
            benchmark=self.args.benchmark,
            size=size,
            database=self.db.label,
            figure=figure,
            baseline=f"{method} of the same rows into {baseline_tables}: {base_rate:,.0f} rows/s",
            ratio=ratio(apply.rate(rows), base_rate),
            setup=(
                "each load a `readings load` process (wall time, peak RSS); baseline reads "
                "the same file and inserts the rows the loader writes into the same tables, "
                "foreign keys checked, in one transaction"
                + (f"; other work took {self.busy:.0%} of the CPU" if self.busy > BUSY else "")
            ),
            machine=machine.describe(),
            code=machine.code_version(),
        )


def run_measured(command: list[str], *, env: dict[str, str], log: Path) -> tuple[float, float, int]:
    """(wall seconds, peak resident MiB, exit status) of one process."""
    with log.open("ab") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.kill()
            process.wait()
            raise
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode  # ru_maxrss is in KiB


def _last_lines(log: Path, start: int, count: int = 5) -> str:
    """The last lines one process wrote to ``log`` from byte ``start`` on."""
    with log.open("rb") as handle:
        handle.seek(start)
        text = handle.read().decode("utf-8", "replace")
    return "\n".join(line.rstrip() for line in text.splitlines()[-count:])


def tsv_rows(path: Path, *, skip_header: bool = True) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if skip_header:
            next(rows, None)
        yield from rows


def insert_courses(bench: LoaderRun, path: Path) -> float:
    """Seconds to read the file and insert the rows the loader writes for it (rolled back).

    Per course row: the course, its terms, instructors, searchable ids and
    campuses, and for a READING_LIST_NAME the list, its link to the course
    and its first section. Codes become ids through maps read once, as the
    loader must; course and list ids are counted on from the tables' highest.
    """
    with closing(bench.connect()) as conn:
        start = time.perf_counter()
        maps = _reference_maps(conn, bench.institution_id)
        course_id = _highest_id(conn, "courses_course")
        list_id = _highest_id(conn, "lists_readinglist")
        now = datetime.datetime.now(datetime.UTC)
        tables: dict[str, list[tuple]] = {name: [] for name in _COURSE_TABLES}
        for row in tsv_rows(path):
            course_id += 1
            course = (
                course_id, now, now, bench.institution_id, row[0], row[2], row[1],
                maps["academic"].get(row[3]), maps["processing"].get(row[4]),
                _date(row[9]), _date(row[10]), int(row[13]), int(row[11]), int(row[12]),
                _date(row[31]),
            )  # fmt: skip
            tables["courses_course"].append(course)
            tables["courses_course_terms"] += [(course_id, maps["terms"][t]) for t in row[5:9] if t]
            people = dict.fromkeys([*row[17:27], *row[27].split(",")])
            tables["courses_course_instructors"] += [
                (course_id, maps["users"][p]) for p in people if p
            ]
            ids = dict.fromkeys([row[14], row[15], *row[16].split(",")])
            tables["courses_searchableid"] += [
                (bench.institution_id, course_id, v) for v in ids if v
            ]
            for campus in filter(None, row[32].split(",")):
                name, _, participants = campus.partition("|")
                tables["courses_coursecampus"].append(
                    (course_id, name, int(participants) if participants else None)
                )
            if row[33]:
                list_id += 1
                tables["lists_readinglist"].append(
                    (list_id, now, now, bench.institution_id, f"BASE-{list_id}", row[33], "",
                     "", "BeingPrepared", "DRAFT", "COURSE", "", 1, False)
                )  # fmt: skip
                tables["lists_listcourse"].append((list_id, course_id))
                tables["lists_section"].append((now, now, list_id, "Readings", "", 0, False))
        return (
            time.perf_counter()
            - start
            + timed_inserts(conn, [(t, _COURSE_TABLES[t], tables[t]) for t in _COURSE_TABLES])
        )


_COURSE_TABLES = {
    "courses_course": ("id", *COURSE_COLUMNS),
    "courses_course_terms": ("course_id", "term_id"),
    "courses_course_instructors": ("course_id", "user_id"),
    "courses_searchableid": ("institution_id", "course_id", "value"),
    "courses_coursecampus": ("course_id", "campus", "participants"),
    "lists_readinglist": (
        "id", "created_at", "updated_at", "institution_id", "code", "name", "description",
        "subject", "status", "publication_status", "visibility", "syllabus", "version",
        "is_template",
    ),
    "lists_listcourse": ("reading_list_id", "course_id"),
    "lists_section": (
        "created_at", "updated_at", "reading_list_id", "name", "description", "position", "locked",
    ),
}  # fmt: skip


def _reference_maps(conn, institution_id: int) -> dict[str, dict[str, int]]:
    """Code -> id of departments, terms and (by primary id) users, read once."""
    queries = {
        "academic": "SELECT code, id FROM institutions_academicdepartment",
        "processing": "SELECT code, id FROM institutions_processingdepartment",
        "terms": "SELECT code, id FROM institutions_term",
        "users": "SELECT primary_id, id FROM accounts_user",
    }
    where = " WHERE institution_id = %s"
    return {
        name: dict(_fetch(conn, query + where, (institution_id,)))
        for name, query in queries.items()
    }


def _highest_id(conn, table: str) -> int:
    return _fetch(conn, f"SELECT COALESCE(MAX(id), 0) FROM {table}", ())[0][0]


def timed_inserts(conn, inserts: Iterable[tuple[str, Iterable[str], Iterable[tuple]]]) -> float:
    """Seconds to insert each (table, columns, rows) in turn, in one transaction rolled back.

    executemany on sqlite3, COPY on psycopg.
    """
    start = time.perf_counter()
    try:
        if not type(conn).__module__.startswith("sqlite3"):
            # Foreign keys are checked at commit, which a rolled-back insert never
            # reaches; the loader's insert commits. Checked row by row instead.
            conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, columns, rows in inserts:
            columns = tuple(columns)
            names = ", ".join(columns)
            if type(conn).__module__.startswith("sqlite3"):
                marks = ", ".join("?" * len(columns))
                conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            else:
                sql = f"COPY {table} ({names}) FROM STDIN"
                with conn.cursor() as cursor, cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
        seconds = time.perf_counter() - start
    finally:
        conn.rollback()
    return seconds


def _fetch(conn, query: str, params: tuple) -> list[tuple]:
    if type(conn).__module__.startswith("sqlite3"):
        query = query.replace("%s", "?")
    cursor = conn.execute(query, params)
    return list(cursor.fetchall())


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None
