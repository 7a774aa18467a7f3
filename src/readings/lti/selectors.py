"""Reads for LTI: where a launch lands, the published key set, launch history."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from readings.accounts.models import User
from readings.citations.models import Citation
from readings.courses.models import Course, EnrollmentRole
from readings.lists.access import course_lists_access, list_access, visible_lists
from readings.lists.models import ListCourse, ListMember, ReadingList, Section
from readings.lti.claims import LaunchClaims
from readings.lti.matching import normalise_code
from readings.lti.models import ContextLink, LaunchRecord, LaunchResult, ToolKey

# Custom parameter a deep-linked resource link carries: "list:12", "section:5", "citation:9".
TARGET_PARAMETER = "readings_target"


def tool_jwks() -> dict:
    """The current key and rotated keys still within their publication window."""
    keys = ToolKey.objects.filter(
        Q(is_current=True) | Q(published_until__gt=timezone.now())
    ).order_by("-is_current", "-created_at")
    return {"keys": [key.public_jwk for key in keys]}


def launch_landing(
    *,
    user: User | AnonymousUser,
    claims: LaunchClaims,
    course: Course | None,
    context: ContextLink | None,
    course_lists: Sequence[tuple] | None = None,
) -> str:
    """The address a launch continues to.

    A deep-linked target → that item (the list page applies the user's access);
    a matched course with one list the user may see → that list; several or
    none → the course landing page (chooser or "no list yet"); an unmatched
    LMS course → its context page; no LMS course at all → the home page.
    ``course_lists``: the course's first lists, already read for this user
    (``LANDING_CANDIDATES`` + 1 at most, see ``course_lists_subquery``).
    """
    target = deep_link_target_url(claims.custom.get(TARGET_PARAMETER, ""))
    if target:
        return target
    if course is not None:
        list_ids = _visible_course_lists(user, course, course_lists)
        if len(list_ids) == 1:
            return reverse("lists:detail", args=[list_ids[0]])
        return reverse("lti:course", args=[course.pk])
    if context is not None:
        return reverse("lti:context", args=[context.pk])
    return reverse("courses:home")


# A course has one list, or a few: judging each with list_access is much cheaper than
# building the visible_lists query, which every launch would otherwise pay for.
LANDING_CANDIDATES = 3


def _visible_course_lists(
    user: User | AnonymousUser, course: Course, rows: Sequence[tuple] | None = None
) -> list[int]:
    """Up to two ids of the course's lists the user may see (two means "several")."""
    candidates = course_lists_access(user, course.pk, limit=LANDING_CANDIDATES + 1, rows=rows)
    if len(candidates) > LANDING_CANDIDATES:
        lists = visible_lists(user, ReadingList.objects.filter(courses=course))
        return list(lists.values_list("pk", flat=True)[:2])
    return [reading_list.pk for reading_list, access in candidates if access.view][:2]


def deep_link_target_url(target: str) -> str:
    """The page for a "kind:id" target, or "" when it names nothing that exists."""
    kind, _, raw_id = target.partition(":")
    if not raw_id.isdigit():
        return ""
    pk = int(raw_id)
    if kind == "list" and ReadingList.objects.filter(pk=pk).exists():
        return reverse("lists:detail", args=[pk])
    if kind == "section":
        list_id = Section.objects.filter(pk=pk).values_list("reading_list_id", flat=True).first()
        if list_id:
            return reverse("lists:detail", args=[list_id]) + f"#s{pk}"
    if kind == "citation":
        list_id = Citation.objects.filter(pk=pk).values_list("reading_list_id", flat=True).first()
        if list_id:
            return reverse("lists:detail", args=[list_id]) + f"#c{pk}"
    return ""


def launch_records(*, result: str = "", platform_id: int | None = None) -> QuerySet[LaunchRecord]:
    records = LaunchRecord.objects.select_related("platform", "user", "course")
    if result:
        records = records.filter(result=result)
    if platform_id:
        records = records.filter(platform_id=platform_id)
    return records.order_by("-created_at")


def deep_linking_choices(*, user: User, course: Course | None) -> list[ReadingList]:
    """Lists an instructor may link: the launched course's and their own, with content."""
    lists = ReadingList.objects.filter(members__user=user)
    if course is not None:
        lists = lists | ReadingList.objects.filter(courses=course)
    return list(
        visible_lists(user, lists)
        .distinct()
        .prefetch_related("sections__citations")
        .order_by("name", "pk")[:100]
    )


def deep_link_item(*, user: User, target: str) -> tuple[str, str] | None:
    """(title, description) of a target this user can see, else None."""
    kind, _, raw_id = target.partition(":")
    if not raw_id.isdigit():
        return None
    pk = int(raw_id)
    if kind == "list":
        reading_list = ReadingList.objects.filter(pk=pk).first()
        section_name = ""
    elif kind == "section":
        section = Section.objects.select_related("reading_list").filter(pk=pk).first()
        reading_list = section.reading_list if section else None
        section_name = section.name if section else ""
    elif kind == "citation":
        citation = Citation.objects.select_related("reading_list").filter(pk=pk).first()
        reading_list = citation.reading_list if citation else None
        section_name = citation.title if citation else ""
    else:
        return None
    if reading_list is None or not list_access(user, reading_list).view:
        return None
    if kind == "list":
        return reading_list.name, reading_list.description
    return f"{section_name} — {reading_list.name}", ""


# An LMS course Readings does not know yet ---------------------------------------------

PICK_LIMIT = 50
ROLLOVER_CANDIDATES = 20
# How far back a rolled_from chain is followed looking for a course that has a list.
ROLLOVER_CHAIN = 10


def pickable_lists(*, user: User, context: ContextLink) -> QuerySet[ReadingList]:
    """Lists an instructor may link to the LMS course: theirs, or of courses they teach.

    "Theirs" is any list they own or collaborate on; lists every librarian or
    administrator could edit are not offered, or an administrator would face
    the whole institution.
    """
    institution_id = context.platform.institution_id
    taught = Course.objects.filter(institution_id=institution_id).filter(
        Q(instructors=user) | Q(enrollments__user=user, enrollments__role=EnrollmentRole.INSTRUCTOR)
    )
    return ReadingList.objects.filter(institution_id=institution_id).filter(
        Q(pk__in=ListMember.objects.filter(user=user).values("reading_list"))
        | Q(pk__in=ListCourse.objects.filter(course__in=taught.values("pk")).values("reading_list"))
    )


def context_list_choices(*, user: User, context: ContextLink) -> list[ReadingList]:
    """The lists offered to pick from, most recently changed first."""
    return list(
        pickable_lists(user=user, context=context)
        .prefetch_related("courses")
        .order_by("-updated_at", "pk")[:PICK_LIMIT]
    )


@dataclass(frozen=True)
class RolloverSource:
    """Last term's course for an LMS course, and its lists the instructor may see."""

    course: Course
    lists: list[ReadingList]


def context_rollover_source(
    *, user: User, context: ContextLink, today: datetime.date
) -> RolloverSource | None:
    """Last term's lists for an unmatched LMS course, or None if there is nothing to copy.

    Candidates are the courses with the same code (normalised as the
    platform's matching rule does) and the courses earlier launches of this
    same LMS course landed in; the most recent one that has already started
    wins. A candidate without a list of its own hands over to the course it
    was rolled over from, back along the ``rolled_from`` chain. Only lists the
    instructor may see are offered: a rollover never copies what they could
    not read.
    """
    for course in _previous_courses(context, today):
        seen: set[int] = set()
        while course is not None and course.pk not in seen and len(seen) < ROLLOVER_CHAIN:
            seen.add(course.pk)
            lists = list(
                visible_lists(user, ReadingList.objects.filter(courses=course)).order_by(
                    "name", "pk"
                )
            )
            if lists:
                return RolloverSource(course=course, lists=lists)
            course = course.rolled_from
    return None


def _previous_courses(context: ContextLink, today: datetime.date) -> list[Course]:
    platform = context.platform
    courses = Course.objects.filter(institution_id=platform.institution_id)
    code = normalise_code(context.label, platform.course_match_pattern) or normalise_code(
        context.label
    )
    same_code = Q(pk__in=[])
    for variant in {code, code.replace(" ", "")} - {""}:
        same_code |= Q(code__iexact=variant)
    launched_here = LaunchRecord.objects.filter(
        platform_id=platform.pk,
        context_id=context.context_id,
        result=LaunchResult.ACCEPTED,
        course__isnull=False,
    ).values("course")
    candidates = (
        courses.filter(same_code | Q(pk__in=launched_here))
        .annotate(term_start=Max("terms__start_date"))
        .select_related("rolled_from")
        .order_by("-pk")[: ROLLOVER_CANDIDATES * 5]
    )
    started = [c for c in candidates if _began(c) <= today]
    return sorted(started, key=_began, reverse=True)[:ROLLOVER_CANDIDATES]


def _began(course: Course) -> datetime.date:
    """When a course ran, as well as Readings knows: its term, its dates, its year."""
    if course.term_start is not None:
        return course.term_start
    if course.start_date is not None:
        return course.start_date
    if course.year is not None:
        return datetime.date(course.year, 1, 1)
    return course.created_at.date()
