"""A librarian loads course files in a real browser (headless Chromium, Playwright)."""

from __future__ import annotations

import re
import shutil
import threading

import pytest
from loader_files import DATA, course

from readings.courses.models import Course
from readings.loaders.models import Load, LoadStatus

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def _sign_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill("libby")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _upload(page, path, mode: str) -> None:
    page.get_by_label("Courses (Alma course-loader file, tab-separated)").check()
    page.get_by_label(mode).check()
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload and start").click()


def _cells(row) -> list[str]:
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


@pytest.mark.usefixtures("immediate_tasks")
def test_a_librarian_sees_the_lancaster_errors_then_applies_a_clean_file(
    chromium, live_server, librarian, tmp_path, course_file
):
    lancaster = shutil.copy(DATA / "lancaster-courses-new.tsv", tmp_path / "lancaster.tsv")
    clean = course_file([course("HIST101"), course("HIST102"), course("HIST103")])

    def steps(page):
        seen = {}
        _sign_in(page, f"{live_server.url}/")
        page.get_by_role("link", name="Loads").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Loads"

        page.get_by_role("link", name="Load a file").click()
        _upload(page, lancaster, "Apply, if the file has no errors (otherwise change nothing)")
        page.get_by_text("Nothing was applied: the file has 4 errors.").wait_for()
        end_date = page.locator("table.problems tbody tr", has_text="is before START_DATE")
        seen["end_date"] = _cells(end_date)
        page.get_by_label("Show").select_option(label="Errors only")
        page.get_by_role("button", name="Filter").click()
        page.get_by_text("4 problems shown").wait_for()
        seen["types"] = page.locator("table.problems tbody td:first-child").all_inner_texts()

        page.get_by_role("link", name="Load another file").click()
        _upload(page, clean, "Apply, if the file has no errors (otherwise change nothing)")
        page.get_by_text("Applied: the 3 rows of the file were loaded.").wait_for()
        seen["created"] = page.locator("table.counts tr", has_text="created").inner_text()

        page.get_by_role("link", name="Loads", exact=True).first.click()
        seen["history"] = page.locator("table tbody tr").all_inner_texts()
        return seen

    seen = chromium(steps).result()

    assert seen["end_date"] == [
        "Error",
        "3",
        "END_DATE",
        "2017-03-31",
        "END_DATE '2017-03-31' is before START_DATE '2018-01-14'.",
    ]
    assert seen["types"] == ["Error"] * 4
    assert re.fullmatch(r"created\s+3", seen["created"])
    assert sorted(Course.objects.values_list("code", flat=True)) == [
        "HIST101",
        "HIST102",
        "HIST103",
    ]
    assert [load.status for load in Load.objects.order_by("pk")] == [
        LoadStatus.REJECTED,
        LoadStatus.APPLIED,
    ]
    assert len(seen["history"]) == 2
    assert "Applied" in seen["history"][0]
    assert "Not applied: the file has errors" in seen["history"][1]


def test_the_page_follows_a_background_load_until_its_report(
    chromium, live_server, librarian, course_file, settings, run_worker
):
    """The task waits for a worker; the page polls its progress and shows the report."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    path = course_file([course("HIST201"), course("HIST202")])
    waiting, worker_done = threading.Event(), threading.Event()

    def steps(page):
        seen = {}
        # Requests wait in the browser while this thread is not talking to Playwright,
        # so no request reaches the server while the test's thread runs the worker.
        page.route("**/*", lambda route: route.continue_())
        _sign_in(page, f"{live_server.url}/loads/new/")
        _upload(page, path, "Apply, if the file has no errors (otherwise change nothing)")
        page.wait_for_load_state("load")
        seen["waiting"] = page.locator("#load-stage").inner_text()
        seen["live"] = page.locator("#load-stage").get_attribute("aria-live")
        waiting.set()
        worker_done.wait(timeout=60)
        # The next poll sees the load finished and reloads the page: the report.
        page.get_by_text("Applied: the 2 rows of the file were loaded.").wait_for()
        seen["progress_gone"] = page.locator("#load-progress").count() == 0
        return seen

    run = chromium(steps)
    run.wait_for(waiting)
    assert Load.objects.get().status == LoadStatus.QUEUED
    run_worker()
    worker_done.set()
    seen = run.result()

    assert seen["waiting"] == "Waiting for the task worker to start the load…"
    assert seen["live"] == "polite"
    assert seen["progress_gone"]
    assert sorted(Course.objects.values_list("code", flat=True)) == ["HIST201", "HIST202"]
