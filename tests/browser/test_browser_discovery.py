"""An instructor adds library catalogue records to a list from the search page, in a browser."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from pymarc import MARCWriter

from discovery.builders import book, field
from readings.citations.models import Citation
from readings.discovery.catalogue import catalogue_import
from readings.lists.services import list_create, section_create

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(institution, tmp_path):
    held = book("rec-mm", "Middlemarch", author="Eliot, George", isbn="0141439548")
    held.add_field(field("852", "a", "Main Library", "b", "Stacks", "h", "PR4662"))
    records = [held, book("rec-marner", "Silas Marner", author="Eliot, George")]
    path = tmp_path / "catalogue.mrc"
    with open(path, "wb") as out:
        writer = MARCWriter(out)
        for marc in records:
            writer.write(marc)
    catalogue_import(institution=institution, paths=[path])


@pytest.fixture
def reading_list(institution, make_user):
    teacher = make_user("teacher", roles=["instructor"], password="correct-horse-battery")
    reading_list = list_create(
        institution=institution,
        name="Victorian novels",
        acting_user=teacher,
        first_section="Week 1",
    )
    section_create(reading_list=reading_list, name="Week 2")
    return reading_list


def _open_search_from_the_list(page, live_server, reading_list) -> None:
    # The list editor links to the search with the list and its section, as here.
    first = reading_list.sections.order_by("position").first()
    query = urlencode({"list": reading_list.pk, "section": first.pk})
    page.goto(f"{live_server.url}/discovery/search/?{query}")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/discovery/search/**")


def test_an_instructor_adds_a_record_to_a_section_and_is_warned_on_a_second_add(
    page, live_server, catalogue, reading_list, axe_violations
):
    _open_search_from_the_list(page, live_server, reading_list)
    page.get_by_label("Title, author, subject or ISBN").fill("middlemarch")
    page.get_by_label("Title, author, subject or ISBN").press("Enter")
    page.wait_for_selector(".catalogue-record")
    assert page.get_by_text("Main Library, Stacks").is_visible()

    page.get_by_label("Add results to section").select_option(label="Week 2")
    add = page.get_by_role("button", name="Add to Week 2")
    assert add.count() == 1
    page.evaluate("window.stillTheSamePage = true")
    add.click()
    status = page.locator("[data-add-status]").first
    status.get_by_text("Added to Week 2: Middlemarch").wait_for()
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    assert (
        Citation.objects.filter(section__name="Week 2", catalogue_record_id="rec-mm").count() == 1
    )

    add.click()
    status.get_by_text("Already in this list: Week 2 — Middlemarch").wait_for()
    assert Citation.objects.filter(reading_list=reading_list).count() == 1
    assert axe_violations(page) == []

    status.get_by_role("button", name="Add anyway").click()
    status.get_by_text("Added to Week 2: Middlemarch").wait_for()
    assert Citation.objects.filter(reading_list=reading_list).count() == 2


def test_a_record_can_be_added_by_keyboard_alone(page, live_server, catalogue, reading_list):
    _open_search_from_the_list(page, live_server, reading_list)
    page.get_by_label("Title, author, subject or ISBN").fill("marner")
    page.keyboard.press("Enter")
    page.wait_for_selector(".catalogue-record")
    page.get_by_label("Title, author, subject or ISBN").focus()
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")  # the result's add button
    assert page.evaluate("document.activeElement.textContent") == "Add to Week 1"
    page.keyboard.press("Enter")
    page.locator("[data-add-status]").get_by_text("Added to Week 1: Silas Marner").wait_for()
    assert Citation.objects.get(reading_list=reading_list).section.name == "Week 1"


def test_the_search_page_for_a_list_passes_axe_at_phone_width(
    page, live_server, catalogue, reading_list, axe_violations
):
    page.set_viewport_size({"width": 360, "height": 740})
    _open_search_from_the_list(page, live_server, reading_list)
    page.get_by_label("Title, author, subject or ISBN").fill("eliot")
    page.keyboard.press("Enter")
    page.wait_for_selector(".catalogue-record")
    assert axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_a_double_clicked_add_adds_the_record_once(page, live_server, catalogue, reading_list):
    _open_search_from_the_list(page, live_server, reading_list)
    page.get_by_label("Title, author, subject or ISBN").fill("marner")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Add to Week 1").dblclick()
    page.locator("[data-add-status]").get_by_text("Added to Week 1: Silas Marner").wait_for()
    page.wait_for_load_state("networkidle")
    assert Citation.objects.filter(reading_list=reading_list).count() == 1
