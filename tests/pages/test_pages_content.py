"""What each role sees on the home, search, course and list pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from readings.citations.models import Citation
from readings.citations.services import citation_create
from readings.courses.services import course_create
from readings.lists.models import PublicationStatus, Tag
from readings.lists.services import list_create, section_set_tags


def _page(client, user, url) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _list_url(reading_list) -> str:
    return reverse("lists:detail", args=[reading_list.pk])


# The list page ---------------------------------------------------------------


def test_a_student_sees_the_readings_but_nothing_hidden_or_private(client, campus):
    html = _page(client, campus.users["student"], _list_url(campus.published))
    assert "The Age of Extremes" in html
    assert "Chapters 1-3" in html
    assert "Essential" in html
    assert "1 Oct 2030" in html
    for secret in (
        "Withdrawn pamphlet",  # inactive item
        "Week nine",  # section not open yet
        "Not yet open reading",
        "Ask about the second edition",  # instructor note
        "Order two more copies",  # library note
        "Short loan",  # library-only tag
        "Hidden from students",
        "Students cannot see",
    ):
        assert secret not in html, secret


def test_section_tags_show_to_students_only_when_public(client, campus):
    section = campus.published.sections.order_by("position").first()
    section_set_tags(
        section=section,
        tags=[
            campus.library_tag,
            Tag.objects.get(institution=campus.course.institution_id, code="OPTIONAL"),
        ],
    )
    student = _page(client, campus.users["student"], _list_url(campus.published))
    librarian = _page(client, campus.users["librarian"], _list_url(campus.published))
    assert student.count("Optional") == 1
    assert "Short loan" not in student
    assert librarian.count("Short loan") == 2  # on the section and on one citation


@pytest.mark.parametrize("who", ["instructor", "collaborator", "librarian", "administrator"])
def test_editors_see_everything_with_why_students_do_not(client, campus, who):
    html = _page(client, campus.users[who], _list_url(campus.published))
    for text in (
        "The Age of Extremes",
        "Withdrawn pamphlet",
        "Hidden from students: item is inactive.",
        "Week nine",
        "Hidden from students: section opens on",
        "Not yet open reading",
        "Ask about the second edition",
        "Order two more copies",
        "Short loan",
    ):
        assert text in html, text


def test_an_editor_is_told_why_students_cannot_see_a_draft_list(client, campus):
    html = _page(client, campus.users["instructor"], _list_url(campus.draft))
    assert "Students cannot see this list: list is a draft." in html


def test_a_list_open_to_the_world_opens_without_signing_in(client, campus):
    html = _page(client, None, _list_url(campus.open_list))
    assert "Open syllabus" in html
    assert "Public reading" in html
    assert "Sign out" not in html
    # Course pages need an account at the institution, so the course is not shown.
    assert "HIST101" not in html


def test_signed_in_readers_of_a_list_reach_its_courses(client, campus):
    html = _page(client, campus.users["student"], _list_url(campus.published))
    assert f'href="{reverse("courses:detail", args=[campus.course.pk])}"' in html
    outsider = _page(client, campus.users["outsider"], _list_url(campus.open_list))
    assert "HIST101" not in outsider


def test_user_text_is_shown_as_text_never_run(client, institution, make_user):
    evil = "<script>alert('x')</script>"
    user = make_user("author")
    course = course_create(institution=institution, code="EVIL1", title=f"Course {evil}")
    reading_list = list_create(
        institution=institution,
        name=f"List {evil}",
        acting_user=user,
        courses=[course],
        description=evil,
    )
    citation_create(
        section=reading_list.sections.get(),
        fields={"title": f"Book {evil}", "authors": f"Doe, {evil}", "instructor_note": evil},
    )
    for url in (
        _list_url(reading_list),
        reverse("courses:detail", args=[course.pk]),
        reverse("courses:search") + "?q=EVIL1",
        reverse("courses:home"),
    ):
        html = _page(client, user, url)
        assert "<script>" not in html, url
        assert "&lt;script&gt;" in html, url


def test_notes_and_links_written_around_the_services_still_cannot_run_script(client, campus):
    Citation.objects.filter(pk=campus.visible.pk).update(
        public_note='<p onclick="steal()">Read</p><script>steal()</script>',
        url="javascript:steal()",
        authors=["Plain Name", {"family": "Doe", "given": "Jo"}],
        editors="not a list",
    )
    html = _page(client, campus.users["student"], _list_url(campus.published))
    assert "steal()" not in html
    assert "<p>Read</p>" in html
    assert "Name, P., &amp; Doe, J." in html


# The course page -------------------------------------------------------------


def test_instructors_see_draft_lists_marked_and_explained(client, campus):
    html = _page(
        client, campus.users["instructor"], reverse("courses:detail", args=[campus.course.pk])
    )
    assert "Next year&#x27;s draft" in html
    assert '<span class="badge badge-draft">Draft</span>' in html
    assert "Students cannot see this list: list is a draft." in html


def test_students_see_only_published_lists_and_count_only_what_they_may_see(client, campus):
    html = _page(
        client, campus.users["student"], reverse("courses:detail", args=[campus.course.pk])
    )
    assert "History readings" in html
    assert "Open syllabus" in html
    assert "draft" not in html.lower()
    # Of three items on the list, one is inactive and one is in a section not yet open.
    assert "1 item<" in html


def test_the_course_page_shows_instructors_and_other_ids(client, campus):
    html = _page(
        client, campus.users["student"], reverse("courses:detail", args=[campus.course.pk])
    )
    assert "Ingrid Irving" in html
    assert "LMS-HIST-2025" in html


# Home and search -------------------------------------------------------------


def test_home_lists_my_courses_and_the_lists_i_work_on(client, campus):
    html = _page(client, campus.users["collaborator"], reverse("courses:home"))
    assert "Lists I work on" in html
    assert "History readings" in html
    html = _page(client, campus.users["student"], reverse("courses:home"))
    assert "HIST101" in html
    assert "CHEM200" not in html
    assert "You do not own or collaborate on any reading list yet." in html


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("hist101", "HIST101", "CHEM200"),
        ("organic", "CHEM200", "HIST101"),
        ("LMS-HIST", "HIST101", "CHEM200"),
        ("modern history", "HIST101", "CHEM200"),
        ("modern chemistry", None, "HIST101"),
    ],
)
def test_search_finds_courses_by_code_title_or_other_id(client, campus, query, found, not_found):
    html = _page(client, campus.users["student"], reverse("courses:search") + f"?q={query}")
    if found:
        assert found in html
    assert not_found not in html


def test_search_counts_only_the_lists_each_user_may_see(client, campus):
    url = reverse("courses:search") + "?q=HIST101"
    student = _page(client, campus.users["student"], url)
    instructor = _page(client, campus.users["instructor"], url)
    assert '<td class="num">2</td>' in student
    assert '<td class="num">3</td>' in instructor


def test_search_never_shows_another_institutions_courses(client, campus):
    html = _page(client, campus.users["outsider"], reverse("courses:search") + "?q=HIST")
    assert "HIST101" not in html
    assert "0 courses" in html


def test_search_results_come_in_pages(client, campus, institution):
    for n in range(30):
        course_create(institution=institution, code=f"PAGE{n:03}", title="Paged course")
    first = _page(client, campus.users["student"], reverse("courses:search") + "?q=paged")
    second = client.get(reverse("courses:search") + "?q=paged&page=2").content.decode()
    assert "PAGE000" in first
    assert "PAGE029" not in first
    assert "Page 1 of 2" in first
    assert "?q=paged&amp;page=2" in first
    assert "PAGE029" in second
    assert "PAGE000" not in second


def test_a_published_list_shows_on_the_course_page_once_linked(client, campus, institution):
    list_create(
        institution=institution,
        name="Late addition",
        courses=[campus.course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    html = _page(
        client, campus.users["student"], reverse("courses:detail", args=[campus.course.pk])
    )
    assert "Late addition" in html
