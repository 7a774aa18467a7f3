"""A student exports a list: copies the APA bibliography and downloads RIS, by keyboard too."""

from __future__ import annotations

from pathlib import Path

import pytest

from readings.citations.models import CitationStatus
from readings.citations.services import citation_create
from readings.courses.services import course_create, course_enroll
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create

pytestmark = pytest.mark.browser

KUHN_APA = (
    "Kuhn, T. S. (1962). The structure of scientific revolutions. University of Chicago Press."
)


@pytest.fixture
def reading_list(institution, make_user):
    student = make_user("stu", password="correct-horse-battery")
    course = course_create(institution=institution, code="HIST101", title="Modern History")
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution,
        name="History readings",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
        first_section="Week 1",
    )
    section = reading_list.sections.get()
    citation_create(
        section=section,
        fields={
            "secondary_type": "BK",
            "title": "The structure of scientific revolutions",
            "authors": "Kuhn, Thomas S.",
            "publisher": "University of Chicago Press",
            "publication_date": "1962",
        },
    )
    citation_create(
        section=section,
        fields={"title": "Withdrawn pamphlet", "status": CitationStatus.INACTIVE},
    )
    return reading_list


def _open_export_page(page, live_server, reading_list) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/lists/{reading_list.pk}/export/?style=apa")
    page.get_by_label("Username").fill("stu")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/lists/{reading_list.pk}/export/**")


def test_a_student_copies_the_apa_bibliography(page, live_server, reading_list):
    _open_export_page(page, live_server, reading_list)

    text = page.get_by_label("Formatted bibliography as text").input_value()
    assert text == f"Week 1\n{KUHN_APA}\n"
    assert "Withdrawn pamphlet" not in page.content()

    copy = page.get_by_role("button", name="Copy")
    copy.focus()
    page.keyboard.press("Enter")

    status = page.get_by_role("status").filter(has_text="Copied")
    assert status.inner_text() == "Copied to the clipboard."
    assert page.evaluate("navigator.clipboard.readText()") == text


def test_a_student_downloads_the_list_as_ris(page, live_server, reading_list):
    _open_export_page(page, live_server, reading_list)

    with page.expect_download() as info:
        page.get_by_role("link", name="RIS (EndNote, Zotero, Mendeley)").click()

    download = info.value
    assert download.suggested_filename == "history-readings.ris"
    body = Path(download.path()).read_text(encoding="utf-8")
    assert "TI  - The structure of scientific revolutions" in body
    assert "Withdrawn pamphlet" not in body


def test_switching_to_bibtex_by_keyboard_shows_bibtex(page, live_server, reading_list):
    _open_export_page(page, live_server, reading_list)

    page.get_by_label("BibTeX (LaTeX)").check()
    page.get_by_role("button", name="Show").press("Enter")

    page.wait_for_url("**format=bibtex**")
    assert page.get_by_label("BibTeX (LaTeX) as text").input_value().startswith("@book{kuhn1962,")


def test_the_export_page_passes_the_accessibility_check(
    page, live_server, reading_list, axe_violations
):
    _open_export_page(page, live_server, reading_list)
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 360, "height": 740})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert axe_violations(page) == []
