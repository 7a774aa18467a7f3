"""Reads for courses."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from readings.accounts.models import User
from readings.courses.models import Course


def course_search(*, user: User, query: str = "") -> QuerySet[Course]:
    """The courses a user may browse, matching code, section, title or searchable id."""
    courses = Course.objects.select_related("academic_department").annotate(
        list_count=Count("reading_lists", distinct=True)
    )
    if not user.is_superuser:
        courses = courses.filter(institution_id=user.institution_id)
    for word in query.split()[:8]:
        courses = courses.filter(
            Q(code__icontains=word)
            | Q(section__icontains=word)
            | Q(title__icontains=word)
            | Q(pk__in=Course.objects.filter(searchable_ids__value__icontains=word).values("pk"))
        )
    return courses.order_by("code", "section")


def courses_of_user(*, user: User) -> QuerySet[Course]:
    """Courses the user teaches or is enrolled in."""
    return (
        Course.objects.filter(Q(instructors=user) | Q(enrollments__user=user))
        .select_related("academic_department")
        .annotate(list_count=Count("reading_lists", distinct=True))
        .distinct()
        .order_by("code", "section")
    )


def course_find(*, institution_id: int, code: str, section: str = "") -> Course | None:
    return Course.objects.filter(
        institution_id=institution_id, code=code, section=section or ""
    ).first()
