"""An LMS course Readings does not know yet: its instructor sets up its reading list.

Three ways, each creating the Readings course the LMS course stands for
(code from the context label, title from the context title), enrolling the
instructor in it and remembering the LMS course → course link:

- a new, empty list (``context_course_create``);
- an existing list they own, collaborate on, or that belongs to a course they
  teach, linked to the new course as it is (``context_list_pick``);
- last term's list, copied with its sections, citations, tags and notes, its
  status reset and ``rolled_from`` set (``context_list_rollover``).

Only the instructor of that LMS course may: the latest accepted launch of the
acting user from that context must have been as instructor (the session's
word is checked again here, so no caller can skip it).
"""

from __future__ import annotations

from django.db import transaction

from readings.accounts.models import User
from readings.core.exceptions import Conflict, Forbidden, NotFound
from readings.courses.models import Course
from readings.courses.services import course_create, course_enroll
from readings.institutions.selectors import institution_today
from readings.lists.copying import list_copy
from readings.lists.models import MemberRole, ReadingList
from readings.lists.services import list_create, list_link_course, member_set
from readings.lti.claims import INSTRUCTOR
from readings.lti.matching import normalise_code
from readings.lti.models import ContextLink, ContextMatch, LaunchRecord, LaunchResult
from readings.lti.selectors import context_rollover_source, pickable_lists


@transaction.atomic
def context_course_create(*, context: ContextLink, acting_user: User) -> ReadingList:
    """Create the course and its first, empty list; the instructor owns the list."""
    _require_instructor(context, acting_user)
    course = _course_for_context(context=context, acting_user=acting_user)
    return list_create(
        institution=course.institution,
        name=course.title,
        acting_user=acting_user,
        courses=[course],
    )


@transaction.atomic
def context_list_pick(*, context: ContextLink, list_id: int, acting_user: User) -> ReadingList:
    """Create the course and link one of the instructor's existing lists to it."""
    _require_instructor(context, acting_user)
    reading_list = pickable_lists(user=acting_user, context=context).filter(pk=list_id).first()
    if reading_list is None:
        raise NotFound("No such reading list.")
    course = _course_for_context(context=context, acting_user=acting_user)
    list_link_course(reading_list=reading_list, course=course)
    return reading_list


@transaction.atomic
def context_list_rollover(*, context: ContextLink, list_id: int, acting_user: User) -> ReadingList:
    """Create the course (rolled over from last term's) and copy last term's list into it."""
    _require_instructor(context, acting_user)
    institution = context.platform.institution
    source = context_rollover_source(
        user=acting_user, context=context, today=institution_today(institution)
    )
    original = next((rl for rl in source.lists if rl.pk == list_id), None) if source else None
    if source is None or original is None:
        raise NotFound("No such reading list.")
    course = _course_for_context(
        context=context, acting_user=acting_user, rolled_from=source.course
    )
    # Status back to "being prepared" and draft: last term's publication is not this term's.
    copy = list_copy(source=original, courses=[course])
    member_set(reading_list=copy, user=acting_user, role=MemberRole.OWNER)
    return copy


def _course_for_context(
    *, context: ContextLink, acting_user: User, rolled_from: Course | None = None
) -> Course:
    locked = (
        ContextLink.objects.select_for_update()
        .select_related("platform__institution")
        .get(pk=context.pk)
    )
    if locked.course_id is not None:
        raise Conflict(
            "This LMS course was linked to a Readings course in the meantime; "
            "open the link in the LMS again."
        )
    platform = locked.platform
    raw = locked.label or locked.context_id
    code = normalise_code(raw, platform.course_match_pattern) or normalise_code(raw)
    course = course_create(
        institution=platform.institution,
        code=code[:50],
        title=locked.title or locked.label or code,
        rolled_from=rolled_from,
    )
    course_enroll(course=course, user=acting_user, role=INSTRUCTOR)
    locked.course = course
    locked.matched_by = ContextMatch.CREATED
    locked.save(update_fields=["course", "matched_by", "updated_at"])
    context.course, context.matched_by = course, locked.matched_by
    return course


def _require_instructor(context: ContextLink, user: User) -> None:
    latest = (
        LaunchRecord.objects.filter(
            platform_id=context.platform_id,
            context_id=context.context_id,
            user=user,
            result=LaunchResult.ACCEPTED,
        )
        .order_by("-created_at", "-pk")
        .values_list("role", flat=True)
        .first()
    )
    if latest != INSTRUCTOR:
        raise Forbidden("Only an instructor of this LMS course can set up its reading list.")
