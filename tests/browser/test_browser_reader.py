"""A student reads a published list: done, like, private note, comments, filters, search."""

from __future__ import annotations

import pytest

from readings.accounts.models import Role, User
from readings.citations.models import CitationStatus
from readings.citations.services import citation_create
from readings.courses.services import course_create, course_enroll
from readings.engagement import services
from readings.engagement.models import Comment, Completion, Like, PrivateNote
from readings.lists.models import PublicationStatus, Tag
from readings.lists.services import list_create, section_create

pytestmark = pytest.mark.browser


@pytest.fixture
def reading_list(institution, make_user):
    student = make_user("stu", password="correct-horse-battery")
    instructor = make_user("ins", roles=[Role.INSTRUCTOR], password="correct-horse-battery")
    course = course_create(
        institution=institution, code="HIST101", title="Modern History", instructors=[instructor]
    )
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution,
        name="History readings",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    essential = Tag.objects.get(institution=institution, code="ESSENTIAL")
    first = reading_list.sections.get()
    second = section_create(reading_list=reading_list, name="Week two")
    for section, title, authors, tags, extra in (
        (first, "The Age of Extremes", "Hobsbawm, Eric", [essential], {"doi": "10.1000/age"}),
        (first, "Postwar", "Judt, Tony", [], {"url": "https://example.org/postwar"}),
        (second, "The Great Transformation", "Polanyi, Karl", [essential], {}),
        (second, "Imagined Communities", "Anderson, Benedict", [], {"due_date": "2030-10-01"}),
    ):
        citation_create(
            section=section,
            fields={
                "title": title,
                "authors": authors,
                "publication_date": "1994",
                "status": CitationStatus.COMPLETE,
                "public_note": "<p>Read <em>closely</em></p>",
                **extra,
            },
            tags=tags,
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


def _visible_titles(page) -> list[str]:
    return page.locator("li.citation:visible .ref i").all_inner_texts()


def test_a_student_marks_likes_notes_comments_and_filters(page, live_server, reading_list):
    path = f"/lists/{reading_list.pk}/"
    _sign_in(page, live_server, "stu", path)
    page.wait_for_selector("body[data-reader-state=ready]")

    for title in ("The Age of Extremes", "Postwar"):
        _item(page, title).get_by_role("button", name="Mark as done").click()
        page.wait_for_selector(f"li.citation.is-done:has-text('{title}')")
    assert _item(page, "Postwar").get_by_text("Done", exact=True).is_visible()
    assert not _item(page, "Imagined Communities").get_by_text("Done", exact=True).is_visible()

    like = _item(page, "The Great Transformation").get_by_role("button", name="Like")
    like.click()
    page.wait_for_selector(
        "li.citation:has-text('The Great Transformation') .like-count:text('1 like')"
    )
    assert like.inner_text() == "Liked ✓ (undo)"
    page.wait_for_function("document.getElementById('reader-announce').textContent === 'Liked.'")

    # The private note, by keyboard: the link opens an editor in place.
    _item(page, "Imagined Communities").get_by_role("link", name="Private note").focus()
    page.keyboard.press("Enter")
    page.get_by_label("My private note (only you can read it)").fill("Compare with Gellner")
    page.get_by_role("button", name="Save note").click()
    page.wait_for_selector(".my-note:has-text('Compare with Gellner')")

    assert Completion.objects.count() == 2
    assert Like.objects.count() == 1
    assert PrivateNote.objects.get().text == "Compare with Gellner"

    # What the student did is there again after a reload (overlaid, not cached).
    page.reload()
    page.wait_for_selector("body[data-reader-state=ready]")
    assert _item(page, "Postwar").get_attribute("class").endswith("is-done")
    assert page.get_by_text("Compare with Gellner").is_visible()

    page.get_by_label("Show").select_option("todo")
    assert _visible_titles(page) == ["The Great Transformation", "Imagined Communities"]
    assert page.get_by_role("status").filter(has_text="Showing 2 of 4 items.").is_visible()
    page.get_by_label("Tag").select_option(label="Essential")
    assert _visible_titles(page) == ["The Great Transformation"]
    page.get_by_label("Show").select_option("")
    page.get_by_label("Tag").select_option("")
    page.get_by_label("Search this list").fill("gellner")  # the student's own note counts
    assert _visible_titles(page) == ["Imagined Communities"]
    page.get_by_label("Search this list").fill("judt")
    assert _visible_titles(page) == ["Postwar"]
    assert page.locator("section.section:visible").count() == 1
    page.get_by_label("Search this list").fill("")
    assert len(_visible_titles(page)) == 4

    _item(page, "Postwar").get_by_role("link", name="Discussion").click()
    page.get_by_label("Your comment").fill("Is chapter 3 <b>required</b>?")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector("li.comment:has-text('Is chapter 3 <b>required</b>?')")
    assert Comment.objects.get().body == "Is chapter 3 <b>required</b>?"
    page.get_by_role("link", name="Back to History readings").click()
    page.wait_for_selector("body[data-reader-state=ready]")
    assert _item(page, "Postwar").get_by_role("link", name="Discussion (1 comment)").is_visible()


def test_the_list_page_passes_the_accessibility_check_for_students_and_instructors(
    page, live_server, reading_list, axe_violations
):
    path = f"/lists/{reading_list.pk}/"
    _sign_in(page, live_server, "stu", path)
    page.wait_for_selector("body[data-reader-state=ready]")
    _item(page, "Postwar").get_by_role("button", name="Mark as done").click()
    page.wait_for_selector("li.citation.is-done")
    _item(page, "Postwar").get_by_role("link", name="Private note").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Discussion about this list").click()
    assert axe_violations(page) == []
    page.context.clear_cookies()
    _sign_in(page, live_server, "ins", path)
    page.wait_for_selector("body[data-reader-state=ready]")
    assert axe_violations(page) == []
    # The moderation controls, on a discussion with a comment to moderate.
    postwar = reading_list.citations.get(title="Postwar")
    discussion = services.discussion_get_or_create(citation=postwar)
    services.comment_post(user=User.objects.get(username="stu"), discussion=discussion, body="Hi")
    _item(page, "Postwar").get_by_role("link", name="Discussion").click()
    page.get_by_role("button", name="Hide comment by stu").click()
    page.wait_for_selector("text=Hidden from readers")  # in place, without a reload
    assert page.evaluate("document.activeElement.textContent").startswith("Show again")
    assert axe_violations(page) == []
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete comment by stu").click()
    page.wait_for_selector("li.comment", state="detached")
    assert not Comment.objects.exists()


def test_the_reader_controls_fit_a_phone_width_screen(page, live_server, reading_list):
    path = f"/lists/{reading_list.pk}/"
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server, "stu", path)
    page.wait_for_selector("body[data-reader-state=ready]")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert page.get_by_label("Search this list").is_visible()
    button = _item(page, "Postwar").get_by_role("button", name="Mark as done")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
