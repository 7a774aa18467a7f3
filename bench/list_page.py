"""The student view of a published list, beside nginx serving the same bytes in the same run.

Readings runs as in production (``readings serve``: gunicorn, production mode,
DEBUG off) on 127.0.0.1; the student's session cookie goes with every request.
The page is fetched once and checked (status 200, every citation and section
present); nginx then serves exactly those bytes as the baseline, and wrk loads
each server in turn with the same settings.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
from contextlib import ExitStack
from http.cookies import SimpleCookie
from pathlib import Path

from bench.harness import BenchError, databases, machine, servers
from bench.harness.load import Load, LoadResult, wrk
from bench.harness.results import Result

NAME = "list_page"
# Chosen on the 2-core machine (docs/benchmarks.md): the page is CPU-bound, and
# 2 sync workers beat 1, 4 and 2 gthread workers of 2 threads in quiet runs.
DEFAULT_WORKERS = 2
READINGS = [sys.executable, "-m", "readings.config.cli"]
# Other work on the two cores above this share makes the figure low; the row says so.
BUSY = 0.10
# How the list template marks a citation and a section (extra classes allowed).
CITATION_MARK = re.compile(r'<li class="citation[ "]')
SECTION_MARK = re.compile(r'<section class="section[ "]')


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--citations", type=int, default=200, help="citations on the list (200)")
    parser.add_argument("--sections", type=int, default=8, help="sections they are spread over (8)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="gunicorn workers")
    parser.add_argument(
        "--worker-threads", type=int, default=1, help="threads per worker; >1 uses gthread"
    )
    databases.add_argument(parser)
    Load.add_arguments(parser)


def run(args: argparse.Namespace) -> Result:
    load = Load.from_args(args)
    if not 1 <= args.sections <= args.citations <= 100_000:
        raise BenchError("need 1 <= --sections <= --citations <= 100000")
    with ExitStack() as stack:
        work = stack.enter_context(servers.workdir(keep=args.keep))
        db = stack.enter_context(databases.fresh_database(args.database, work, keep=args.keep))
        env = app_environment(work, db)
        print(f"setting up {db.label} in {work} …", file=sys.stderr)
        servers.run_step([*READINGS, "migrate", "--noinput"], env=env, what="migrate")
        servers.run_step([*READINGS, "collectstatic", "--noinput"], env=env, what="collectstatic")
        size = ["--citations", str(args.citations), "--sections", str(args.sections)]
        generated = servers.run_step(
            [sys.executable, "-m", "bench.fixtures", NAME, *size], env=env, what="fixtures"
        )
        data = json.loads(generated.strip().splitlines()[-1])

        port = servers.free_port()
        serve = [*READINGS, "serve", "--host", "127.0.0.1", "--port", str(port)]
        serve += ["--workers", str(args.workers), "--threads", str(args.worker_threads)]
        server = stack.enter_context(
            servers.service("readings", serve, env=env, port=port, logs=work)
        )
        path = f"/lists/{data['list_id']}/"
        cookie = browser_cookies(port, path, f"sessionid={data['sessionid']}")
        page = student_page(port, path, cookie, citations=args.citations, sections=args.sections)
        static = stack.enter_context(
            servers.static_server(
                page.body, logs=work, content_type=page.headers.get("Content-Type", "text/html")
            )
        )
        groups = [server.pid, static.process.pid]  # each leads its own process group

        _quiet(args.wait_quiet)
        print(f"loading Readings for {load.duration:g} s …", file=sys.stderr)
        with machine.OtherWork(groups, db.process_marks) as other:
            cpu = ServerCpu(server.pid, db.process_marks)
            readings = wrk(f"http://127.0.0.1:{port}{path}", load, headers=cookie)
            cpu_ms = cpu.ms_per_request(readings.requests)
        check_load("Readings", readings, len(page.body))
        print(f"Readings used {cpu_ms:.2f} ms of CPU per page", file=sys.stderr)
        _quiet(args.wait_quiet)
        print(f"loading nginx for {load.duration:g} s …", file=sys.stderr)
        with machine.OtherWork(groups, db.process_marks) as other_baseline:
            nginx = wrk(static.url, load)
        check_load("nginx", nginx, len(page.body))

    busy = max(other.share, other_baseline.share)
    if busy > BUSY:
        print(f"warning: other work used {busy:.0%} of the CPU during a run", file=sys.stderr)
    worker_kind = "sync" if args.worker_threads <= 1 else f"gthread x{args.worker_threads}"
    return Result(
        benchmark=NAME,
        size=f"{args.citations} citations in {args.sections} sections",
        database=db.label,
        figure=readings.summary(),
        baseline=f"nginx: {nginx.summary()}",
        ratio=ratio(readings.rate, nginx.rate),
        setup=(
            f"gunicorn {args.workers} {worker_kind} workers; {load.describe()}; "
            f"page {len(page.body) / 1024:.0f} KiB; server CPU {cpu_ms:.2f} ms per page"
            + (f"; other work took {busy:.0%} of the CPU" if busy > BUSY else "")
        ),
        machine=machine.describe(),
        code=machine.code_version(),
    )


class ServerCpu:
    """CPU the server (its workers and database backends) spends per page.

    On a shared machine requests/s falls with other work; the CPU each page
    costs the server hardly does, so it shows a change in the code even then.
    """

    def __init__(self, group: int | None, marks: tuple[str, ...]) -> None:
        # No group: the database backends alone, to tell their share apart.
        self.group = {group} if group is not None else set()
        self.marks = tuple(m.encode() for m in marks)
        self.start = machine._ticks_of(self.group, self.marks)

    def ms_per_request(self, requests: int) -> float:
        ticks = machine._ticks_of(self.group, self.marks) - self.start
        return ticks / machine._TICKS_PER_SECOND * 1000 / max(requests, 1)


def _quiet(limit: float) -> None:
    busy = machine.wait_until_quiet(limit=limit, threshold=BUSY)
    if busy > BUSY:
        print(f"warning: other work keeps the machine {busy:.0%} busy", file=sys.stderr)


def ratio(figure: float, baseline: float) -> str:
    """Figure over baseline, readable when the baseline is far ahead."""
    value = figure / baseline
    if value >= 0.1:
        return f"{value:.2f}"
    return f"{value:.2g} (1/{baseline / figure:,.0f})"


def app_environment(work: Path, db: databases.Database) -> dict[str, str]:
    """Readings' production settings, for a plain-HTTP server on 127.0.0.1."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS")
    }
    env.update(
        READINGS_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # No TLS on loopback: without this every request would be a redirect to https.
        SECURE_SSL_REDIRECT="false",
        READINGS_DATA_DIR=str(work / "data"),
        LOG_LEVEL="WARNING",
        **db.env,
    )
    return env


def browser_cookies(port: int, path: str, session: str) -> dict[str, str]:
    """The Cookie header a browser sends on its next visit: the session plus what the page set.

    The first answer sets the CSRF cookie; a browser sends it back from then on,
    and so must the load, or every request would look like a first visit.
    """
    first = servers.get(port, path, headers={"Cookie": session})
    jar = SimpleCookie(first.headers.get("Set-Cookie", ""))
    return {"Cookie": "; ".join([session, *(f"{k}={m.value}" for k, m in jar.items())])}


def student_page(
    port: int, path: str, cookie: dict[str, str], *, citations: int, sections: int
) -> servers.Response:
    """Fetch the page once as the student and make sure it is the whole list."""
    page = servers.get(port, path, headers=cookie)
    if page.status != 200:
        where = page.headers.get("Location", "")
        raise BenchError(f"the student got HTTP {page.status} {where} for {path}, not the list")
    html = page.body.decode("utf-8")
    found = (len(CITATION_MARK.findall(html)), len(SECTION_MARK.findall(html)))
    if found != (citations, sections):
        raise BenchError(
            f"the page shows {found[0]} citations in {found[1]} sections, expected "
            f"{citations} in {sections} (if the template's markup changed, update {__name__})"
        )
    return page


def check_load(name: str, result: LoadResult, body_bytes: int) -> None:
    """Refuse a figure made of errors or short answers (a redirect, an error page)."""
    errors = result.socket_errors
    if result.requests == 0 or result.non_2xx_3xx:
        raise BenchError(f"{name}: {result.non_2xx_3xx} of {result.requests} answers failed")
    if errors["connect"] or errors["timeout"]:
        raise BenchError(f"{name}: socket errors during the run: {errors}")
    # wrk rounds the byte total to 3 significant digits; allow for that.
    if result.bytes_per_response < body_bytes * 0.99:
        raise BenchError(
            f"{name}: {result.bytes_per_response:.0f} bytes per answer on average, "
            f"but the page is {body_bytes}; some answers were not the page"
        )
