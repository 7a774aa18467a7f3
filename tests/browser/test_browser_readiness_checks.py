"""The readiness checks in a browser: the PDF report, running the checks, a test search, review."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from readings.lists.models import ReadingList
from readings.lists.services import list_create
from readings.readiness.services import institution_today, plan_create_or_redate

pytestmark = pytest.mark.browser


def test_an_administrator_downloads_the_report_runs_the_checks_and_reviews_a_list(
    page, live_server, institution, make_user, axe_violations
):
    make_user("admin", roles=["administrator"], password="correct-horse-battery")
    plan_create_or_redate(
        institution=institution,
        go_live_date=institution_today(institution) + datetime.timedelta(weeks=12),
        by=None,
    )
    page.goto(f"{live_server.url}/readiness/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/readiness/")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the readiness report (PDF)").click()
    assert info.value.suggested_filename.startswith("readiness-UNI-")
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF-")

    page.get_by_role("button", name="Run the checks now").click()
    page.wait_for_url("**/readiness/**")
    assert page.get_by_text("Checks run:").is_visible()
    page.get_by_label("Run a test search for").fill("anything")
    page.get_by_role("button", name="Run a test search").click()
    page.wait_for_url("**/readiness/**")
    assert axe_violations(page) == []

    reading_list = list_create(institution=institution, name="Readings")
    page.goto(f"{live_server.url}/lists/{reading_list.pk}/")
    page.get_by_role("button", name="Mark as reviewed").click()
    page.wait_for_url(f"**/lists/{reading_list.pk}/")
    assert page.locator("p.toolbar-note", has_text="Reviewed on").is_visible()
    assert ReadingList.objects.get().reviewed_at is not None
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    assert axe_violations(page) == []
