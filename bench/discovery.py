"""Built-in catalogue: MARC import rate and memory, search latency beside Zebra in the same run.

N generated MARC 21 records (``bench.fixtures.marc_record``: RDA books with
ISBNs, authors, subjects) are written as binary MARC and as MARCXML. The
binary file goes through ``readings catalogue import`` (records/s, peak
resident memory: the larger of its two processes, the one that reads MARC and
the one that writes; they share most pages, forked); the MARCXML file is indexed by Zebra with
``scripts/zebra-up`` (its indexing rate is the import's baseline). Then title,
author, keyword and ISBN searches, each made from a generated record, run
in-process through the search backends Readings uses (``backend_for``): the
built-in catalogue and Zebra registered as an SRU source, one query at a time,
the same queries for both. Latencies include turning hits into records (and,
for Zebra, the HTTP round trip and the SRU XML).

    python -m bench.run discovery --records 1000000 [--database postgres]
    python -m bench.discovery measure --queries FILE --sru URL   (run by the benchmark)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from bench.harness import BenchError, databases, machine, servers
from bench.harness.load import ms
from bench.harness.results import Result
from bench.list_page import BUSY, READINGS, _quiet, app_environment

NAME = "discovery"
REPO = Path(__file__).resolve().parents[1]
KINDS = ("title", "author", "keyword", "isbn")
INSTITUTION = "BENCH"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=int, default=100_000, help="MARC records (100000)")
    parser.add_argument("--queries", type=int, default=200, help="searches of each kind (200)")
    parser.add_argument(
        "--budget",
        type=float,
        default=30,
        help="stop a kind's searches on one backend after this many seconds (30)",
    )
    databases.add_argument(parser)


def run(args: argparse.Namespace) -> Result:
    if not 10 <= args.records <= 2_000_000 or not 1 <= args.queries <= 10_000:
        raise BenchError("need 10 <= --records <= 2000000 and 1 <= --queries <= 10000")
    from bench.fixtures import discovery_queries, write_marc

    with ExitStack() as stack:
        work = stack.enter_context(servers.workdir(keep=args.keep))
        db = stack.enter_context(databases.fresh_database(args.database, work, keep=args.keep))
        env = app_environment(work, db)
        print(f"setting up {db.label} in {work} …", file=sys.stderr)
        servers.run_step([*READINGS, "migrate", "--noinput"], env=env, what="migrate")
        servers.run_step(
            [sys.executable, "-m", NAME_MODULE, "setup"], env=env, what="the institution"
        )
        binary, xml = work / "records.mrc", work / "records.xml"
        print(f"writing {args.records:,} MARC records …", file=sys.stderr)
        write_marc(args.records, binary, xml)
        queries = work / "queries.json"
        queries.write_text(json.dumps(discovery_queries(args.queries, args.records)))

        _quiet(args.wait_quiet)
        print("importing into the built-in catalogue …", file=sys.stderr)
        command = [*READINGS, "catalogue", "import", str(binary), "--institution", INSTITUTION]
        with machine.OtherWork([], db.process_marks) as other_import:
            seconds, peak_kib, output = _timed(command, env)
        expected = f"Imported {args.records} records into {INSTITUTION}."
        if output.strip().splitlines()[-1:] != [expected]:
            raise BenchError(f"the import said {output.strip()[-300:]!r}, not {expected!r}")

        _quiet(args.wait_quiet)
        print("indexing the same records in Zebra …", file=sys.stderr)
        zebra_url, zebra_seconds = stack.enter_context(_zebra(work / "zebra", xml))

        _quiet(args.wait_quiet)
        print(f"searching: {args.queries} queries of each kind, each backend …", file=sys.stderr)
        with machine.OtherWork([], db.process_marks) as other_search:
            measured = servers.run_step(
                [sys.executable, "-m", NAME_MODULE, "measure", "--queries", str(queries),
                 "--sru", zebra_url, "--budget", str(args.budget)],
                env=env,
                what="the searches",
            )  # fmt: skip
        found = json.loads(measured.strip().splitlines()[-1])

    busy = max(other_import.share, other_search.share)
    if busy > BUSY:
        print(f"warning: other work used {busy:.0%} of the CPU during a run", file=sys.stderr)
    rate, zebra_rate = args.records / seconds, args.records / zebra_seconds
    builtin, zebra = found["builtin"], found["zebra"]
    return Result(
        benchmark=NAME,
        size=f"{args.records:,} MARC records, {args.queries} queries of each kind",
        database=db.label,
        figure=(
            f"import {rate:,.0f} records/s, peak {peak_kib / 1024:,.0f} MiB; "
            f"search p50/p95 {_latencies(builtin)}"
        ),
        baseline=f"Zebra: index {zebra_rate:,.0f} records/s; search p50/p95 {_latencies(zebra)}",
        ratio=f"{rate / zebra_rate:.2f}",
        setup=(
            "readings catalogue import (MARC 21) vs zebraidx (MARCXML, scripts/zebra-up); "
            "searches one at a time in-process through backend_for (built-in; Zebra as an SRU "
            f"source, 10 records a page; at most {args.budget:g} s per kind and backend); "
            f"zero-hit queries built-in/Zebra: {_misses(found)}"
            + (f"; other work took {busy:.0%} of the CPU" if busy > BUSY else "")
        ),
        machine=machine.describe(),
        code=machine.code_version(),
    )


NAME_MODULE = "bench.discovery"


def _latencies(results: dict[str, dict]) -> str:
    parts = []
    for kind in KINDS:
        got = results[kind]
        part = f"{kind} {ms(got['p50_ms'])}/{ms(got['p95_ms'])}"
        parts.append(part if got["count"] == got["asked"] else f"{part} ({got['count']} queries)")
    return ", ".join(parts)


def _misses(found: dict) -> str:
    return ", ".join(
        f"{kind} {found['builtin'][kind]['misses']}/{found['zebra'][kind]['misses']}"
        for kind in KINDS
    )


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run to the end; wall seconds, the process's peak resident KiB, and its output."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        servers.stop(process)
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise BenchError(f"{command[3:5]} failed (exit {process.returncode}): {output[-2000:]}")
    return seconds, usage.ru_maxrss, output


@contextmanager
def _zebra(directory: Path, xml: Path):
    """Index the MARCXML and start zebrasrv; yield (SRU URL, indexing seconds); stop it."""
    port = servers.free_port()
    started = time.perf_counter()
    done = subprocess.run(
        ["bash", str(REPO / "scripts/zebra-up"), str(directory), str(port), str(xml)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    pid_file = directory / "zebrasrv.pid"
    try:
        if done.returncode != 0:
            log = directory / "zebraidx.log"
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise BenchError(f"zebra-up failed: {done.stderr[-1000:]} {tail}")
        yield done.stdout.strip().splitlines()[-1], seconds
    finally:
        with suppress(FileNotFoundError, ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)


# In the application's environment (Django set up) ---------------------------------------


def _setup() -> None:
    from readings.institutions.services import institution_create

    institution_create(code=INSTITUTION, name="Benchmark University", time_zone="Europe/London")


def _measure(queries_file: str, sru_url: str, budget: float) -> dict:
    from readings.discovery.backends import backend_for
    from readings.discovery.services import discovery_source_create
    from readings.discovery.sru import Query
    from readings.institutions.models import Institution

    institution = Institution.objects.get(code=INSTITUTION)
    discovery_source_create(institution=institution, name="zebra", url=sru_url)
    queries = json.loads(Path(queries_file).read_text())
    backends = {"builtin": backend_for(institution), "zebra": backend_for(institution, "zebra")}
    out: dict[str, dict] = {name: {} for name in backends}
    for kind in KINDS:
        for name, backend in backends.items():
            for text in queries[kind][:5]:  # warm caches; not measured
                backend.search(Query(**{kind: text}))
            times, misses = [], 0
            deadline = time.perf_counter() + budget
            for text in queries[kind]:
                if time.perf_counter() > deadline:
                    break
                started = time.perf_counter()
                result = backend.search(Query(**{kind: text}))
                times.append(time.perf_counter() - started)
                misses += result.total == 0
            times.sort()
            out[name][kind] = {
                "p50_ms": times[len(times) // 2] * 1000,
                "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))] * 1000,
                "misses": misses,
                "count": len(times),
                "asked": len(queries[kind]),
            }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {NAME_MODULE}")
    parser.add_argument("step", choices=["setup", "measure"])
    parser.add_argument("--queries")
    parser.add_argument("--sru")
    parser.add_argument("--budget", type=float, default=30)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readings.config.settings")
    import django

    django.setup()
    if args.step == "setup":
        _setup()
    else:
        print(json.dumps(_measure(args.queries, args.sru, args.budget)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
