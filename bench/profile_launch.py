"""Where an LTI launch's time goes: queries and time per request, and a cProfile report.

    .venv/bin/python -m bench.profile_launch [--database postgres] [--repeat 200]

Performs whole launches (login → signed launch → list page) in-process through
Readings' WSGI application, with production settings, on a fresh database,
against a test LMS whose key set is served on 127.0.0.1 by this process.
Nothing is timed against a limit; this is for reading, not for the test suite.
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
from contextlib import ExitStack
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

HOST = "127.0.0.1"
PORT = 8000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_launch")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=200, help="launches per measurement (200)")
    parser.add_argument("--top", type=int, default=40, help="functions to list (40)")
    parser.add_argument("--sql", action="store_true", help="print each step's SQL")
    parser.add_argument("--callers", metavar="FUNCTION", help="also show who calls FUNCTION")
    parser.add_argument("--callees", metavar="FUNCTION", help="also show what FUNCTION calls")
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 10_000:
        parser.error("--repeat must be between 1 and 10000")

    from bench.harness import databases
    from bench.list_page import app_environment
    from bench.lti_launch import BenchPlatform, key_set_server

    platform = BenchPlatform()
    work = Path(tempfile.mkdtemp(prefix="readings-profile-"))
    try:
        with ExitStack() as stack:
            db = stack.enter_context(databases.fresh_database(args.database, work))
            lms = stack.enter_context(key_set_server(platform))
            os.environ.clear()
            os.environ.update(app_environment(work, db))
            os.environ["DJANGO_SETTINGS_MODULE"] = "readings.config.settings"
            return _profile(args, platform, lms)
    finally:
        shutil.rmtree(work, ignore_errors=True)


class Browser:
    """Calls the WSGI application as gunicorn would, keeping the response's cookies."""

    def __init__(self, application) -> None:
        self.application = application

    def request(
        self, method: str, path: str, *, body: bytes = b"", cookies: str = "", content_type=""
    ) -> tuple[int, dict[str, str], SimpleCookie, bytes]:
        path, _, query = path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": HOST,
            "SERVER_PORT": str(PORT),
            "HTTP_HOST": f"{HOST}:{PORT}",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": HOST,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "CONTENT_LENGTH": str(len(body)),
        }
        if content_type:
            environ["CONTENT_TYPE"] = content_type
        if cookies:
            environ["HTTP_COOKIE"] = cookies
        answer: dict[str, Any] = {}

        def start_response(status: str, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = headers

        chunks = self.application(environ, start_response)
        data = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        jar: SimpleCookie = SimpleCookie()
        plain = {}
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                jar.load(value)
            else:
                plain[name.lower()] = value
        return answer["status"], plain, jar, data


def _launch(
    browser: Browser,
    platform,
    claims,
    timings: dict[str, float],
    cpu: dict[str, float] | None = None,
) -> None:
    cpu = {} if cpu is None else cpu
    target = f"http://{HOST}:{PORT}/lti/launch/"
    started, used = time.perf_counter(), time.process_time()
    status, headers, jar, _ = browser.request("GET", "/lti/login/?" + platform.login_query(target))
    timings["login"] += time.perf_counter() - started
    cpu["login"] = cpu.get("login", 0.0) + time.process_time() - used
    assert status == 302, status
    query = parse_qs(urlsplit(headers["location"]).query)
    state, nonce = query["state"][0], query["nonce"][0]
    cookies = "; ".join(f"{k}={m.value}" for k, m in jar.items())
    token = platform.sign(claims, nonce)
    form = urlencode({"id_token": token, "state": state}).encode()
    started, used = time.perf_counter(), time.process_time()
    status, headers, jar, body = browser.request(
        "POST", "/lti/launch/", body=form, cookies=cookies,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    timings["launch"] += time.perf_counter() - started
    cpu["launch"] = cpu.get("launch", 0.0) + time.process_time() - used
    assert status == 302, (status, body[:300])
    landing = urlsplit(headers["location"]).path
    # As a browser: the session and the CSRF cookie the sign-in renewed.
    session = "; ".join(f"{k}={m.value}" for k, m in jar.items() if m.value)
    started, used = time.perf_counter(), time.process_time()
    status, _, _, page = browser.request("GET", landing, cookies=session)
    timings["page"] += time.perf_counter() - started
    cpu["page"] = cpu.get("page", 0.0) + time.process_time() - used
    assert status == 200 and b'<li class="citation' in page, status


def _profile(args: argparse.Namespace, platform, lms: str) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.fixtures import LtiPlatformSpec, lti_launch_data
    from bench.profile_page import print_profile

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    lti_launch_data(platform=LtiPlatformSpec(**platform.spec(lms)), citations=200, sections=8)
    connection.close()

    from readings.config.wsgi import application

    browser = Browser(application)
    claims = platform.claims(f"http://{HOST}:{PORT}/lti/launch/")
    steps = {"login": 0.0, "launch": 0.0, "page": 0.0}
    for _ in range(20):  # the first launch provisions; the rest warm caches
        _launch(browser, platform, claims, steps)

    seen: list[str] = []

    def log(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    per_step: dict[str, float] = dict.fromkeys(steps, 0.0)
    with connection.execute_wrapper(log):
        _launch(browser, platform, claims, dict.fromkeys(steps, 0.0))
    print(f"queries in one launch: {len(seen)}")
    if args.sql:
        for sql in seen:
            print("  " + sql[:160])
    started, cpu = time.perf_counter(), time.process_time()
    step_cpu: dict[str, float] = {}
    for _ in range(args.repeat):
        _launch(browser, platform, claims, per_step, step_cpu)
    whole = (time.perf_counter() - started) / args.repeat * 1000
    whole_cpu = (time.process_time() - cpu) / args.repeat * 1000
    parts = ", ".join(f"{k} {v / args.repeat * 1000:.2f} ms" for k, v in per_step.items())
    cpu_parts = ", ".join(f"{k} {v / args.repeat * 1000:.2f} ms" for k, v in step_cpu.items())
    print(
        f"{whole:.2f} ms a launch in-process ({parts}), signing included; "
        f"this process's CPU {whole_cpu:.2f} ms ({cpu_parts}; the rest waits for the database)"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeat):
        _launch(browser, platform, claims, dict.fromkeys(steps, 0.0))
    profiler.disable()
    print_profile(profiler, top=args.top, what=f"{args.repeat} launches")
    if args.callers:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().print_callers(args.callers)
        print(f"\n== who calls {args.callers}")
        print(out.getvalue().strip())
    if args.callees:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().print_callees(args.callees)
        print(f"\n== what {args.callees} calls")
        print(out.getvalue().strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
