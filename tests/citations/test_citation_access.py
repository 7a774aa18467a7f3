"""A citation is reachable exactly when its list page would show it to the user."""

from __future__ import annotations

import datetime

import pytest

from readings.accounts.models import Role
from readings.citations.access import access_citation_by_id
from readings.citations.models import CitationStatus
from readings.citations.services import citation_create
from readings.core.exceptions import Forbidden, NotFound
from readings.courses.services import course_create, course_enroll
from readings.lists.models import PublicationStatus
from readings.lists.services import list_create, section_create


@pytest.fixture
def setting(institution, make_user):
    student = make_user("stu", password="")
    instructor = make_user("ins", roles=[Role.INSTRUCTOR], password="")
    outsider = make_user("out", password="")
    course = course_create(
        institution=institution, code="BIO1", title="Cells", instructors=[instructor]
    )
    course_enroll(course=course, user=student)
    reading_list = list_create(
        institution=institution,
        name="Cells",
        courses=[course],
        publication_status=PublicationStatus.PUBLISHED,
    )
    section = reading_list.sections.get()
    shown = citation_create(
        section=section, fields={"title": "Shown", "status": CitationStatus.COMPLETE}
    )
    inactive = citation_create(
        section=section, fields={"title": "Gone", "status": CitationStatus.INACTIVE}
    )
    later = section_create(
        reading_list=reading_list,
        name="Later",
        start_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    not_yet = citation_create(section=later, fields={"title": "Not yet"})
    return locals()


def test_an_enrolled_student_reaches_a_visible_citation_read_only(setting):
    citation, access = access_citation_by_id(setting["student"], setting["shown"].pk)
    assert citation == setting["shown"] and access.reader_only
    with pytest.raises(Forbidden):
        access_citation_by_id(setting["student"], setting["shown"].pk, for_edit=True)


@pytest.mark.parametrize("name", ["inactive", "not_yet"])
def test_a_student_cannot_reach_a_citation_the_page_hides(setting, name):
    with pytest.raises(NotFound, match="No such citation"):
        access_citation_by_id(setting["student"], setting[name].pk)


def test_the_instructor_reaches_hidden_citations_to_edit_them(setting):
    for name in ("shown", "inactive", "not_yet"):
        _, access = access_citation_by_id(setting["instructor"], setting[name].pk, for_edit=True)
        assert access.edit


def test_a_student_of_no_linked_course_gets_not_found_like_a_missing_id(setting):
    with pytest.raises(NotFound) as hidden:
        access_citation_by_id(setting["outsider"], setting["shown"].pk)
    with pytest.raises(NotFound) as missing:
        access_citation_by_id(setting["outsider"], 10**9)
    assert str(hidden.value) == str(missing.value)
