"""An administrator lays out the implementation plan, reads the dashboard and downloads it."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from readings.institutions.services import term_create
from readings.readiness.models import Task
from readings.readiness.services import institution_today, plan_create_or_redate

pytestmark = pytest.mark.browser


@pytest.fixture
def admin(institution, make_user):
    return make_user("admin", roles=["administrator"], password="correct-horse-battery")


def _sign_in_to_readiness(page, live_server) -> None:
    page.goto(f"{live_server.url}/readiness/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/readiness/")


def test_an_administrator_sets_the_go_live_date_and_downloads_the_plan(
    page, live_server, admin, institution, axe_violations
):
    go_live = institution_today(institution) + datetime.timedelta(weeks=12)
    term_create(
        institution=institution, code="NEXT", name="Next term",
        start_date=go_live, end_date=go_live + datetime.timedelta(weeks=12),
    )  # fmt: skip
    _sign_in_to_readiness(page, live_server)

    page.get_by_label("Go-live date").fill(go_live.isoformat())
    page.get_by_role("button", name="Lay out the plan").click()
    page.wait_for_url("**/readiness/")

    assert page.get_by_role("heading", name="Go-live readiness", level=1).is_visible()
    timeline = page.get_by_role("img", name="Timeline of the implementation phases and milestones")
    assert timeline.is_visible()
    assert page.locator("svg.timeline-chart rect.bar").count() == 6
    assert page.get_by_text("84 days to go-live").is_visible()
    assert page.get_by_role("link", name="Download the plan as a calendar (.ics)").is_visible()
    assert axe_violations(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the plan as a calendar (.ics)").click()
    ics = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == "plan-UNI.ics"
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n")
    assert f"DTSTART;VALUE=DATE:{go_live:%Y%m%d}".encode() in ics

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the plan as CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert info.value.suggested_filename == "plan-UNI.csv"
    assert text.startswith("Phase,Task,Side,Responsible,Due,Status")
    assert "Implementation kickoff" in text

    page.set_viewport_size({"width": 360, "height": 740})
    assert axe_violations(page) == []


def test_a_status_change_saves_without_reloading_and_is_announced(
    page, live_server, admin, institution, axe_violations
):
    plan_create_or_redate(
        institution=institution,
        go_live_date=datetime.date.today() + datetime.timedelta(weeks=12),
        by=None,
    )
    _sign_in_to_readiness(page, live_server)

    page.get_by_label("Status of Implementation kickoff").select_option("done")
    page.get_by_label("Status of Implementation kickoff").press("Enter")
    page.locator(
        "form[data-task-status]", has=page.get_by_label("Status of Implementation kickoff")
    ).get_by_role("button", name="Save").click()

    page.locator("#readiness-status", has_text="Implementation kickoff: Done.").wait_for()
    assert page.url.endswith("/readiness/")
    assert _kickoff_status(institution) == "done"
    assert axe_violations(page) == []


def _kickoff_status(institution) -> str:
    return Task.objects.get(plan__institution=institution, key="kickoff").status
