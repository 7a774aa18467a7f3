"""The list editor opened in headless Chromium, beside the same HTML from nginx, and one move.

Readings runs as in production (``readings serve``: gunicorn, DEBUG off) on
127.0.0.1 with a list of 1,500 citations; an instructor's session cookie signs
the browser in. The editor is opened ``--opens`` times after a warm-up, and each
open is timed in the page itself (Navigation Timing): from navigation start to
the load event, and to the moment editor.js has enhanced the page (it sets
``data-editor-ready`` on <html> and the ``editor-ready`` performance mark).
The baseline is nginx serving exactly the same HTML (and the collected static
files) opened the same way, so the difference is what the server costs.

Moving a citation is timed apart: ``--moves`` POSTs to the editor's JSON move
endpoint with the instructor's cookie and CSRF token, as editor.js sends them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench.harness import BenchError, databases, machine, servers
from bench.harness.results import Result
from bench.list_page import READINGS, app_environment

NAME = "editor_open"
DEFAULT_WORKERS = 2
BUSY = 0.10
CHROMIUM = Path("/usr/bin/chromium")
# As tests/browser/conftest.py starts it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
# How the editor marks a citation row and a section (see lists/editor_render.py).
ITEM_MARK = re.compile(r'<li class="ed-item[ "]')
SECTION_MARK = re.compile(r'<section class="ed-section[ "]')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_IDS = re.compile(r'<li class="ed-item[^"]*" id="c(\d+)"')
SECTION_IDS = re.compile(r'<ol class="ed-items" data-section="(\d+)"')
VERSION = re.compile(r'id="editor"[^>]* data-version="(\d+)"')

# Read in the page once it has loaded: every figure from the same clock (ms after navigation).
_TIMING_JS = """() => new Promise((resolve) => {
  const nav = performance.getEntriesByType("navigation")[0];
  const ready = performance.getEntriesByName("editor-ready")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  // The first frame after load: the page as the user first sees it working.
  requestAnimationFrame(() => setTimeout(() => resolve({
    ttfb: nav.responseStart - nav.requestStart,
    response_end: nav.responseEnd,
    dom_content_loaded: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    ready: ready ? ready.startTime : null,
    first_paint: paint ? paint.startTime : null,
    frame_after_load: performance.now(),
    bytes: nav.decodedBodySize,
    transferred: nav.transferSize,
  }), 0));
})"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--citations", type=int, default=1500, help="citations (1500)")
    parser.add_argument("--sections", type=int, default=15, help="sections (15)")
    parser.add_argument("--opens", type=int, default=10, help="timed opens after a warm-up (10)")
    parser.add_argument("--moves", type=int, default=50, help="timed citation moves (50)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="gunicorn workers")
    databases.add_argument(parser)


@dataclass(frozen=True)
class Opening:
    """One open of the page, in ms after navigation start (bytes as the browser counted)."""

    ttfb: float  # request sent to first byte: the server's time, on loopback
    script_ready: float  # editor.js has enhanced the page
    load: float  # the load event has run
    ready: float  # the first frame after both: the page as the user first sees it working
    first_paint: float | None
    bytes: int


@dataclass(frozen=True)
class Moves:
    times_ms: list[float]
    request_bytes: int  # the form body editor.js sends
    response_bytes: int  # the JSON answer (largest seen)


def run(args: argparse.Namespace) -> Result:
    if not 1 <= args.sections <= args.citations <= 100_000:
        raise BenchError("need 1 <= --sections <= --citations <= 100000")
    if args.opens < 1 or args.moves < 0:
        raise BenchError("need --opens >= 1 and --moves >= 0")
    with ExitStack() as stack:
        work = stack.enter_context(servers.workdir(keep=args.keep))
        db = stack.enter_context(databases.fresh_database(args.database, work, keep=args.keep))
        env = app_environment(work, db)
        print(f"setting up {db.label} in {work} …", file=sys.stderr)
        servers.run_step([*READINGS, "migrate", "--noinput"], env=env, what="migrate")
        servers.run_step([*READINGS, "collectstatic", "--noinput"], env=env, what="collectstatic")
        size = ["--citations", str(args.citations), "--sections", str(args.sections)]
        generated = servers.run_step(
            [sys.executable, "-m", __name__, *size], env=env, what="fixtures"
        )
        data = json.loads(generated.strip().splitlines()[-1])

        port = servers.free_port()
        serve = [*READINGS, "serve", "--host", "127.0.0.1", "--port", str(port)]
        serve += ["--workers", str(args.workers), "--threads", "1"]
        server = stack.enter_context(
            servers.service("readings", serve, env=env, port=port, logs=work)
        )
        path = f"/lists/{data['list_id']}/edit/"
        cookie = {"Cookie": f"sessionid={data['sessionid']}"}
        page = editor_page(port, path, cookie, citations=args.citations, sections=args.sections)
        static = stack.enter_context(servers.static_server(page.body, logs=work))
        # The page's stylesheets and scripts, at the same URLs, for the nginx copy.
        shutil.copytree(work / "data" / "static", work / "static" / "static")
        # Chromium and Playwright's driver run in this process's group: their CPU is ours.
        groups = [server.pid, static.process.pid, os.getpgrp()]

        browser = stack.enter_context(chromium())
        _quiet(args.wait_quiet)
        with machine.OtherWork(groups, db.process_marks) as other:
            print(f"opening the editor {args.opens} times …", file=sys.stderr)
            url = f"http://127.0.0.1:{port}{path}"
            readings = open_times(browser, url, opens=args.opens, session=data["sessionid"])
            print(f"opening nginx's copy {args.opens} times …", file=sys.stderr)
            nginx = open_times(browser, static.url, opens=args.opens)
            print(f"moving citations {args.moves} times …", file=sys.stderr)
            moves = move_times(port, path, cookie, page.body, count=args.moves)

    if other.share > BUSY:
        print(f"warning: other work used {other.share:.0%} of the CPU", file=sys.stderr)
    r_ready = _p50(o.ready for o in readings)
    n_ready = _p50(o.ready for o in nginx)
    return Result(
        benchmark=NAME,
        size=f"{args.citations} citations in {args.sections} sections",
        database=db.label,
        figure=(
            f"ready p50 {r_ready:.0f} ms, worst {max(o.ready for o in readings):.0f} ms"
            f" (load p50 {_p50(o.load for o in readings):.0f} ms,"
            f" server {_p50(o.ttfb for o in readings):.0f} ms); " + describe_moves(moves)
        ),
        baseline=(
            f"nginx, same HTML: ready p50 {n_ready:.0f} ms,"
            f" worst {max(o.ready for o in nginx):.0f} ms"
            f" (load p50 {_p50(o.load for o in nginx):.0f} ms)"
        ),
        ratio=f"{r_ready / n_ready:.2f}x nginx's time",
        setup=(
            f"headless Chromium {browser.version}, {VIEWPORT['width']}x{VIEWPORT['height']};"
            f" {args.opens} opens after 1 warm-up; page {len(page.body) / 1024:.0f} KiB;"
            f" gunicorn {args.workers} sync workers; ready = first frame after load"
            + (f"; other work took {other.share:.0%} of the CPU" if other.share > BUSY else "")
        ),
        machine=machine.describe(),
        code=machine.code_version(),
    )


def describe_moves(moves: Moves) -> str:
    if not moves.times_ms:
        return "no moves"
    return (
        f"move: 1 request, {moves.request_bytes} B up, {moves.response_bytes} B down,"
        f" p50 {_p50(moves.times_ms):.0f} ms, worst {max(moves.times_ms):.0f} ms"
    )


def _p50(values) -> float:
    return statistics.median(list(values))


def _quiet(limit: float) -> None:
    busy = machine.wait_until_quiet(limit=limit, threshold=BUSY)
    if busy > BUSY:
        print(f"warning: other work keeps the machine {busy:.0%} busy", file=sys.stderr)


@contextmanager
def chromium() -> Iterator:
    """Headless Chromium through Playwright, closed on exit."""
    if not CHROMIUM.exists():
        raise BenchError(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BenchError("Playwright is not installed in this environment") from exc
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def open_times(browser, url: str, *, opens: int, session: str | None = None) -> list[Opening]:
    """Open ``url`` once to warm up, then ``opens`` times; each open's timings."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        if session:
            origin = url.split("/lists/")[0]
            context.add_cookies([{"name": "sessionid", "value": session, "url": origin}])
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        found = []
        for n in range(opens + 1):
            tab.goto("about:blank")
            response = tab.goto(url, wait_until="load")
            if response is None or response.status != 200:
                status = response.status if response else "no answer"
                raise BenchError(f"the browser got {status} for {url}, not the editor")
            tab.wait_for_function("document.documentElement.dataset.editorReady === 'true'")
            timing = tab.evaluate(_TIMING_JS)
            if timing["ready"] is None:
                raise BenchError(f"{url}: editor.js set no 'editor-ready' mark")
            if n:  # the first open warms the browser's caches and the server
                found.append(
                    Opening(
                        ttfb=timing["ttfb"],
                        script_ready=timing["ready"],
                        load=timing["load"],
                        ready=timing["frame_after_load"],
                        first_paint=timing["first_paint"],
                        bytes=timing["bytes"],
                    )
                )
        return found
    finally:
        context.close()


def editor_page(
    port: int, path: str, cookie: dict[str, str], *, citations: int, sections: int
) -> servers.Response:
    """Fetch the editor once as the instructor and make sure it holds the whole list."""
    page = servers.get(port, path, headers=cookie, timeout=60)
    if page.status != 200:
        where = page.headers.get("Location", "")
        raise BenchError(f"the instructor got HTTP {page.status} {where} for {path}")
    html = page.body.decode("utf-8")
    found = (len(ITEM_MARK.findall(html)), len(SECTION_MARK.findall(html)))
    if found != (citations, sections):
        raise BenchError(
            f"the editor shows {found[0]} citations in {found[1]} sections, expected "
            f"{citations} in {sections} (if the markup changed, update {__name__})"
        )
    return page


def move_times(port: int, path: str, cookie: dict[str, str], html: bytes, *, count: int) -> Moves:
    """Move the first citation of the first section down one place and back, ``count`` times.

    The request is the one editor.js sends: the form fields ``section``,
    ``position`` and ``version``, with the CSRF token in ``X-CSRFToken``.
    """
    text = html.decode("utf-8")
    token, csrf_cookie = _csrf(port, path, cookie)
    version = int(_one(VERSION, text, "the list version"))
    section = _one(SECTION_IDS, text, "a section")
    items = ITEM_IDS.findall(text)
    if len(items) < 2:
        raise BenchError("the editor needs two citations to move one")
    first, second = items[:2]
    move_path = f"{path}citations/{{}}/move/"
    headers = {
        "Accept": "application/json",
        "X-CSRFToken": token,
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{cookie['Cookie']}; csrftoken={csrf_cookie}",
        "Origin": f"http://127.0.0.1:{port}",
        "Referer": f"http://127.0.0.1:{port}{path}",
    }
    times: list[float] = []
    request_bytes = response_bytes = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for n in range(count):
            # Alternate which citation goes to the top, so each move changes the order.
            citation = second if n % 2 == 0 else first
            body = urlencode({"section": section, "position": "0", "version": version})
            started = time.perf_counter()
            conn.request("POST", move_path.format(citation), body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            times.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise BenchError(f"a move got HTTP {response.status}: {answer[:300]!r}")
            version = json.loads(answer)["version"]
            request_bytes = max(request_bytes, len(body))
            response_bytes = max(response_bytes, len(answer))
    finally:
        conn.close()
    return Moves(times, request_bytes, response_bytes)


def _csrf(port: int, path: str, cookie: dict[str, str]) -> tuple[str, str]:
    """The form's CSRF token and the csrftoken cookie that goes with it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=cookie)
        response = conn.getresponse()
        html = response.read().decode("utf-8")
        set_cookies = response.headers.get_all("Set-Cookie") or []
    finally:
        conn.close()
    match = next(filter(None, (re.match(r"csrftoken=([^;]+)", c) for c in set_cookies)), None)
    token = CSRF_INPUT.search(html)
    if not match or not token:
        raise BenchError("the editor set no CSRF cookie or form token")
    return token.group(1), match.group(1)


def _one(pattern: re.Pattern, text: str, what: str) -> str:
    match = pattern.search(text)
    if not match:
        raise BenchError(f"the editor page shows no {what} (update {__name__})")
    return match.group(1)


def instructor_session() -> str:
    """Sign in the instructor who teaches the list's course; the ``sessionid`` value."""
    from django.test import Client

    from readings.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="instructor"))
    return client.cookies["sessionid"].value


def main(argv: list[str] | None = None) -> int:
    """Generate the list and print its id and the instructor's session as JSON."""
    parser = argparse.ArgumentParser(prog=f"python -m {__name__}")
    parser.add_argument("--citations", type=int, default=1500)
    parser.add_argument("--sections", type=int, default=15)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readings.config.settings")
    import django

    django.setup()
    from bench.fixtures import list_page_data

    data = list_page_data(citations=args.citations, sections=args.sections)
    print(json.dumps({"list_id": data.list_id, "sessionid": instructor_session()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
