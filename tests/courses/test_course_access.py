"""Who may open a course page: people of its institution, and superusers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from readings.accounts.models import User
from readings.core.exceptions import NotFound
from readings.courses.access import access_course_by_id
from readings.courses.services import course_create


@pytest.fixture
def course(institution):
    return course_create(institution=institution, code="C1", title="Course")


@pytest.mark.parametrize("roles", [["student"], ["instructor"], ["librarian"], []])
def test_anyone_signed_in_at_the_institution_may_open_a_course(course, make_user, roles):
    assert access_course_by_id(make_user(roles=roles), course.pk) == course


def test_a_superuser_may_open_any_course(course):
    root = User.objects.create_superuser("root", "root@example.edu", None)
    assert access_course_by_id(root, course.pk) == course


@pytest.mark.parametrize("who", ["anonymous", "other institution"])
def test_others_are_told_the_course_does_not_exist(course, make_user, other_institution, who):
    user = AnonymousUser() if who == "anonymous" else make_user(inst=other_institution)
    with pytest.raises(NotFound) as hidden:
        access_course_by_id(user, course.pk)
    with pytest.raises(NotFound) as missing:
        access_course_by_id(user, 999_999)
    assert hidden.value.message == missing.value.message
