"""Where the list page's time goes: queries, time per page, and a cProfile report.

    .venv/bin/python -m bench.profile_page [--citations 200 --sections 8] [--repeat 20]

Renders the student's list page in-process with Django's test client, on a
fresh SQLite database in a temporary directory, with production settings (so
DEBUG is off, as in the served benchmark). Nothing is timed against a limit;
this is for reading, not for the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

# What the list page does, by the function that does it (cumulative time).
_PHASES = (
    ("whole request (middleware + view)", "get_response"),
    ("access check (access_list_by_id)", "access_list_by_id"),
    ("selector (list_page: ORM)", "list_page"),
    ("template (render_to_string)", "render_to_string"),
    ("  of which reference lines", "reference_html"),
)


def _cumulative(profiler: cProfile.Profile, function: str) -> float:
    """Seconds spent in (and under) the outermost calls of ``function``."""
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    return sum(row[3] for (_, _, name), row in stats.items() if name == function)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_page")
    parser.add_argument("--citations", type=int, default=200)
    parser.add_argument("--sections", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=20, help="pages per measurement (20)")
    parser.add_argument("--top", type=int, default=30, help="functions to list (30)")
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 1000:
        parser.error("--repeat must be between 1 and 1000")

    work = Path(tempfile.mkdtemp(prefix="readings-profile-"))
    try:
        _configure(work)
        return _profile(args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _configure(work: Path) -> None:
    # Before Django reads its settings: the same environment the benchmark serves with.
    from bench.harness.databases import Database
    from bench.list_page import app_environment

    os.environ.clear()
    os.environ.update(app_environment(work, Database("sqlite", "SQLite", {})))
    os.environ["DJANGO_SETTINGS_MODULE"] = "readings.config.settings"


def _profile(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.fixtures import list_page_data, student_session

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    data = list_page_data(citations=args.citations, sections=args.sections)
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = student_session(data.student_id)
    path = f"/lists/{data.list_id}/"

    first = client.get(path)
    if first.status_code != 200:
        print(f"the student got HTTP {first.status_code} for {path}", file=sys.stderr)
        return 1
    connection.queries_log.clear()  # a full log (maxlen) would hide new queries
    with CaptureQueriesContext(connection) as capture:
        client.get(path)
    queries = list(capture.captured_queries)  # the next request clears the log
    started = time.perf_counter()
    for _ in range(args.repeat):
        client.get(path)
    per_page = (time.perf_counter() - started) / args.repeat * 1000

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(path)
    profiler.disable()

    print(f"{args.citations} citations in {args.sections} sections, {len(first.content):,} bytes")
    print(f"{per_page:.1f} ms per page (test client, no profiler), {len(queries)} queries:")
    for query in queries:
        print(f"  {query['sql'][:110]}")
    print(f"\n== where a page's time goes (under the profiler, {args.repeat} pages)")
    total = _cumulative(profiler, "get_response") / args.repeat
    for label, function in _PHASES:
        spent = _cumulative(profiler, function) / args.repeat
        print(f"  {label:<34} {spent * 1000:6.1f} ms  {spent / total:4.0%}")
    print_profile(profiler, top=args.top, what=f"{args.repeat} pages")
    return 0


def print_profile(profiler: cProfile.Profile, *, top: int, what: str) -> None:
    """The ``top`` functions by cumulative and by own time."""
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        print(f"\n== by {order} time, {what}")
        print(out.getvalue().split("\n\n", 1)[-1].strip())


if __name__ == "__main__":
    sys.exit(main())
