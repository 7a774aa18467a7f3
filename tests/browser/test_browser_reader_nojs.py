"""Without JavaScript the reader's buttons still work: they post the page's one shared form."""

from __future__ import annotations

import pytest

from readings.citations.models import CitationStatus
from readings.citations.services import citation_create
from readings.courses.services import course_create, course_enroll
from readings.engagement.models import Completion, Like
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create

pytestmark = pytest.mark.browser


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
    )
    for title in ("Postwar", "Imagined Communities"):
        citation_create(
            section=reading_list.sections.get(),
            fields={"title": title, "status": CitationStatus.COMPLETE},
        )
    return reading_list


def _sign_in(page, live_server, username: str, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{path}")


def _item(page, title: str):
    return page.locator("li.citation").filter(has_text=title)


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_done_and_like_work_as_plain_form_posts(page_without_js, live_server, reading_list):
    page = page_without_js
    path = f"/lists/{reading_list.pk}/"
    _sign_in(page, live_server, "stu", path)

    _item(page, "Postwar").get_by_role("button", name="Mark as done").click()
    page.wait_for_url(f"**{path}#c*")
    assert "Marked “Postwar” as done." in page.locator(".messages").inner_text()
    _item(page, "Imagined Communities").get_by_role("button", name="Like").click()
    page.wait_for_url(f"**{path}#c*")
    assert "You like “Imagined Communities”." in page.locator(".messages").inner_text()

    assert list(Completion.objects.values_list("citation__title", flat=True)) == ["Postwar"]
    assert list(Like.objects.values_list("citation__title", flat=True)) == ["Imagined Communities"]
    # The message was shown once; the page after it is the shared one again.
    page.goto(f"{live_server.url}{path}")
    assert page.locator(".messages").count() == 0
