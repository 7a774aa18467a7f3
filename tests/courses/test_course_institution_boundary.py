"""A course only ever refers to people and structure of its own institution."""

from __future__ import annotations

import pytest

from readings.core.exceptions import InvalidInput
from readings.courses.models import Course, Enrollment
from readings.courses.services import course_create, course_enroll, course_update
from readings.institutions.services import (
    academic_department_create,
    processing_department_create,
    term_create,
)


@pytest.fixture
def course(institution):
    return course_create(institution=institution, code="X1", title="T")


def test_enrolling_a_user_of_another_institution_is_refused(course, make_user, other_institution):
    outsider = make_user(inst=other_institution)
    with pytest.raises(InvalidInput) as caught:
        course_enroll(course=course, user=outsider)
    assert "user" in caught.value.errors
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    ("field", "make"),
    [
        ("academic_department", academic_department_create),
        ("processing_department", processing_department_create),
    ],
)
def test_a_department_of_another_institution_is_refused(
    institution, other_institution, field, make
):
    foreign = make(institution=other_institution, code="D", name="Dept")
    with pytest.raises(InvalidInput) as caught:
        course_create(institution=institution, code="X1", title="T", **{field: foreign})
    assert field in caught.value.errors
    assert not Course.objects.exists()


def test_a_term_of_another_institution_is_refused(institution, other_institution):
    foreign = term_create(institution=other_institution, code="T", name="Term")
    with pytest.raises(InvalidInput) as caught:
        course_create(institution=institution, code="X1", title="T", terms=[foreign])
    assert "terms" in caught.value.errors
    assert not Course.objects.exists()


def test_an_instructor_of_another_institution_is_refused(institution, other_institution, make_user):
    outsider = make_user(inst=other_institution)
    with pytest.raises(InvalidInput) as caught:
        course_create(institution=institution, code="X1", title="T", instructors=[outsider])
    assert "instructors" in caught.value.errors
    assert not Course.objects.exists()


def test_adding_an_instructor_of_another_institution_later_is_refused(
    course, other_institution, make_user
):
    with pytest.raises(InvalidInput):
        course_update(course=course, instructors=[make_user(inst=other_institution)])
    assert not course.instructors.exists()


def test_rolling_over_from_another_institution_course_is_refused(institution, other_institution):
    foreign = course_create(institution=other_institution, code="X1", title="T")
    with pytest.raises(InvalidInput) as caught:
        course_create(institution=institution, code="X1", title="T", rolled_from=foreign)
    assert "rolled_from" in caught.value.errors
