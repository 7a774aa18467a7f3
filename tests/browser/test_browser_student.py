"""A student's path through Readings in a real browser, by mouse and by keyboard."""

from __future__ import annotations

import pytest

from readings.citations.models import CitationStatus
from readings.citations.services import citation_create
from readings.courses.services import course_create, course_enroll
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create

pytestmark = pytest.mark.browser


@pytest.fixture
def reading_list(institution, make_user):
    student = make_user("stu", password="correct-horse-battery")
    course = course_create(institution=institution, code="HIST101", title="Modern History")
    course_create(institution=institution, code="CHEM200", title="Organic Chemistry")
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution,
        name="History readings",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    section = reading_list.sections.get()
    citation_create(
        section=section,
        fields={"title": "The Age of Extremes", "authors": "Hobsbawm, Eric"},
    )
    citation_create(
        section=section,
        fields={"title": "Withdrawn pamphlet", "status": CitationStatus.INACTIVE},
    )
    return reading_list


def _sign_in(page, live_server, next_path: str = "/") -> None:
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("Username").fill("stu")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()


def test_a_student_signs_in_finds_the_course_and_reads_the_list(page, live_server, reading_list):
    _sign_in(page, live_server)
    assert page.get_by_role("heading", level=1).inner_text() == "My courses"

    page.get_by_role("link", name="Find a course").click()
    page.get_by_label("Search courses").fill("modern")
    page.get_by_label("Search courses").press("Enter")
    page.get_by_role("link", name="HIST101").click()
    page.get_by_role("link", name="History readings").click()

    assert page.get_by_role("heading", level=1).inner_text() == "History readings"
    assert page.get_by_text("The Age of Extremes").is_visible()
    assert page.get_by_text("Withdrawn pamphlet").count() == 0
    # The stylesheet is served (whitenoise with finders): the header is dark.
    header = page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(27, 27, 31)"


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_main(
    page, live_server, reading_list
):
    _sign_in(page, live_server, f"/lists/{reading_list.pk}/")
    page.wait_for_url(f"**/lists/{reading_list.pk}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    box = page.locator("a.skip").bounding_box()
    assert box is not None
    assert box["y"] >= 0  # shown on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_list_fits_a_phone_width_screen(page, live_server, reading_list):
    _sign_in(page, live_server, f"/lists/{reading_list.pk}/")
    page.wait_for_url(f"**/lists/{reading_list.pk}/")
    page.set_viewport_size({"width": 360, "height": 740})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert page.get_by_text("The Age of Extremes").is_visible()
