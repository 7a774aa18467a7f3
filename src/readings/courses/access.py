"""Who may see which course: the only way views fetch a course for a user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext

from readings.accounts.models import User
from readings.core.exceptions import NotFound
from readings.courses.models import Course


def can_view_course(user: User | AnonymousUser, course: Course) -> bool:
    return can_view_courses_of(user, course.institution_id)


def can_view_courses_of(user: User | AnonymousUser, institution_id: int) -> bool:
    """Whether the user may see the courses of this institution, without loading one."""
    # Course codes and titles are public within the institution (as in a timetable);
    # what each list shows is decided by lists.access.
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.institution_id == institution_id


def access_course_by_id(user: User | AnonymousUser, course_id: int) -> Course:
    course = (
        Course.objects.select_related("institution", "academic_department", "processing_department")
        .filter(pk=course_id)
        .first()
    )
    if course is None or not can_view_course(user, course):
        raise NotFound(gettext("No such course."))
    return course
