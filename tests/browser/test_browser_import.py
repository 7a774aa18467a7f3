"""An instructor imports a RIS and a BibTeX file through the preview, in a real browser."""

from __future__ import annotations

import pytest

from readings.courses.services import course_create
from readings.lists.services import list_create

pytestmark = pytest.mark.browser

RIS = b"""TY  - BOOK
AU  - Kuhn, Thomas S.
TI  - The structure of scientific revolutions
PY  - 1962
ER  -

TY  - ELEC
TI  - A page that runs script
UR  - javascript:alert(1)
ER  -
"""
BIBTEX = b"""@article{okafor2021,
  author  = {Okafor, Chidi and Lindqvist, Maja},
  title   = {Attention and reading: a review <b>bold</b>},
  journal = {Journal of Reading Studies},
  year    = {2021},
}
"""


@pytest.fixture
def reading_list(institution, make_user):
    instructor = make_user("teacher", roles=["instructor"], password="correct-horse-battery")
    course = course_create(institution=institution, code="READ101", title="Reading")
    return list_create(
        institution=institution,
        name="Reading week by week",
        courses=[course],
        acting_user=instructor,
        first_section="Week 1",
    )


def _sign_in(page, live_server, next_path: str) -> None:
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


def _choose_files(page) -> None:
    page.get_by_label("Files").set_input_files(
        [
            {"name": "week1.ris", "mimeType": "application/x-research-info-systems", "buffer": RIS},
            {"name": "week1.bib", "mimeType": "application/x-bibtex", "buffer": BIBTEX},
        ]
    )


def test_an_instructor_imports_two_files_through_the_preview(
    page, live_server, reading_list, axe_violations
):
    _sign_in(page, live_server, f"/lists/{reading_list.pk}/import/")
    assert axe_violations(page) == []
    _choose_files(page)
    page.get_by_role("button", name="Read the files").click()

    page.wait_for_url("**/import/*/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Check the import")
    assert page.get_by_text("2 entries can be imported.").is_visible()
    assert page.get_by_text("1 entry has a problem and will be skipped.").is_visible()
    assert page.get_by_text("Links must start with http:// or https://").is_visible()
    # Markup from the file is shown as text.
    title = page.get_by_text("Attention and reading: a review <b>bold</b>", exact=True)
    assert title.is_visible()
    assert page.locator("b", has_text="bold").count() == 0
    assert page.get_by_text("2 of 2 entries selected").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Import the selected entries").click()
    page.wait_for_url("**/done/")
    assert page.get_by_role("status").inner_text() == "2 imported into “Week 1”, 1 skipped."
    assert page.get_by_text("week1.ris, entry 2").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Open the list").click()
    page.wait_for_url(f"**/lists/{reading_list.pk}/")
    assert page.get_by_text("The structure of scientific revolutions").is_visible()
    assert page.get_by_text("Journal of Reading Studies").first.is_visible()


def test_entries_are_chosen_by_keyboard_and_none_selected_cannot_be_imported(
    page, live_server, reading_list, axe_violations
):
    page.set_viewport_size({"width": 360, "height": 780})
    _sign_in(page, live_server, f"/lists/{reading_list.pk}/import/")
    _choose_files(page)
    page.get_by_role("button", name="Read the files").click()
    page.wait_for_url("**/import/*/")

    page.get_by_role("button", name="Select none").focus()
    page.keyboard.press("Enter")
    assert page.get_by_text("0 of 2 entries selected").is_visible()
    assert page.get_by_role("button", name="Import the selected entries").is_disabled()

    page.get_by_role("checkbox", name="Import The structure of scientific revolutions").focus()
    page.keyboard.press("Space")
    assert page.get_by_text("1 of 2 entries selected").is_visible()
    assert axe_violations(page) == []
    # Nothing sticks out sideways at phone width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("button", name="Import the selected entries").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/done/")
    assert page.get_by_text("1 entry was not selected.").is_visible()
