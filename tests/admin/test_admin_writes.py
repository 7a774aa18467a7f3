"""Admin writes go through the services: positions stay contiguous, bad data is a form error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from readings.citations.models import Citation
from readings.core.positions import ordered_ids
from readings.courses.services import course_create
from readings.institutions.models import Institution
from readings.institutions.services import institution_create
from readings.lists.models import ListCourse, ListMember, MemberRole, ReadingList, Section, Tag


def _citation_form(target, **fields) -> dict:
    data = {
        "section": target.pk,
        "secondary_type": "BK",
        "status": "BeingPrepared",
        "title": "A new book",
    }
    data.update(fields)
    return data


def _positions(section) -> list[int]:
    return list(section.citations.order_by("position").values_list("position", flat=True))


def _version(reading_list) -> int:
    return ReadingList.objects.get(pk=reading_list.pk).version


# Citations -----------------------------------------------------------------


def test_a_bad_isbn_in_the_admin_is_a_form_error_and_saves_nothing(admin_client, library):
    before = Citation.objects.count()
    response = admin_client.post(
        reverse("admin:citations_citation_add"),
        _citation_form(library.first, isbn="978-0-00-000000-1"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "isbn" in errors
    assert Citation.objects.count() == before


def test_adding_a_citation_in_the_admin_normalises_it_and_places_it_last(admin_client, library):
    version = _version(library.reading_list)
    response = admin_client.post(
        reverse("admin:citations_citation_add"),
        _citation_form(
            library.first,
            isbn="978-0-13-468599-1",
            authors="Hunt, Andrew; Thomas, David",
            public_note='<p onclick="x()">Read</p>',
        ),
    )
    assert response.status_code == 302
    citation = Citation.objects.get(title="A new book")
    assert citation.isbn == "9780134685991"
    assert citation.authors == [
        {"family": "Hunt", "given": "Andrew"},
        {"family": "Thomas", "given": "David"},
    ]
    assert "onclick" not in citation.public_note
    assert citation.reading_list_id == library.reading_list.pk
    assert _positions(library.first) == [0, 1, 2, 3]
    assert ordered_ids(library.first.citations.all())[-1] == citation.pk
    assert _version(library.reading_list) > version


def test_adding_a_citation_at_a_position_moves_the_others_down(admin_client, library):
    admin_client.post(
        reverse("admin:citations_citation_add"), _citation_form(library.first, place_at=1)
    )
    new = Citation.objects.get(title="A new book")
    assert ordered_ids(library.first.citations.all()) == [
        new.pk,
        *[c.pk for c in library.citations],
    ]
    assert _positions(library.first) == [0, 1, 2, 3]


def test_moving_a_citation_to_another_section_in_the_admin_closes_the_gap(admin_client, library):
    moving = library.citations[0]
    response = admin_client.post(
        reverse("admin:citations_citation_change", args=[moving.pk]),
        _citation_form(library.second, title=moving.title),
    )
    assert response.status_code == 302
    assert _positions(library.first) == [0, 1]
    assert ordered_ids(library.second.citations.all()) == [moving.pk]


def test_editing_a_citation_in_the_admin_changes_only_what_changed(admin_client, library):
    citation = library.citations[1]
    response = admin_client.post(
        reverse("admin:citations_citation_change", args=[citation.pk]),
        _citation_form(library.first, title="Renamed", doi="https://doi.org/10.1000/XYZ"),
    )
    assert response.status_code == 302
    citation.refresh_from_db()
    assert citation.title == "Renamed"
    assert citation.doi == "10.1000/xyz"
    assert citation.position == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"source_links": "ftp://example.org/x"}, "source_links"),
        ({"issn": "1234-5678"}, "issn"),
        ({"authors": "x" * 200 + ";" + "\x00"}, "authors"),
        ({"due_date": "31/02/2025"}, "due_date"),
        ({"place_at": "0"}, "place_at"),
        ({"section": "999999"}, "section"),
    ],
)
def test_bad_citation_fields_in_the_admin_are_form_errors(admin_client, library, fields, field):
    before = Citation.objects.count()
    response = admin_client.post(
        reverse("admin:citations_citation_add"), _citation_form(library.first, **fields)
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert Citation.objects.count() == before


def test_tags_of_another_institution_are_refused_in_the_admin(admin_client, library):
    other = institution_create(code="ELSE", name="Elsewhere")
    foreign = Tag.objects.filter(institution=other).first()
    response = admin_client.post(
        reverse("admin:citations_citation_add"),
        _citation_form(library.first, tags=[foreign.pk]),
    )
    assert response.status_code == 200
    assert "tags" in response.context["adminform"].form.errors


def test_deleting_citations_in_the_admin_closes_the_gap(admin_client, library):
    first, middle, last = library.citations
    admin_client.post(reverse("admin:citations_citation_delete", args=[middle.pk]), {"post": "yes"})
    assert ordered_ids(library.first.citations.all()) == [first.pk, last.pk]
    assert _positions(library.first) == [0, 1]
    admin_client.post(
        reverse("admin:citations_citation_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk], "post": "yes"},
    )
    assert ordered_ids(library.first.citations.all()) == [last.pk]
    assert _positions(library.first) == [0]


# Sections ------------------------------------------------------------------


def _section_form(reading_list, **fields) -> dict:
    data = {"reading_list": reading_list.pk, "name": "Week three"}
    data.update(fields)
    return data


def _section_positions(reading_list) -> list[int]:
    return list(
        Section.objects.filter(reading_list=reading_list)
        .order_by("position")
        .values_list("position", flat=True)
    )


def test_adding_a_section_in_the_admin_keeps_positions_contiguous(admin_client, library):
    response = admin_client.post(
        reverse("admin:lists_section_add"),
        _section_form(library.reading_list, place_at=1, locked="on"),
    )
    assert response.status_code == 302
    new = Section.objects.get(name="Week three")
    assert ordered_ids(Section.objects.filter(reading_list=library.reading_list)) == [
        new.pk,
        library.first.pk,
        library.second.pk,
    ]
    assert new.locked


def test_a_section_that_closes_before_it_opens_is_a_form_error(admin_client, library):
    response = admin_client.post(
        reverse("admin:lists_section_add"),
        _section_form(library.reading_list, start_date="2030-05-01", end_date="2030-04-01"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Section.objects.filter(name="Week three").exists()


def test_changing_and_moving_a_section_in_the_admin(admin_client, library):
    response = admin_client.post(
        reverse("admin:lists_section_change", args=[library.second.pk]),
        {"name": "Week 2 (revised)", "place_at": "1"},
    )
    assert response.status_code == 302
    assert ordered_ids(Section.objects.filter(reading_list=library.reading_list)) == [
        library.second.pk,
        library.first.pk,
    ]
    assert Section.objects.get(pk=library.second.pk).name == "Week 2 (revised)"


def test_deleting_a_section_in_the_admin_closes_the_gap(admin_client, library):
    admin_client.post(
        reverse("admin:lists_section_delete", args=[library.first.pk]), {"post": "yes"}
    )
    assert _section_positions(library.reading_list) == [0]
    assert not Citation.objects.filter(section_id=library.first.pk).exists()


# Lists, members and course links ---------------------------------------------------


def _list_form(reading_list, **fields) -> dict:
    data = {
        "name": reading_list.name,
        "description": "",
        "subject": "",
        "status": reading_list.status,
        "publication_status": reading_list.publication_status,
        "visibility": reading_list.visibility,
        "due_back_date": "",
    }
    for prefix in ("listcourse_set", "members"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(fields)
    return data


def _inline(data: dict, prefix: str, rows: list[dict], initial: int) -> dict:
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{n}-{key}"] = value
    return data


def _existing_inlines(reading_list) -> dict:
    data = _list_form(reading_list)
    links = [
        {"id": link.pk, "reading_list": reading_list.pk, "course": link.course_id}
        for link in ListCourse.objects.filter(reading_list=reading_list)
    ]
    members = [
        {"id": m.pk, "reading_list": reading_list.pk, "user": m.user_id, "role": m.role}
        for m in ListMember.objects.filter(reading_list=reading_list)
    ]
    _inline(data, "listcourse_set", links, len(links))
    _inline(data, "members", members, len(members))
    return data


def test_editing_a_list_in_the_admin_bumps_its_version(admin_client, library):
    version = _version(library.reading_list)
    data = _existing_inlines(library.reading_list)
    data["name"] = "Renamed list"
    response = admin_client.post(
        reverse("admin:lists_readinglist_change", args=[library.reading_list.pk]), data
    )
    assert response.status_code == 302
    assert ReadingList.objects.get(pk=library.reading_list.pk).name == "Renamed list"
    assert _version(library.reading_list) > version


def test_adding_a_list_in_the_admin_gives_it_a_first_section(admin_client, library, institution):
    data = _list_form(library.reading_list, name="Fresh list")
    data.update({"institution": institution.pk, "code": "FRESH-1"})
    response = admin_client.post(reverse("admin:lists_readinglist_add"), data)
    assert response.status_code == 302
    fresh = ReadingList.objects.get(code="FRESH-1")
    assert _section_positions(fresh) == [0]


def test_removing_the_last_owner_in_the_admin_is_a_form_error(admin_client, library):
    data = _existing_inlines(library.reading_list)
    data["members-0-DELETE"] = "on"
    response = admin_client.post(
        reverse("admin:lists_readinglist_change", args=[library.reading_list.pk]), data
    )
    assert response.status_code == 200
    assert "A list keeps at least one owner" in response.content.decode()
    assert library.reading_list.members.filter(role=MemberRole.OWNER).count() == 1


def test_linking_another_institutions_course_in_the_admin_is_a_form_error(admin_client, library):
    other = institution_create(code="ELSE", name="Elsewhere")
    foreign = course_create(institution=other, code="X1", title="Elsewhere course")
    data = _existing_inlines(library.reading_list)
    rows = [
        {"id": link.pk, "reading_list": library.reading_list.pk, "course": link.course_id}
        for link in ListCourse.objects.filter(reading_list=library.reading_list)
    ]
    rows.append({"reading_list": library.reading_list.pk, "course": foreign.pk})
    _inline(data, "listcourse_set", rows, len(rows) - 1)
    response = admin_client.post(
        reverse("admin:lists_readinglist_change", args=[library.reading_list.pk]), data
    )
    assert response.status_code == 200
    assert not ListCourse.objects.filter(course=foreign).exists()


def test_a_collaborator_added_in_the_admin_must_be_from_the_lists_institution(
    admin_client, library, make_user, other_institution
):
    outsider = make_user("faraway", inst=other_institution)
    response = admin_client.post(
        reverse("admin:lists_listmember_add"),
        {"reading_list": library.reading_list.pk, "user": outsider.pk, "role": MemberRole.EDIT},
    )
    assert response.status_code == 200
    assert not ListMember.objects.filter(user=outsider).exists()


# Institutions and courses ----------------------------------------------------------


def test_an_institution_added_in_the_admin_gets_its_standard_tags(admin_client, db):
    response = admin_client.post(
        reverse("admin:institutions_institution_add"),
        {
            "code": "NEWU",
            "name": "New University",
            "time_zone": "Europe/Paris",
            "default_citation_style": "apa",
            "require_library_completion": "on",
            "settings": "{}",
        },
    )
    assert response.status_code == 302
    institution = Institution.objects.get(code="NEWU")
    assert institution.require_library_completion
    assert Tag.objects.filter(institution=institution).count() == 3


def test_an_unknown_time_zone_in_the_admin_is_a_form_error(admin_client, db):
    response = admin_client.post(
        reverse("admin:institutions_institution_add"),
        {"code": "BADTZ", "name": "X", "time_zone": "Mars/Olympus", "settings": "{}"},
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["adminform"].form.errors
    assert not Institution.objects.filter(code="BADTZ").exists()


def test_a_course_cannot_take_another_institutions_instructor_in_the_admin(
    admin_client, library, make_user, other_institution
):
    outsider = make_user("visitor", inst=other_institution)
    course = library.course
    response = admin_client.post(
        reverse("admin:courses_course_change", args=[course.pk]),
        {
            "code": course.code,
            "section": "",
            "title": course.title,
            "instructors": [outsider.pk],
            "searchable_ids-TOTAL_FORMS": "0",
            "searchable_ids-INITIAL_FORMS": "0",
            "campuses-TOTAL_FORMS": "0",
            "campuses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "instructors" in response.context["adminform"].form.errors
    assert not course.instructors.filter(pk=outsider.pk).exists()


def test_a_course_that_ends_before_it_starts_is_a_form_error_in_the_admin(admin_client, library):
    course = library.course
    response = admin_client.post(
        reverse("admin:courses_course_change", args=[course.pk]),
        {
            "code": course.code,
            "title": course.title,
            "start_date": "2030-05-01",
            "end_date": "2030-01-01",
            "searchable_ids-TOTAL_FORMS": "0",
            "searchable_ids-INITIAL_FORMS": "0",
            "campuses-TOTAL_FORMS": "0",
            "campuses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
