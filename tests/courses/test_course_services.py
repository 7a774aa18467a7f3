"""Courses: unique per institution, code and section; related data set and replaced."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from readings.core.exceptions import InvalidInput
from readings.courses.models import Course, Enrollment, SearchableId
from readings.courses.services import (
    course_create,
    course_delete,
    course_enroll,
    course_set_campuses,
    course_set_searchable_ids,
    course_unenroll,
    course_update,
)
from readings.institutions.services import academic_department_create, term_create
from readings.lists.models import ListCourse, ReadingList
from readings.lists.services import list_create


def test_a_course_code_and_section_is_taken_once_per_institution(institution):
    course_create(institution=institution, code="HIST101", section="A", title="History")
    with pytest.raises(InvalidInput) as caught:
        course_create(institution=institution, code="HIST101", section="A", title="Again")
    assert list(caught.value.errors) == ["code"]
    assert "already exists" in caught.value.errors["code"][0]
    assert Course.objects.filter(code="HIST101").count() == 1


def test_the_same_course_code_is_fine_at_another_institution(institution, other_institution):
    course_create(institution=institution, code="HIST101", title="History")
    course_create(institution=other_institution, code="HIST101", title="History")
    assert Course.objects.filter(code="HIST101").count() == 2


def test_a_blank_section_is_its_own_section(institution):
    course_create(institution=institution, code="HIST101", section="A", title="History A")
    plain = course_create(institution=institution, code="HIST101", title="History")
    assert plain.section == ""
    with pytest.raises(InvalidInput) as caught:
        course_create(institution=institution, code="HIST101", section="  ", title="Blank again")
    assert "code" in caught.value.errors


def test_a_course_cannot_end_before_it_starts(institution):
    with pytest.raises(InvalidInput) as caught:
        course_create(
            institution=institution,
            code="X1",
            title="Backwards",
            start_date=datetime.date(2025, 9, 1),
            end_date=datetime.date(2025, 1, 1),
        )
    assert caught.value.errors == {"__all__": ["The course cannot end before it starts."]}
    assert not Course.objects.exists()


def test_changing_a_course_to_end_before_it_starts_is_refused(institution):
    course = course_create(
        institution=institution, code="X1", title="T", start_date=datetime.date(2025, 9, 1)
    )
    with pytest.raises(InvalidInput) as caught:
        course_update(course=course, end_date=datetime.date(2025, 8, 31))
    assert "cannot end before it starts" in caught.value.message
    course.refresh_from_db()
    assert course.end_date is None


def test_searchable_ids_are_trimmed_deduplicated_and_replaced(institution):
    course = course_create(
        institution=institution, code="X1", title="T", searchable_ids=[" LMS-1 ", "LMS-1", "", "B"]
    )
    assert _values(course) == ["B", "LMS-1"]
    course_set_searchable_ids(course=course, values=["B", "C"])
    assert _values(course) == ["B", "C"]
    course_update(course=course, searchable_ids=[])
    assert _values(course) == []


def test_searchable_ids_carry_the_course_institution(institution):
    course = course_create(institution=institution, code="X1", title="T", searchable_ids=["A"])
    assert SearchableId.objects.get(course=course).institution == institution


def test_campuses_are_replaced_and_a_repeated_campus_keeps_its_last_count(institution):
    course = course_create(
        institution=institution, code="X1", title="T", campuses=[("North", 10), ("South", 5)]
    )
    course_set_campuses(course=course, campuses=[("South", 7), (" South ", 8), ("", 3)])
    assert list(course.campuses.values_list("campus", "participants")) == [("South", 8)]


def test_a_negative_campus_participant_count_is_refused(institution):
    course = course_create(institution=institution, code="X1", title="T", campuses=[("N", 1)])
    with pytest.raises(InvalidInput) as caught:
        course_set_campuses(course=course, campuses=[("North", -1)])
    assert "campuses" in caught.value.errors
    assert list(course.campuses.values_list("campus", flat=True)) == ["N"]


def test_an_overlong_searchable_id_is_refused_not_truncated(institution):
    course = course_create(institution=institution, code="X1", title="T")
    with pytest.raises(InvalidInput) as caught:
        course_set_searchable_ids(course=course, values=["x" * 300])
    assert "searchable_ids" in caught.value.errors
    assert not SearchableId.objects.exists()


def test_deleting_a_course_keeps_its_lists_unlinked(institution):
    course = course_create(institution=institution, code="X1", title="T", searchable_ids=["S"])
    reading_list = list_create(institution=institution, name="Readings", courses=[course])
    course_delete(course=course)
    assert ReadingList.objects.filter(pk=reading_list.pk).exists()
    assert not ListCourse.objects.exists()
    assert not SearchableId.objects.exists()


def test_enrolling_twice_keeps_one_enrolment_with_the_latest_role(institution, make_user):
    course = course_create(institution=institution, code="X1", title="T")
    user = make_user()
    course_enroll(course=course, user=user)
    course_enroll(course=course, user=user, role="instructor")
    assert list(Enrollment.objects.filter(course=course).values_list("role", flat=True)) == [
        "instructor"
    ]


def test_an_unknown_enrolment_role_is_refused(institution, make_user):
    course = course_create(institution=institution, code="X1", title="T")
    with pytest.raises(InvalidInput) as caught:
        course_enroll(course=course, user=make_user(), role="teacher")
    assert "teacher" in caught.value.errors["role"][0]
    assert not Enrollment.objects.exists()


def test_unenrolling_removes_only_that_person(institution, make_user):
    course = course_create(institution=institution, code="X1", title="T")
    stays, leaves = make_user(), make_user()
    course_enroll(course=course, user=stays)
    course_enroll(course=course, user=leaves)
    course_unenroll(course=course, user=leaves)
    assert list(Enrollment.objects.values_list("user", flat=True)) == [stays.pk]


def _values(course: Course) -> list[str]:
    return list(course.searchable_ids.values_list("value", flat=True))


def test_unknown_course_fields_are_a_programming_error(institution):
    course = course_create(institution=institution, code="X1", title="T")
    with pytest.raises(TypeError):
        course_update(course=course, code="X2")


def test_a_course_is_saved_with_its_terms_and_instructors(institution, make_user):
    term = term_create(institution=institution, code="T1", name="Autumn")
    department = academic_department_create(institution=institution, code="H", name="History")
    teacher = make_user()
    course = course_create(
        institution=institution,
        code="X1",
        title="T",
        terms=[term],
        instructors=[teacher],
        academic_department=department,
    )
    assert list(course.terms.all()) == [term]
    assert list(course.instructors.all()) == [teacher]


def test_a_course_title_of_only_spaces_is_refused(institution):
    course = course_create(institution=institution, code="X1", title="Kept")
    with pytest.raises(InvalidInput) as caught:
        course_update(course=course, title="   ")
    assert list(caught.value.errors) == ["title"]


def test_a_duplicate_that_slips_past_validation_is_still_a_field_error(institution):
    """Two requests can both validate before either saves: the database has the last word."""
    course_create(institution=institution, code="X1", title="First")
    with mock.patch("readings.courses.services.validate"), pytest.raises(InvalidInput) as caught:
        course_create(institution=institution, code="X1", title="Second")
    assert list(caught.value.errors) == ["code"]
    assert Course.objects.count() == 1
