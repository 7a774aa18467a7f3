"""An instructor builds and rearranges a list in the editor, by mouse and by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from readings.citations.models import Citation
from readings.citations.services import citation_create
from readings.courses.models import EnrollmentRole
from readings.courses.services import course_create, course_enroll
from readings.lists.models import ReadingList
from readings.lists.services import list_create

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"


@pytest.fixture
def reading_list(institution, make_user):
    instructor = make_user("prof", roles=["instructor"], password=PASSWORD)
    course = course_create(institution=institution, code="HIST101", title="Modern History")
    course_enroll(course=course, user=instructor, role=EnrollmentRole.INSTRUCTOR)
    return list_create(
        institution=institution,
        name="History readings",
        courses=[course],
        first_section="Week 1",
    )


def _sign_in(page, live_server, next_path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill("prof")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


def _titles(page, section: str) -> list[str]:
    region = page.get_by_role("region", name=section, exact=True)
    return [t.strip() for t in region.locator(".ed-item .title").all_inner_texts()]


def _add_section(page, name: str) -> None:
    page.get_by_label("Section name").fill(name)
    page.get_by_role("button", name="Add section").click()
    expect(page.get_by_role("heading", name=name, level=2)).to_be_visible()


def _show(region) -> None:
    """Scroll a section into view and let rows that were skipped off screen lay out.

    Rows off screen are not laid out (content-visibility), so their size changes
    once shown; a drag aimed before that would land in the wrong place.
    """
    region.scroll_into_view_if_needed()
    region.page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )


def _order_in_db(reading_list: ReadingList, section: str) -> list[str]:
    return list(
        Citation.objects.filter(section__reading_list=reading_list, section__name=section)
        .order_by("position")
        .values_list("title", flat=True)
    )


def test_an_instructor_builds_reorders_and_moves_items_then_meets_a_conflict(
    page, browser, live_server, reading_list, axe_violations
):
    path = f"/lists/{reading_list.pk}/edit/"
    _sign_in(page, live_server, path)
    _add_section(page, "Week 2")
    _add_section(page, "Week 3")

    status = page.locator("#editor-status")
    for section in ("Week 1", "Week 2", "Week 3"):
        page.get_by_role("link", name=f"Add a citation to “{section}”").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        for n in range(1, 5):
            title = f"{section} reading {n}"
            dialog.get_by_label("Title", exact=True).fill(title)
            dialog.get_by_label("Authors").fill(f"Author, A{n}")
            dialog.get_by_role("button", name="Add citation").click()
            expect(status).to_contain_text(f"Added “{title}”")
            expect(dialog.get_by_label("Title", exact=True)).to_have_value("")
        dialog.get_by_role("button", name="Close").click()
    assert Citation.objects.filter(reading_list=reading_list).count() == 12
    assert _titles(page, "Week 2") == [f"Week 2 reading {n}" for n in range(1, 5)]
    assert axe_violations(page) == []

    # Drag the fourth item of week 1 above the first.
    week1 = page.get_by_role("region", name="Week 1", exact=True)
    _show(week1)
    week1.locator(".ed-item").nth(3).drag_to(
        week1.locator(".ed-item").nth(0), target_position={"x": 20, "y": 5}
    )
    expect(status).to_contain_text("to position 1 in “Week 1”")
    expected = ["Week 1 reading 4", "Week 1 reading 1", "Week 1 reading 2", "Week 1 reading 3"]
    assert _titles(page, "Week 1") == expected
    assert _order_in_db(reading_list, "Week 1") == expected

    # Drag an item of week 1 into week 3, between its first two items.
    week3 = page.get_by_role("region", name="Week 3", exact=True)
    _show(week3)
    week1.locator(".ed-item").nth(1).drag_to(
        week3.locator(".ed-item").nth(1), target_position={"x": 20, "y": 5}
    )
    expect(status).to_contain_text("in “Week 3”")
    assert _order_in_db(reading_list, "Week 3")[:3] == [
        "Week 3 reading 1",
        "Week 1 reading 1",
        "Week 3 reading 2",
    ]

    # Keyboard: Alt+ArrowDown on a focused item moves it down, announcing the new place.
    move_button = week3.locator(".ed-item").nth(0).get_by_role("button", name="Move")
    move_button.focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(status).to_contain_text("Moved “Week 3 reading 1” to position 2 in “Week 3”")
    assert _order_in_db(reading_list, "Week 3")[:2] == ["Week 1 reading 1", "Week 3 reading 1"]
    assert page.evaluate("document.activeElement.textContent.trim()") == "Move"

    # Keyboard: the Move menu sends an item to another section.
    week2 = page.get_by_role("region", name="Week 2", exact=True)
    week2.locator(".ed-item").nth(0).get_by_role("button", name="Move").press("Enter")
    menu = page.locator("#move-menu")
    expect(menu).to_be_visible()
    menu.get_by_label("To the end of section").select_option(label="Week 1")
    menu.get_by_role("button", name="Move there").press("Enter")
    expect(status).to_contain_text("Moved “Week 2 reading 1” to position")
    assert _titles(page, "Week 1")[-1] == "Week 2 reading 1"
    assert _order_in_db(reading_list, "Week 1")[-1] == "Week 2 reading 1"
    assert len(_titles(page, "Week 2")) == 3

    # A second window changes the list; this window's next edit is refused and kept.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        second = other.new_page()
        _sign_in(second, live_server, path)
        second.get_by_role("link", name="Add a citation to “Week 2”").click()
        second.get_by_role("dialog").get_by_label("Title", exact=True).fill("From the other window")
        second.get_by_role("dialog").get_by_role("button", name="Add citation").click()
        expect(second.locator("#editor-status")).to_contain_text("Added")
    finally:
        other.close()

    week2.locator(".ed-item").nth(0).get_by_role("link", name="Edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Title", exact=True).fill("My retitled reading")
    dialog.get_by_role("button", name="Save citation").click()
    conflict = dialog.get_by_role("alert").filter(has_text="Someone else changed this list")
    expect(conflict).to_be_visible()
    assert axe_violations(page) == []
    dialog.get_by_role("button", name="Reload the list").click()
    expect(status).to_contain_text("reloaded")
    assert "From the other window" in _titles(page, "Week 2")
    expect(dialog.get_by_label("Title", exact=True)).to_have_value("My retitled reading")
    dialog.get_by_role("button", name="Save citation").click()
    expect(status).to_contain_text("Saved “My retitled reading”")
    assert "My retitled reading" in _titles(page, "Week 2")
    assert axe_violations(page) == []


def test_the_editor_of_a_long_list_keeps_per_item_html_small(
    page, live_server, reading_list, institution
):
    section = reading_list.sections.get()
    for n in range(300):
        citation_create(section=section, fields={"title": f"Reading {n}", "authors": "Doe, J"})
    _sign_in(page, live_server, f"/lists/{reading_list.pk}/edit/")
    size = page.evaluate("document.documentElement.outerHTML.length")
    # The edit forms come on demand: each row is a line of markup, not a form.
    assert size / 300 < 1500
    assert page.locator("form.citation-form").count() == 0
    assert re.search("Reading 299", page.content())


def test_the_identifier_box_fills_the_add_form(page, live_server, reading_list, axe_violations):
    answer = {
        "fields": {
            "secondary_type": "CR",
            "title": "A recorded article",
            "authors": [{"family": "Doe", "given": "Jane"}],
            "container_title": "Journal of Tests",
            "doi": "10.1000/xyz",
        }
    }
    # The resolvers' own tests replay recorded responses; here only the form's filling is tested.
    page.route("**/identify/", lambda route: route.fulfill(json=answer))
    _sign_in(page, live_server, f"/lists/{reading_list.pk}/edit/")
    page.get_by_role("link", name="Add a citation to “Week 1”").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Fill in from a DOI, ISBN, PMID or web address").fill("10.1000/xyz")
    dialog.get_by_role("button", name="Look up").click()
    expect(dialog.get_by_label("Title", exact=True)).to_have_value("A recorded article")
    expect(dialog.get_by_label("Authors")).to_have_value("Doe, Jane")
    expect(dialog.get_by_label("Journal, site or series")).to_be_visible()
    expect(dialog.get_by_label("ISBN", exact=True)).to_be_hidden()
    assert axe_violations(page) == []
    dialog.get_by_role("button", name="Add citation").click()
    expect(page.locator("#editor-status")).to_contain_text("Added “A recorded article”")
    citation = Citation.objects.get(reading_list=reading_list)
    assert (citation.secondary_type, citation.doi) == ("CR", "10.1000/xyz")


def test_the_form_pages_work_without_the_editor_and_pass_the_accessibility_check(
    page, live_server, reading_list, axe_violations
):
    section = reading_list.sections.get()
    citation = citation_create(section=section, fields={"title": "Plain page"})
    _sign_in(page, live_server, f"/lists/{reading_list.pk}/edit/citations/{citation.pk}/")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/lists/{reading_list.pk}/edit/sections/{section.pk}/")
    expect(page.get_by_text("also deletes its 1 citation")).to_be_visible()
    assert axe_violations(page) == []


def test_the_editor_fits_a_phone_width_screen(page, live_server, reading_list):
    section = reading_list.sections.get()
    citation_create(
        section=section,
        fields={"title": "A rather long title that must wrap on a small screen " * 3},
    )
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server, f"/lists/{reading_list.pk}/edit/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator("#move-menu")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_deleting_from_the_dialog_needs_the_confirmation_box(page, live_server, reading_list):
    section = reading_list.sections.get()
    for title in ("Keep me", "Delete me"):
        citation_create(section=section, fields={"title": title})
    _sign_in(page, live_server, f"/lists/{reading_list.pk}/edit/")
    page.locator(".ed-item").nth(1).get_by_role("link", name="Edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Delete").click()
    # The browser refuses the form until the box is ticked: nothing is sent.
    assert Citation.objects.filter(title="Delete me").exists()
    dialog.get_by_label("Yes, delete this citation").check()
    dialog.get_by_role("button", name="Delete").click()
    expect(page.locator("#editor-status")).to_contain_text("Deleted “Delete me”")
    assert _titles(page, "Week 1") == ["Keep me"]
    assert not Citation.objects.filter(title="Delete me").exists()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Edit"
