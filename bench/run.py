"""Run one benchmark, print its result row, and with --record keep it in docs/benchmarks.md.

    .venv/bin/python -m bench.run list_page [--citations 200 --sections 8]
        [--database sqlite|postgres] [--duration 10 --connections 8] [--record]

Each benchmark is a module with ``add_arguments(parser)`` and ``run(args) ->
Result``; add it to ``BENCHMARKS``. Benchmarks load only 127.0.0.1, run for a
bounded time and stop every process they started, also on errors and Ctrl-C.
They are never part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys

from bench.harness import BenchError, results

BENCHMARKS = {
    "list_page": "bench.list_page",
    "course_load": "bench.course_load",
    "list_load": "bench.list_load",
    "lti_launch": "bench.lti_launch",
    "discovery": "bench.discovery",
    "discovery_cited": "bench.discovery_cited",
    "editor_open": "bench.editor_open",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    choices = parser.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    for name, module_name in BENCHMARKS.items():
        module = importlib.import_module(module_name)
        sub = choices.add_parser(name, help=module.__doc__.split("\n")[0])
        sub.add_argument("--record", action="store_true", help="update docs/benchmarks.md")
        sub.add_argument("--keep", action="store_true", help="keep the data directory/database")
        sub.add_argument(
            "--wait-quiet",
            type=float,
            default=120,
            metavar="SECONDS",
            help="wait up to this long for other work to stop before measuring (120)",
        )
        module.add_arguments(sub)
    args = parser.parse_args(argv)

    module = importlib.import_module(BENCHMARKS[args.benchmark])
    # Stop cleanly on Ctrl-C and on kill (also when started from a script that ignores SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = module.run(args)
        print(results.show(result))
        if args.record:
            results.record(result)
            print(f"recorded in {results.DOC}")
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; every server it started has been stopped", file=sys.stderr)
        return 130
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
