"""An institution ready to take course files, and helpers to write and load them."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from loader_files import write_lines

from readings.institutions.services import academic_department_create, processing_department_create
from readings.loaders.models import Load
from readings.loaders.runs import LoadOptions
from readings.loaders.services import courses_load


@pytest.fixture
def uni(institution):
    """The test institution with processing department LIB and academic department CRS."""
    processing_department_create(institution=institution, code="LIB", name="Library")
    academic_department_create(institution=institution, code="CRS", name="Course studies")
    return institution


@pytest.fixture
def course_file(tmp_path) -> Callable[..., Path]:
    counter = {"n": 0}

    def make(lines: list[str], **kwargs) -> Path:
        counter["n"] += 1
        return write_lines(tmp_path / f"courses-{counter['n']}.tsv", lines, **kwargs)

    return make


@pytest.fixture
def load(uni) -> Callable[..., Load]:
    """load(path, dry_run=True, …) → the Load record of a course load for ``uni``."""

    def run(path: Path, **options) -> Load:
        return courses_load(institution=uni, path=path, options=LoadOptions(**options))

    return run


# The web pages (tests/loaders/test_web_*.py) ---------------------------------------

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


def pytest_configure(config):
    # Also registered by tests/browser; repeated so tests/loaders runs on its own.
    config.addinivalue_line("markers", "browser: drives headless Chromium through Playwright")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Uploaded files go to this test's own MEDIA_ROOT, never the repository's data/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run inline when enqueued (after the commit of the upload)."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def librarian(uni, make_user):
    return make_user("libby", roles=["librarian"], first_name="Libby", last_name="Reader")


@pytest.fixture
def librarian_client(client, librarian):
    client.force_login(librarian)
    return client


@pytest.fixture
def submit(librarian_client, django_capture_on_commit_callbacks):
    """submit(path, mode="dry_run", kind="courses", …) → the load's page (or the form's answer).

    Commit callbacks run, so with ``immediate_tasks`` the load has run when it returns.
    """

    def post(path: Path, *, mode: str = "dry_run", kind: str = "courses", follow=True, **fields):
        with path.open("rb") as stream, django_capture_on_commit_callbacks(execute=True):
            response = librarian_client.post(
                reverse("loaders:new"),
                {"kind": kind, "mode": mode, "date_format": "", **fields, "file": stream},
            )
        if follow and response.status_code == 302:
            # Followed once the commit callbacks (the task) have run.
            return librarian_client.get(response["Location"])
        return response

    return post


@pytest.fixture
def run_worker():
    """run_worker() runs every queued task, as ``readings db_worker --batch`` does."""

    def run() -> None:
        # The worker installs its own signal handlers; give pytest back its own.
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)

    return run


# Headless Chromium ------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
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
# Guards against a hung browser, not performance expectations.
STEP_TIMEOUT_MS = 15_000
THREAD_TIMEOUT_S = 120


class ChromiumRun:
    """Browser steps running on a thread of their own, with their outcome once done.

    Sync Playwright runs an event loop on the thread that starts it; tests/browser
    keeps one open on the main thread for the whole session, so each run here
    gets its own thread, and the test checks the database from its own.
    """

    def __init__(self, steps: Callable) -> None:
        self.outcome: dict = {}
        self.thread = threading.Thread(target=self._work, args=(steps,), daemon=True)
        self.thread.start()

    def _work(self, steps: Callable) -> None:
        from playwright.sync_api import Error, sync_playwright

        try:
            with sync_playwright() as playwright:
                try:
                    browser = playwright.chromium.launch(
                        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                    )
                except Error as exc:
                    self.outcome["skip"] = f"Chromium at {CHROMIUM} did not start: {exc}"
                    return
                try:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    context.set_default_timeout(STEP_TIMEOUT_MS)
                    self.outcome["value"] = steps(context.new_page())
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised on the test's thread by result()
            self.outcome["error"] = exc

    def wait_for(self, event: threading.Event) -> None:
        """Wait until the steps set ``event``; fail at once if they end without it."""
        deadline = time.monotonic() + THREAD_TIMEOUT_S
        while not event.wait(0.05):
            if not self.thread.is_alive():
                self.result()
                pytest.fail("the browser steps ended before they were ready")
            if time.monotonic() > deadline:
                pytest.fail(f"the browser steps were not ready within {THREAD_TIMEOUT_S} s")

    def result(self):
        self.thread.join(timeout=THREAD_TIMEOUT_S)
        if self.thread.is_alive():
            pytest.fail(f"the browser steps did not finish within {THREAD_TIMEOUT_S} s")
        if "skip" in self.outcome:
            pytest.skip(self.outcome["skip"])
        if "error" in self.outcome:
            raise self.outcome["error"]
        return self.outcome.get("value")


@pytest.fixture
def chromium(monkeypatch) -> Callable[[Callable], ChromiumRun]:
    """chromium(steps) starts steps(page) in headless Chromium; .result() waits for them."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    # The live server and this thread use the ORM while Playwright's loop runs elsewhere.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return ChromiumRun
