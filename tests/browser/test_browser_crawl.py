"""Every page each role can reach from the home page works, links only where it may go, and
passes the accessibility check: broken pages found by crawling before users find them.

The crawl follows same-origin links (and submits GET forms with sample values) through
Django's test client, signed in as each demo role. Chromium then opens one page of every path
pattern, its requests answered by the same client (no live server thread, so everything runs
inside the demo's rolled-back transaction), to catch script errors and run axe-core.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import lxml.html
import pytest
from django.conf import settings
from django.db import connections, transaction
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.test import Client, override_settings

from readings.accounts.models import User
from readings.demo.build import build_demo

# django_db: pytest-django sets up the test database only for modules that ask for it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ORIGIN = "http://testserver"
# Chromium ignores some headers (Cross-Origin-Opener-Policy) on origins it does not trust,
# and says so on the console; localhost is trusted, like a real HTTPS deployment.
BROWSER_ORIGIN = "http://localhost"
# One demo account per role; each signs in as themselves and starts from the home page.
ROLES = {
    "student": "student",
    "instructor": "instructor",
    "librarian": "librarian",
    "administrator": "admin",
}
PAGES_PER_ROLE = 150  # pages parsed and followed
PAGES_PER_PATTERN = 3  # lists in different states link to different things
CHECKS_PER_PATTERN = 10  # link targets of one pattern fetched to prove they open
SAMPLE_QUERY = "history"
# State changes and places outside the app; GET is safe, but a crawler must not gamble on it.
NEVER_FOLLOW = re.compile(r"/(logout|delete|remove|withdraw|hide)(/|$)|^/admin/|^/i18n/")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,}$")
LOGIN_PATH = "/accounts/login/"
AXE_SOURCE = Path(__file__).resolve().parents[2] / ".cache/npm/node_modules/axe-core/axe.min.js"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Known bugs, reported to their owners: (check, role, URL pattern) → why it fails.
# Listed problems are left out of the checks above; keep this empty unless a fix must wait.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def url_pattern(url: str) -> str:
    """/lists/12/edit/?view=all → /lists/{id}/edit/?view: one pattern for many pages."""
    parts = urlsplit(url)
    segments = [
        "{id}" if s.isdigit() else "{token}" if TOKEN.match(s) else s for s in parts.path.split("/")
    ]
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(segments) + (f"?{'&'.join(keys)}" if keys else "")


@dataclass(frozen=True)
class Problem:
    check: str  # "5xx", "404-link", "403-link", "h1", "title", "console", "axe"
    role: str
    pattern: str  # the pattern of the page at fault (the link's target for link checks)
    url: str
    detail: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.check, self.role, self.pattern)


@dataclass
class RoleCrawl:
    role: str
    statuses: dict[str, int] = field(default_factory=dict)
    html_pages: dict[str, str] = field(default_factory=dict)  # pattern → first 200 page
    problems: list[Problem] = field(default_factory=list)
    parsed: int = 0


def _same_origin_path(href: str, base: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin(ORIGIN + base, href)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if NEVER_FOLLOW.search(parts.path) else path


def _get_form_url(form, base: str) -> str | None:
    """A GET form submitted with its defaults, text boxes filled with a sample query."""
    action = _same_origin_path(form.get("action") or base.split("?")[0], base)
    if action is None:
        return None
    data: list[tuple[str, str]] = []
    for element in form.xpath(".//input[@name] | .//select[@name]"):
        name = element.get("name")
        if element.tag == "select":
            chosen = element.xpath(".//option[@selected]") or element.xpath(".//option")
            if chosen:
                data.append((name, chosen[0].get("value", chosen[0].text_content())))
            continue
        kind = (element.get("type") or "text").lower()
        if kind in {"text", "search"}:
            data.append((name, element.get("value") or SAMPLE_QUERY))
        elif kind in {"checkbox", "radio"}:
            if element.get("checked") is not None:
                data.append((name, element.get("value", "on")))
        elif kind not in {"submit", "button", "file", "image", "reset"}:
            data.append((name, element.get("value", "")))
    path = urlsplit(action).path
    return f"{path}?{urlencode(data)}" if data else path


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _get(client: Client, path: str, accept: str = "text/html,*/*"):
    # In a savepoint: a page that fails with a database error must not abort the demo's
    # transaction (PostgreSQL refuses every later query of an aborted one).
    with transaction.atomic():
        response = client.get(path, headers={"accept": accept})
        if response.status_code >= 500:
            transaction.set_rollback(True)
    return response


def crawl(client: Client, role: str) -> RoleCrawl:
    """Breadth-first from the home page: the first link targets of each pattern are fetched,
    the first few of those parsed and followed."""
    result = RoleCrawl(role=role)
    queue: list[tuple[str, str]] = [("/", "(start)")]
    seen: set[str] = {"/"}
    checks: dict[str, int] = defaultdict(int)
    per_pattern: dict[str, int] = defaultdict(int)

    def enqueue(path: str, referrer: str, limit: int = CHECKS_PER_PATTERN) -> None:
        pattern = url_pattern(path)
        if path not in seen and checks[pattern] < limit:
            seen.add(path)
            checks[pattern] += 1
            queue.append((path, referrer))

    while queue:
        path, referrer = queue.pop(0)
        pattern = url_pattern(path)
        response = _get(client, path)
        status = response.status_code
        result.statuses[path] = status
        where = f"linked from {referrer}"
        if status >= 500:
            result.problems.append(Problem("5xx", role, pattern, path, f"{status}, {where}"))
        elif status == 404:
            result.problems.append(Problem("404-link", role, pattern, path, where))
        elif status == 403:
            result.problems.append(Problem("403-link", role, pattern, path, where))
        elif status in (301, 302, 303, 307, 308):
            target = _same_origin_path(response["Location"], path)
            if target is not None and urlsplit(target).path == LOGIN_PATH:
                # Signed in already: sent to sign in means "not for you", a 403 in disguise.
                result.problems.append(Problem("403-link", role, pattern, path, where))
            elif target is not None:
                enqueue(target, path)
        if (
            status != 200
            or not _is_html(response)
            or per_pattern[pattern] >= PAGES_PER_PATTERN
            or result.parsed >= PAGES_PER_ROLE
        ):
            continue
        per_pattern[pattern] += 1
        result.parsed += 1
        result.html_pages.setdefault(pattern, path)
        document = lxml.html.fromstring(response.content)
        h1s = len(document.xpath("//h1"))
        if h1s != 1:
            result.problems.append(Problem("h1", role, pattern, path, f"{h1s} h1 elements"))
        titles = [t.text_content().strip() for t in document.xpath("//head/title")]
        if len(titles) != 1 or not titles[0]:
            result.problems.append(Problem("title", role, pattern, path, f"titles: {titles}"))
        for anchor in document.xpath("//a[@href]"):
            target = _same_origin_path(anchor.get("href"), path)
            if target is not None:
                # Downloads (slow to make) are fetched once a pattern, to prove they open.
                download = anchor.get("download") is not None
                enqueue(target, path, 1 if download else CHECKS_PER_PATTERN)
        for form in document.xpath("//form"):
            if (form.get("method") or "get").lower() == "get":
                target = _get_form_url(form, path)
                if target is not None:
                    enqueue(target, path)
    return result


def _answer_from_django(client: Client, blocked: list[str]):
    """A Playwright route handler: the browser's requests served by the Django test client."""

    def handle(route, request) -> None:
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if request.method not in ("GET", "HEAD") or NEVER_FOLLOW.search(parts.path):
            blocked.append(f"{request.method} {path}")
            route.abort()
            return
        status, headers, body = _outside_the_event_loop(
            client, path, request.headers.get("accept", "*/*")
        )
        route.fulfill(status=status, headers=headers, body=body)

    return handle


_STATIC: dict[str, tuple[int, dict[str, str], bytes]] = {}


def _outside_the_event_loop(client: Client, path: str, accept: str):
    if path in _STATIC:  # each new browser context asks again; the files do not change
        return _STATIC[path]
    with _no_running_event_loop():
        response = _get(client, path, accept=accept)
        # No response.close(): the client closes responses itself, with Django's
        # close_old_connections unhooked; closing again would close the connection
        # (it is inside a transaction) and lose the demo on PostgreSQL.
        body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
    answer = (response.status_code, headers, body)
    if path.startswith(settings.STATIC_URL) and response.status_code == 200:
        _STATIC[path] = answer
    return answer


@contextmanager
def _no_running_event_loop():
    """Django keeps one database connection per thread, but one per async context while an
    event loop runs in the thread, as Playwright's does (in its route handlers too). The demo
    lives in one uncommitted transaction, so all its queries must use the thread's connection.
    """
    loop = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(loop)


@dataclass
class CampusCrawl:
    roles: dict[str, RoleCrawl]
    browser_problems: list[Problem] = field(default_factory=list)
    browser_pages: int = 0

    def problems(self, check: str, role: str | None = None) -> list[Problem]:
        every = [p for crawl in self.roles.values() for p in crawl.problems]
        every += self.browser_problems
        return [p for p in every if p.check == check and (role is None or p.role == role)]


@pytest.fixture(scope="module")
def campus(django_db_setup, django_db_blocker, browser):
    """Northfield University, crawled as each role; the demo is rolled back before the tests,
    which only read what the crawl found."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        _rolled_back(),
    ):
        with _no_running_event_loop():
            institution = build_demo().institution
            clients: dict[str, Client] = {}
            crawls: dict[str, RoleCrawl] = {}
            for role, username in ROLES.items():
                user = User.objects.get(institution=institution, username=username)
                # A view that raises must become a 500 to report, not stop the crawl.
                clients[role] = Client(raise_request_exception=False)
                clients[role].force_login(user)
                crawls[role] = crawl(clients[role], role)
        result = CampusCrawl(roles=crawls)
        _check_in_chromium(browser, clients, result)
    yield result
    # The tests' own connections were opened while Playwright's loop ran, so each belongs to
    # an async context; left open, they stop PostgreSQL from dropping the test database.
    connections.close_all()


@contextmanager
def _rolled_back():
    with _no_running_event_loop():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with _no_running_event_loop():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _check_in_chromium(browser, clients: dict[str, Client], result: CampusCrawl) -> None:
    """One page of each path in Chromium (its fullest query variant, as search results), as
    the first role that reached it: script errors, requests the page should not make, axe."""
    source = AXE_SOURCE.read_text() if AXE_SOURCE.exists() else None
    opened: set[str] = set()
    for role, client in clients.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        blocked: list[str] = []
        context.route(f"{BROWSER_ORIGIN}/**", _answer_from_django(client, blocked))
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, e=errors: m.type == "error" and e.append(m.text))
        page.on("pageerror", lambda exc, e=errors: e.append(f"uncaught: {exc}"))
        for pattern, path in _one_page_a_path(result.roles[role].html_pages):
            if pattern.split("?")[0] in opened:
                continue
            opened.add(pattern.split("?")[0])
            errors.clear()
            blocked.clear()
            page.goto(BROWSER_ORIGIN + path, wait_until="load")
            result.browser_pages += 1
            for message in errors + [f"requested on load: {b}" for b in blocked]:
                result.browser_problems.append(Problem("console", role, pattern, path, message))
            if source is not None:
                for violation in _axe(page, source):
                    result.browser_problems.append(Problem("axe", role, pattern, path, violation))
        context.close()


def _one_page_a_path(html_pages: dict[str, str]) -> list[tuple[str, str]]:
    fullest: dict[str, tuple[str, str]] = {}
    for pattern, path in html_pages.items():
        base = pattern.split("?")[0]
        if base not in fullest or len(pattern) > len(fullest[base][0]):
            fullest[base] = (pattern, path)
    return list(fullest.values())


def _axe(page, source: str) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    found = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found["violations"]
    ]


def _unexpected(problems: list[Problem]) -> list[str]:
    return [
        f"{p.role} {p.pattern}: {p.url} — {p.detail}" for p in problems if p.key not in KNOWN_BUGS
    ]


class _CannedSite:
    """Stands in for the test client: path → response, anything else is missing."""

    def __init__(self, pages: dict[str, HttpResponse]):
        self.pages = pages

    def get(self, path: str, headers=None) -> HttpResponse:
        return self.pages.get(path) or HttpResponseNotFound("<title>Gone</title><h1>Gone</h1>")


def test_the_crawler_reports_a_missing_page_a_server_error_and_a_page_without_h1():
    home = '<title>Home</title><h1>Home</h1><a href="/gone/">a</a><a href="/boom/">b</a>'
    site = _CannedSite(
        {
            "/": HttpResponse(home + '<a href="/bare/">c</a><a href="/x/delete/">d</a>'),
            "/boom/": HttpResponseServerError("boom"),
            "/bare/": HttpResponse("<title>Bare</title><p>No heading</p>"),
        }
    )
    found = {(p.check, p.pattern) for p in crawl(site, "student").problems}
    assert found == {("404-link", "/gone/"), ("5xx", "/boom/"), ("h1", "/bare/")}


@pytest.mark.parametrize("role", ROLES)
def test_the_crawl_reaches_the_pages_of_the_role(campus, role):
    # A crawl that stopped at the home page would prove nothing below.
    assert len(campus.roles[role].html_pages) >= 3, campus.roles[role].html_pages


@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_with_a_server_error(campus, role):
    assert _unexpected(campus.problems("5xx", role)) == []


@pytest.mark.parametrize("role", ROLES)
def test_no_page_links_to_a_page_that_does_not_exist(campus, role):
    assert _unexpected(campus.problems("404-link", role)) == []


@pytest.mark.parametrize("role", ROLES)
def test_no_page_links_to_a_page_its_viewer_may_not_open(campus, role):
    assert _unexpected(campus.problems("403-link", role)) == []


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_one_h1_and_a_title(campus, role):
    assert _unexpected(campus.problems("h1", role) + campus.problems("title", role)) == []


@pytest.mark.parametrize("role", ROLES)
def test_no_page_logs_a_script_error_in_the_browser(campus, role):
    assert campus.browser_pages > 0
    assert _unexpected(campus.problems("console", role)) == []


def test_one_page_of_every_pattern_has_no_accessibility_violations(campus):
    if not AXE_SOURCE.exists():
        pytest.skip(f"axe-core is not installed at {AXE_SOURCE}")
    assert _unexpected(campus.problems("axe")) == []
