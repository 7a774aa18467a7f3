"""Reads for courses."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects

from readings.accounts.models import User
from readings.courses.models import Course
from readings.lists.access import visible_lists

_MAX_WORDS = 8


def course_search(*, user: User, query: str = "") -> QuerySet[Course]:
    """The courses a user may browse, matching code, section, title or searchable id.

    Every word must match somewhere; ``list_count`` counts only the lists this
    user may see, so a draft list does not show up as a number either.
    """
    courses = _with_visible_list_count(Course.objects.select_related("academic_department"), user)
    if not user.is_superuser:
        courses = courses.filter(institution_id=user.institution_id)
    for word in query.split()[:_MAX_WORDS]:
        courses = courses.filter(
            Q(code__icontains=word)
            | Q(section__icontains=word)
            | Q(title__icontains=word)
            | Q(pk__in=Course.objects.filter(searchable_ids__value__icontains=word).values("pk"))
        )
    return courses.order_by("code", "section", "pk")


def courses_of_user(*, user: User) -> QuerySet[Course]:
    """Courses the user teaches or is enrolled in."""
    mine = Course.objects.filter(
        Q(pk__in=Course.objects.filter(instructors=user).values("pk"))
        | Q(pk__in=Course.objects.filter(enrollments__user=user).values("pk"))
    )
    return _with_visible_list_count(mine.select_related("academic_department"), user).order_by(
        "code", "section", "pk"
    )


def course_for_page(*, course: Course) -> Course:
    """Load what the course page shows beside the lists (instructors, ids, terms)."""
    instructors = Prefetch("instructors", queryset=User.objects.order_by("last_name", "username"))
    prefetch_related_objects([course], instructors, "searchable_ids", "terms")
    return course


def course_find(*, institution_id: int, code: str, section: str = "") -> Course | None:
    return Course.objects.filter(
        institution_id=institution_id, code=code, section=section or ""
    ).first()


def _with_visible_list_count(
    courses: QuerySet[Course], user: User | AnonymousUser
) -> QuerySet[Course]:
    seen = visible_lists(user).values("pk")
    return courses.annotate(
        list_count=Count("reading_lists", filter=Q(reading_lists__in=seen), distinct=True)
    )
