"""The list editor page and its actions: access, conflicts, bad input, bounded queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.citations.models import Citation, CitationKind, CitationStatus
from readings.citations.services import citation_create
from readings.courses.models import EnrollmentRole
from readings.courses.services import course_create, course_enroll
from readings.institutions.services import institution_update
from readings.lists.models import PublicationStatus, ReadingList, Section, Tag
from readings.lists.services import list_create

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def course(institution):
    return course_create(institution=institution, code="HIST101", title="Modern History")


@pytest.fixture
def instructor(make_user, course):
    user = make_user("prof", roles=["instructor"])
    course_enroll(course=course, user=user, role=EnrollmentRole.INSTRUCTOR)
    return user


@pytest.fixture
def reading_list(institution, course, make_list):
    reading_list = make_list("Week 1", "Week 2", items=2, courses=[course])
    return reading_list


@pytest.fixture
def editor(client, instructor):
    client.force_login(instructor)
    return client


def url(name: str, *args) -> str:
    return reverse(f"editor:{name}", args=args)


def version_of(reading_list: ReadingList) -> int:
    reading_list.refresh_from_db(fields=["version"])
    return reading_list.version


def sections(reading_list: ReadingList) -> list[Section]:
    return list(reading_list.sections.order_by("position"))


def titles(section: Section) -> list[str]:
    return list(section.citations.order_by("position").values_list("title", flat=True))


# The page -------------------------------------------------------------------


def test_the_editor_shows_every_item_with_why_students_cannot_see_it(
    editor, reading_list, institution
):
    institution_update(institution=institution, require_library_completion=True)
    first = sections(reading_list)[0]
    citation_create(section=first, fields={"title": "Withdrawn", "status": CitationStatus.INACTIVE})
    response = editor.get(url("edit", reading_list.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Withdrawn" in html
    assert "item is inactive" in html
    assert "waiting for the library" in html
    assert f'data-version="{version_of(reading_list)}"' in html
    assert "Students cannot see this list:" in html  # a draft


def test_each_section_links_to_adding_importing_and_the_catalogue(editor, reading_list):
    html = editor.get(url("edit", reading_list.pk)).content.decode()
    for section in sections(reading_list):
        assert f"/lists/{reading_list.pk}/import/?section={section.pk}" in html
        assert f"{url('add', reading_list.pk)}?section={section.pk}" in html
        assert f"list={reading_list.pk}&amp;section={section.pk}" in html


def test_students_and_other_institutions_cannot_open_the_editor(
    client, reading_list, make_user, course, other_institution
):
    reading_list.publication_status = PublicationStatus.PUBLISHED
    reading_list.save()
    student = make_user("stu")
    course_enroll(course=course, user=student)
    client.force_login(student)
    assert client.get(url("edit", reading_list.pk)).status_code == 403
    first = sections(reading_list)[0]
    post = client.post(
        url("add", reading_list.pk),
        {"section": first.pk, "secondary_type": "BK", "title": "X", "version": 1},
    )
    assert post.status_code == 403
    stranger = make_user("far", roles=["instructor"], inst=other_institution)
    client.force_login(stranger)
    assert client.get(url("edit", reading_list.pk)).status_code == 404
    citation = first.citations.first()
    assert client.post(url("move", reading_list.pk, citation.pk), {}).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client, reading_list):
    response = client.get(url("edit", reading_list.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_citation_of_another_list_is_not_found_through_this_one(
    editor, reading_list, make_list, instructor
):
    other = make_list("Elsewhere", items=1)
    foreign = Citation.objects.get(reading_list=other)
    response = editor.get(url("citation", reading_list.pk, foreign.pk))
    assert response.status_code == 404


def test_the_editor_page_needs_the_same_number_of_queries_for_10_or_200_citations(
    editor, institution, course
):
    tag = Tag.objects.filter(institution=institution).first()
    lists = {}
    for count in (10, 200):
        lists[count] = list_create(
            institution=institution, name=f"L{count}", courses=[course], first_section="A"
        )
        section = lists[count].sections.get()
        for n in range(count):
            citation_create(section=section, fields={"title": f"T{n}"}, tags=[tag])

    def queries_for(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = editor.get(url("edit", lists[count].pk))
        assert response.status_code == 200
        assert response.content.decode().count(' data-id="') == count
        return len(captured)

    assert queries_for(10) == queries_for(200)


# Sections -------------------------------------------------------------------


def test_sections_are_added_renamed_dated_and_moved(editor, reading_list):
    response = editor.post(
        url("section_add", reading_list.pk),
        {"new-name": "Week 3", "new-description": "Revision", "version": version_of(reading_list)},
    )
    assert response.status_code == 302
    week3 = sections(reading_list)[2]
    assert (week3.name, week3.description) == ("Week 3", "Revision")

    response = editor.post(
        url("section", reading_list.pk, week3.pk),
        {
            "name": "Exam week",
            "description": "",
            "start_date": "2030-02-12",
            "end_date": "2030-02-20",
            "version": version_of(reading_list),
        },
    )
    assert response.status_code == 302
    week3.refresh_from_db()
    assert week3.name == "Exam week"
    assert str(week3.start_date) == "2030-02-12"

    response = editor.post(
        url("section_move", reading_list.pk, week3.pk),
        {"direction": "up", "version": version_of(reading_list)},
        **JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["sections"] == [s.pk for s in sections(reading_list)]
    assert [s.name for s in sections(reading_list)] == ["Week 1", "Exam week", "Week 2"]
    assert body["version"] == version_of(reading_list)

    html = editor.get(url("edit", reading_list.pk)).content.decode()
    assert "section opens on 12 Feb" in html


def test_a_section_that_closes_before_it_opens_is_refused(editor, reading_list):
    first = sections(reading_list)[0]
    response = editor.post(
        url("section", reading_list.pk, first.pk),
        {
            "name": "Week 1",
            "start_date": "2030-02-12",
            "end_date": "2030-02-01",
            "version": version_of(reading_list),
        },
    )
    assert response.status_code == 400
    assert "cannot close before it opens" in response.content.decode()


def test_deleting_a_section_asks_for_confirmation_and_says_how_many_citations_go(
    editor, reading_list, check_structure
):
    first = sections(reading_list)[0]
    page = editor.get(url("section", reading_list.pk, first.pk)).content.decode()
    assert "also deletes its 2 citations" in page
    refused = editor.post(
        url("section_delete", reading_list.pk, first.pk), {"version": version_of(reading_list)}
    )
    assert refused.status_code == 400
    assert Section.objects.filter(pk=first.pk).exists()
    response = editor.post(
        url("section_delete", reading_list.pk, first.pk),
        {"version": version_of(reading_list), "confirm": "yes"},
        **JSON,
    )
    assert response.status_code == 200
    assert "its 2 citations were deleted" in response.json()["message"]
    assert [s.name for s in sections(reading_list)] == ["Week 2"]
    check_structure()


# Adding and editing -----------------------------------------------------------


def add(client, reading_list, section, **fields):
    data = {"section": section.pk, "secondary_type": "BK", "version": version_of(reading_list)}
    data.update(fields)
    return client.post(url("add", reading_list.pk), data, **JSON)


def test_adding_a_citation_by_the_form_puts_it_at_the_end_of_its_section(editor, reading_list):
    first = sections(reading_list)[0]
    essential = Tag.objects.get(code="ESSENTIAL")
    response = add(
        editor,
        reading_list,
        first,
        title="The Age of Extremes",
        authors="Hobsbawm, Eric",
        isbn="978-0-349-10671-7",
        tags=[essential.pk],
        public_note="<p>Read <strong>chapter 2</strong></p><script>x()</script>",
        instructor_note="Ask about the sequel",
        due_date="2030-03-01",
        read_by_week="4",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    citation = Citation.objects.get(pk=body["id"])
    assert titles(first)[-1] == "The Age of Extremes"
    assert citation.authors == [{"family": "Hobsbawm", "given": "Eric"}]
    assert citation.isbn == "9780349106717"
    assert citation.read_by_week == 4
    assert list(citation.tags.all()) == [essential]
    assert "<script>" not in citation.public_note
    assert "<strong>chapter 2</strong>" in body["item"]
    assert "Read by week 4" in body["item"]
    assert body["version"] == version_of(reading_list)


def test_the_form_shows_the_fields_of_the_chosen_type(editor, reading_list):
    first = sections(reading_list)[0]
    article = editor.get(f"{url('add', reading_list.pk)}?section={first.pk}&type=CR")
    html = article.content.decode()
    assert 'data-kinds="' in html

    def shown(name: str, page: str) -> bool:
        start = page.index(f'id="id_{name}"')
        wrapper = page.rfind('<div class="field', 0, start)
        return " hidden>" not in page[wrapper:start]

    assert shown("container_title", html)
    assert shown("issn", html)
    assert not shown("isbn", html)
    note = editor.get(f"{url('add', reading_list.pk)}?section={first.pk}&type=NOTE")
    assert not shown("authors", note.content.decode())


def test_only_the_chosen_types_fields_are_saved(editor, reading_list):
    first = sections(reading_list)[0]
    response = add(
        editor,
        reading_list,
        first,
        secondary_type=CitationKind.NOTE,
        title="Come to the library tour",
        authors="Left, Over",
    )
    citation = Citation.objects.get(pk=response.json()["id"])
    assert citation.authors == []
    assert citation.secondary_type == CitationKind.NOTE


def test_a_double_submitted_add_form_creates_one_citation(editor, reading_list):
    first = sections(reading_list)[0]
    before = Citation.objects.count()
    data = {
        "section": first.pk,
        "secondary_type": "BK",
        "title": "Only once",
        "form_token": "tok-123",
        "version": version_of(reading_list),
    }
    one = editor.post(url("add", reading_list.pk), data)
    two = editor.post(url("add", reading_list.pk), data)  # same (now stale) version
    assert one.status_code == two.status_code == 302
    assert Citation.objects.count() == before + 1
    assert titles(first).count("Only once") == 1


def test_html_in_fields_is_shown_as_text(editor, reading_list):
    first = sections(reading_list)[0]
    response = add(
        editor,
        reading_list,
        first,
        title='<img src=x onerror="alert(1)">Evil',
        instructor_note="<script>alert(2)</script>",
    )
    item = response.json()["item"]
    assert "<img" not in item
    assert "&lt;img src=x" in item
    assert "&lt;script&gt;alert(2)" in item
    page = editor.get(url("edit", reading_list.pk)).content.decode()
    assert "<img src=x" not in page
    assert "<script>alert(2)" not in page


def test_a_javascript_url_is_refused_with_a_field_error(editor, reading_list):
    first = sections(reading_list)[0]
    before = Citation.objects.count()
    response = add(editor, reading_list, first, title="Bad", url="javascript:alert(1)")
    assert response.status_code == 400
    assert "url" in response.json()["errors"]
    page = editor.post(
        url("add", reading_list.pk),
        {
            "section": first.pk,
            "secondary_type": "BK",
            "title": "Bad",
            "url": "javascript:alert(1)",
            "version": version_of(reading_list),
        },
    )
    assert page.status_code == 200
    assert "Links must start with http://" in page.content.decode()
    assert Citation.objects.count() == before


def test_a_stale_edit_is_refused_with_a_conflict_and_keeps_the_input(editor, reading_list):
    citation = sections(reading_list)[0].citations.first()
    stale = version_of(reading_list)
    citation_create(section=sections(reading_list)[1], fields={"title": "Someone else's"})
    data = {"secondary_type": "BK", "title": "My new title", "version": stale}
    response = editor.post(url("citation", reading_list.pk, citation.pk), data, **JSON)
    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"
    assert "Reload the list" in response.json()["message"]
    page = editor.post(url("citation", reading_list.pk, citation.pk), data)
    assert page.status_code == 409
    html = page.content.decode()
    assert "Someone else changed this list" in html
    assert 'value="My new title"' in html
    citation.refresh_from_db()
    assert citation.title != "My new title"


def test_editing_a_citation_changes_its_fields_and_tags(editor, reading_list):
    citation = sections(reading_list)[0].citations.first()
    optional = Tag.objects.get(code="OPTIONAL")
    form = editor.get(url("citation", reading_list.pk, citation.pk))
    assert form.status_code == 200
    response = editor.post(
        url("citation", reading_list.pk, citation.pk),
        {
            "secondary_type": "CR",
            "title": "Renamed",
            "container_title": "Past & Present",
            "tags": [optional.pk],
            "version": version_of(reading_list),
        },
        **JSON,
    )
    assert response.status_code == 200
    citation.refresh_from_db()
    assert (citation.title, citation.container_title) == ("Renamed", "Past & Present")
    assert list(citation.tags.all()) == [optional]
    assert "Past &amp; Present" in response.json()["item"]


def test_the_lookup_button_fills_the_form_from_an_identifier(editor, reading_list, monkeypatch):
    from readings.citations import resolvers

    def fake(text: str) -> dict:
        assert text == "10.1000/xyz"
        return {
            "secondary_type": "CR",
            "title": "Found it",
            "authors": [{"family": "Doe", "given": "Jane"}],
            "doi": "10.1000/xyz",
        }

    monkeypatch.setattr(resolvers, "resolve_identifier", fake)
    first = sections(reading_list)[0]
    before = Citation.objects.count()
    response = editor.post(
        url("add", reading_list.pk),
        {
            "section": first.pk,
            "secondary_type": "BK",
            "identifier": "10.1000/xyz",
            "lookup": "1",
            "version": version_of(reading_list),
        },
    )
    html = response.content.decode()
    assert 'value="Found it"' in html
    assert 'value="Doe, Jane"' in html
    assert Citation.objects.count() == before


# Moving, copying, deleting ------------------------------------------------------


def test_moving_a_citation_is_one_small_request_answering_version_and_order(
    editor, reading_list, check_structure
):
    week1, week2 = sections(reading_list)
    moving = week1.citations.get(title="Week 10")
    response = editor.post(
        url("move", reading_list.pk, moving.pk),
        {"section": week2.pk, "position": 1, "version": version_of(reading_list)},
        **JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == version_of(reading_list)
    assert body["order"] == {
        str(week1.pk): list(week1.citations.order_by("position").values_list("pk", flat=True)),
        str(week2.pk): list(week2.citations.order_by("position").values_list("pk", flat=True)),
    }
    assert "<li" not in response.content.decode()
    assert titles(week2) == ["Week 20", "Week 10", "Week 21"]
    check_structure()


def test_moving_up_and_down_by_keyboard_actions(editor, reading_list):
    week1 = sections(reading_list)[0]
    second = week1.citations.get(title="Week 11")
    editor.post(
        url("move", reading_list.pk, second.pk),
        {"direction": "up", "version": version_of(reading_list)},
        **JSON,
    )
    assert titles(week1) == ["Week 11", "Week 10"]


def test_moves_from_two_windows_keep_positions_valid(editor, reading_list, check_structure):
    week1, week2 = sections(reading_list)
    seen = version_of(reading_list)
    a, b = week1.citations.order_by("position")
    first = editor.post(
        url("move", reading_list.pk, a.pk),
        {"section": week2.pk, "position": 0, "version": seen},
        **JSON,
    )
    second = editor.post(
        url("move", reading_list.pk, b.pk),
        {"section": week2.pk, "position": 0, "version": seen},
        **JSON,
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["error"] == "stale_version"
    check_structure()


def test_a_citation_moves_to_another_list_the_editor_may_edit(
    editor, reading_list, institution, instructor, check_structure
):
    mine = list_create(institution=institution, name="Other list", acting_user=instructor)
    target = mine.sections.get()
    moving = sections(reading_list)[0].citations.first()
    page = editor.get(url("edit", reading_list.pk)).content.decode()
    assert "Other list" in page
    response = editor.post(
        url("move", reading_list.pk, moving.pk),
        {"section": target.pk, "position": "end", "version": version_of(reading_list)},
        **JSON,
    )
    assert response.status_code == 200
    moving.refresh_from_db()
    assert moving.reading_list_id == mine.pk
    check_structure()


def test_a_citation_cannot_move_to_a_list_the_editor_may_not_edit(
    editor, reading_list, institution
):
    theirs = list_create(institution=institution, name="Not mine", first_section="X")
    moving = sections(reading_list)[0].citations.first()
    response = editor.post(
        url("move", reading_list.pk, moving.pk),
        {"section": theirs.sections.get().pk, "version": version_of(reading_list)},
        **JSON,
    )
    assert response.status_code == 404
    moving.refresh_from_db()
    assert moving.reading_list_id == reading_list.pk


def test_duplicating_puts_the_copy_just_below(editor, reading_list, check_structure):
    week1 = sections(reading_list)[0]
    original = week1.citations.get(title="Week 10")
    tag = Tag.objects.get(code="ESSENTIAL")
    original.tags.add(tag)
    response = editor.post(
        url("duplicate", reading_list.pk, original.pk),
        {"version": version_of(reading_list)},
        **JSON,
    )
    assert response.status_code == 200
    assert titles(week1) == ["Week 10", "Week 10", "Week 11"]
    copy = Citation.objects.get(pk=response.json()["id"])
    assert list(copy.tags.all()) == [tag]
    check_structure()


def test_copying_to_another_list_leaves_the_original(editor, reading_list, institution, instructor):
    mine = list_create(institution=institution, name="Next year", acting_user=instructor)
    original = sections(reading_list)[0].citations.first()
    response = editor.post(
        url("copy", reading_list.pk, original.pk), {"section": mine.sections.get().pk}
    )
    assert response.status_code == 302
    assert Citation.objects.filter(reading_list=mine, title=original.title).exists()
    assert Citation.objects.filter(pk=original.pk, reading_list=reading_list).exists()


def test_deleting_a_citation_needs_confirmation(editor, reading_list, check_structure):
    week1 = sections(reading_list)[0]
    doomed = week1.citations.first()
    refused = editor.post(
        url("delete", reading_list.pk, doomed.pk), {"version": version_of(reading_list)}
    )
    assert refused.status_code == 400
    response = editor.post(
        url("delete", reading_list.pk, doomed.pk),
        {"version": version_of(reading_list), "confirm": "yes"},
        **JSON,
    )
    assert response.json()["removed"] == [doomed.pk]
    assert titles(week1) == ["Week 11"]
    check_structure()


def test_bulk_actions_move_tag_and_delete_the_ticked_citations(
    editor, reading_list, check_structure
):
    week1, week2 = sections(reading_list)
    ticked = list(week1.citations.values_list("pk", flat=True))
    response = editor.post(
        url("bulk", reading_list.pk),
        {
            "citation": ticked,
            "action": "move",
            "section": week2.pk,
            "version": version_of(reading_list),
        },
        **JSON,
    )
    assert response.status_code == 200
    assert titles(week2) == ["Week 20", "Week 21", "Week 10", "Week 11"]
    assert set(response.json()["sections"]) == {str(week1.pk), str(week2.pk)}
    check_structure()

    essential = Tag.objects.get(code="ESSENTIAL")
    editor.post(
        url("bulk", reading_list.pk),
        {
            "citation": ticked,
            "action": "tag",
            "tag": essential.pk,
            "version": version_of(reading_list),
        },
    )
    assert set(essential.citations.values_list("pk", flat=True)) == set(ticked)

    editor.post(
        url("bulk", reading_list.pk),
        {
            "citation": ticked,
            "action": "delete",
            "confirm": "yes",
            "version": version_of(reading_list),
        },
    )
    assert titles(week2) == ["Week 20", "Week 21"]
    check_structure()


def test_a_write_without_the_list_version_is_refused(editor, reading_list):
    citation = sections(reading_list)[0].citations.first()
    response = editor.post(url("move", reading_list.pk, citation.pk), {"direction": "up"}, **JSON)
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def _endpoints(reading_list: ReadingList) -> list[tuple[str, str]]:
    section = sections(reading_list)[0]
    citation = section.citations.first()
    pk = reading_list.pk
    return [
        ("get", url("edit", pk)),
        ("get", f"{url('add', pk)}?section={section.pk}"),
        ("get", url("citation", pk, citation.pk)),
        ("get", url("section", pk, section.pk)),
        ("post", url("section_add", pk)),
        ("post", url("section", pk, section.pk)),
        ("post", url("section_move", pk, section.pk)),
        ("post", url("section_delete", pk, section.pk)),
        ("post", url("add", pk)),
        ("post", url("citation", pk, citation.pk)),
        ("post", url("move", pk, citation.pk)),
        ("post", url("delete", pk, citation.pk)),
        ("post", url("duplicate", pk, citation.pk)),
        ("post", url("copy", pk, citation.pk)),
        ("post", url("bulk", pk)),
    ]


@pytest.mark.parametrize(
    ("who", "published", "expected"),
    [
        ("student", True, 403),
        ("student", False, 404),
        ("other_student", True, 404),
        ("stranger", True, 404),
        ("librarian", False, 200),
    ],
)
def test_every_editor_action_is_for_editors_only(
    client, reading_list, make_user, course, other_institution, who, published, expected
):
    if published:
        reading_list.publication_status = PublicationStatus.PUBLISHED
        reading_list.save()
    if who == "student":
        user = make_user("stu")
        course_enroll(course=course, user=user)
    elif who == "other_student":
        user = make_user("stu2")
    elif who == "stranger":
        user = make_user("far", roles=["instructor"], inst=other_institution)
    else:
        user = make_user("lib", roles=["librarian"])
    client.force_login(user)
    before = (Citation.objects.count(), Section.objects.count(), version_of(reading_list))
    for method, address in _endpoints(reading_list):
        response = getattr(client, method)(
            address, {"version": before[2]} if method == "post" else {}
        )
        if expected == 200:
            assert response.status_code in (200, 302, 400, 409), address
        else:
            assert response.status_code == expected, address
    if expected != 200:
        assert (
            Citation.objects.count(),
            Section.objects.count(),
            version_of(reading_list),
        ) == before
