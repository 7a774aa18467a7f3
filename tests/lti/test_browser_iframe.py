"""Headless Chromium: an LMS page shows Readings in a cross-site iframe, third-party cookies off.

The LMS pages come from 127.0.0.1 and Readings from localhost: different
sites, so the frame is third-party. Chromium runs with its third-party cookie
phase-out switched on (``--test-third-party-cookie-phaseout``; Playwright's
browser contexts are off-the-record, where Chromium blocks them anyway):
cross-site frames get no unpartitioned cookies, only partitioned (CHIPS) ones.
The control test below checks that the blocking is in force, whichever
switch causes it.

What these tests prove:

- Over HTTPS (both sites behind a local TLS proxy that sets
  ``X-Forwarded-Proto`` as a production proxy does), the launch **lands on the
  list inside the frame**: the state cookie and then the session cookie are
  ``Partitioned; Secure; SameSite=None``, so they live under the LMS's site;
  the list page drops ``X-Frame-Options`` for ``frame-ancestors`` naming the LMS.
  Forms work in the frame too (the CSRF cookie is partitioned as well): an
  instructor sets up an unknown LMS course without leaving the LMS.
- The control: the same flow with the ``Partitioned`` attribute taken off
  shows Chromium really refusing the frame's cookies, and Readings then
  continuing in a new window whose one-time link lands on the list. So the
  first test passes because of partitioning, not because cookies got through.
- Over plain HTTP, where no partitioned cookie can exist (they must be
  ``Secure``), the frame keeps no cookie at all: Readings verifies the launch
  from its server-side state alone and the "open in a new window" link lands
  on the list.

What they cannot prove: other browsers' policies (Safari's and Firefox's
storage partitioning are not exercised; only Chromium runs here), a real
certificate chain (the certificate is self-signed and the browser is told to
accept it), the Storage Access API, or an LMS served from the internet (both
sites are on the loopback interface).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from http.cookies import Morsel
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest

from lti.platform import TestPlatform
from lti.tls import TlsProxy, self_signed_certificate
from readings.citations.services import citation_create
from readings.lti.middleware import PartitionedMorsel

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Chromium's switch for the third-party cookie phase-out: cross-site frames get no cookies.
    "--test-third-party-cookie-phaseout",
]
NEW_WINDOW = "Open Readings in a new window"
STEP_TIMEOUT_MS = 15_000  # each wait for a selector or URL; none of the steps sleeps
THREAD_TIMEOUT_S = 300
T = TypeVar("T")


@pytest.fixture
def in_browser(monkeypatch):
    """Run browser steps in Chromium; what the steps return comes back to the test.

    Playwright's sync API refuses to start where another sync Playwright runs
    (tests/browser keeps one open for the whole session), so each test drives
    its own Chromium from a thread of its own. The steps only touch the
    browser; the test checks the database itself, in its own thread.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return _run_in_chromium


def _run_in_chromium(steps: Callable[[BrowserContext], T]) -> T:
    from playwright.sync_api import Error, sync_playwright

    outcome: dict = {}

    def work() -> None:
        try:
            with sync_playwright() as playwright:
                try:
                    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                except Error as exc:
                    outcome["skip"] = f"Chromium did not start: {exc}"
                    return
                try:
                    # The certificate is self-signed: the browser is told to accept it.
                    context = browser.new_context(ignore_https_errors=True)
                    context.set_default_timeout(STEP_TIMEOUT_MS)
                    outcome["value"] = steps(context)
                finally:
                    browser.close()
        except BaseException as exc:  # handed to the test's thread, which raises it
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="chromium", daemon=True)
    thread.start()
    thread.join(timeout=THREAD_TIMEOUT_S)
    if thread.is_alive():
        pytest.fail(f"Chromium did not finish within {THREAD_TIMEOUT_S} s")
    if "skip" in outcome:
        pytest.skip(outcome["skip"])
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def listed(reading_list):
    citation_create(
        section=reading_list.sections.get(),
        fields={"title": "The Age of Extremes", "authors": "Hobsbawm, Eric"},
    )
    return reading_list


@pytest.fixture
def https_sites(live_server, institution, settings, tmp_path):
    """The LMS at https://127.0.0.1:P1, Readings at https://localhost:P2 (a TLS proxy each)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    cert, key = self_signed_certificate(tmp_path)
    platform = TestPlatform()
    readings = TlsProxy(live_server.url, cert, key, host="localhost")
    lms = TlsProxy(platform.server.base, cert, key, host="127.0.0.1")
    platform.tool_base = readings.url
    platform.register(institution, auth_login_url=f"{lms.url}/auth")
    yield platform, lms.url, readings.url
    for server in (readings, lms):
        server.stop()
    platform.stop()


@pytest.fixture
def http_sites(live_server, institution):
    platform = TestPlatform()
    platform.register(institution)
    platform.tool_base = live_server.url
    yield platform, platform.server.base, live_server.url
    platform.stop()


def _readings_cookies(context) -> list[dict]:
    return [c for c in context.cookies() if c["domain"] == "localhost"]


def test_over_https_the_launch_lands_on_the_list_inside_the_frame(
    in_browser, https_sites, course, listed
):
    _, lms_url, readings_url = https_sites

    def steps(context: BrowserContext) -> list[dict]:
        page = context.new_page()
        page.goto(f"{lms_url}/course")
        tool = page.locator("#tool").element_handle().content_frame()
        tool.wait_for_url(f"{readings_url}/lists/{listed.pk}/")
        tool.get_by_role("heading", name=listed.name).wait_for()
        assert tool.get_by_text("The Age of Extremes").is_visible()
        assert page.url == f"{lms_url}/course"  # the LMS page stayed where it was
        return _readings_cookies(context)

    cookies = in_browser(steps)

    session = next(c for c in cookies if c["name"] == "sessionid")
    # Kept only under the LMS's site: CHIPS, not a third-party cookie.
    assert session["partitionKey"] == "https://127.0.0.1"
    assert all(c.get("partitionKey") for c in cookies), cookies
    # The one-time state cookie was removed once used.
    assert not [c for c in cookies if c["name"].startswith("lti-state-")], cookies


def test_over_https_an_instructor_can_post_forms_inside_the_frame(
    in_browser, https_sites, institution
):
    """An unknown LMS course: the instructor creates its course and list without leaving the LMS."""
    platform, lms_url, readings_url = https_sites
    platform.browser_claims = {
        "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
        "context": {"id": "lms-new", "label": "NEW300", "title": "Brand new course"},
    }

    def steps(context: BrowserContext) -> str:
        page = context.new_page()
        page.goto(f"{lms_url}/course")
        tool = page.locator("#tool").element_handle().content_frame()
        tool.get_by_role("button", name="Create the course and a reading list").click()
        tool.wait_for_url(re.compile(re.escape(readings_url) + r"/lists/\d+/$"))
        tool.get_by_role("heading", name="Brand new course").wait_for()
        return tool.url

    framed_url = in_browser(steps)

    course = institution.courses.get()
    assert course.code == "NEW300"
    assert framed_url == f"{readings_url}/lists/{course.reading_lists.get().pk}/"


def test_without_partitioning_the_browser_blocks_the_frame_s_cookies_and_a_new_window_follows(
    in_browser, https_sites, course, listed, monkeypatch
):
    """The control: the same cookies, unpartitioned, are refused in the third-party frame."""
    monkeypatch.setattr(PartitionedMorsel, "OutputString", Morsel.OutputString)
    _, lms_url, readings_url = https_sites
    in_browser(lambda context: _frame_then_new_window(context, lms_url, readings_url, listed))


def test_over_plain_http_the_launch_continues_in_a_new_window_that_lands_on_the_list(
    in_browser, http_sites, course, listed
):
    _, lms_url, readings_url = http_sites
    in_browser(lambda context: _frame_then_new_window(context, lms_url, readings_url, listed))


def _frame_then_new_window(context: BrowserContext, lms_url: str, readings_url: str, listed):
    """The frame offers a new window and keeps no cookie; the new window lands on the list."""
    page = context.new_page()
    page.goto(f"{lms_url}/course")
    frame = page.frame_locator("#tool")
    open_link = frame.get_by_role("link", name=NEW_WINDOW)
    open_link.wait_for()
    # Nothing was stored for Readings while it was a third-party frame.
    assert _readings_cookies(context) == []
    with page.expect_popup() as popup_info:
        open_link.click()
    window = popup_info.value
    window.get_by_role("button", name="Continue").click()
    window.wait_for_url(f"{readings_url}/lists/{listed.pk}/")
    assert window.get_by_role("heading", name=listed.name).is_visible()
    assert window.get_by_text("The Age of Extremes").is_visible()
