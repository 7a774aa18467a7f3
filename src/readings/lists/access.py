"""Who may see, edit or manage a reading list: one decision, used everywhere.

- Administrators of the institution (and superusers): everything.
- Librarians of the institution: see and edit (they process lists), not manage.
- Owners and "can manage" collaborators: see, edit, manage.
- "Can edit" collaborators and instructors of a linked course: see and edit.
- Everyone else sees a list only once it is published, and only if its
  visibility admits them: anyone (even signed out), anyone at the institution,
  students enrolled in a linked course, or nobody (private).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext

from readings.accounts.models import Role, User
from readings.core.exceptions import Forbidden, NotFound
from readings.core.rows import BuiltQuery, ModelColumns, fits
from readings.courses.models import Course, EnrollmentRole
from readings.institutions.models import Institution
from readings.lists.models import (
    ListCourse,
    ListMember,
    MemberRole,
    PublicationStatus,
    ReadingList,
    Visibility,
)

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class ListAccess:
    view: bool = False
    edit: bool = False
    manage: bool = False

    @property
    def reader_only(self) -> bool:
        """Sees the list as a student does (filtered items, no editing)."""
        return self.view and not self.edit


NONE = ListAccess()
READ = ListAccess(view=True)
EDIT = ListAccess(view=True, edit=True)
MANAGE = ListAccess(view=True, edit=True, manage=True)


def list_access(
    user: AnyUser, reading_list: ReadingList, *, facts: _UserFacts | None = None
) -> ListAccess:
    facts = facts or _UserFacts(user, reading_list)
    if user.is_authenticated and (
        user.is_superuser or user.institution_id == reading_list.institution_id
    ):
        staff = _staff_access(user)
        if staff is not None:
            return staff
        role = facts.member_role()
        if role in (MemberRole.OWNER, MemberRole.MANAGE):
            return MANAGE
        if role == MemberRole.EDIT or facts.teaches_linked_course():
            return EDIT
    return READ if _reader_admitted(user, reading_list, facts) else NONE


def access_list_by_id(
    user: AnyUser, list_id: int, *, for_edit: bool = False, for_manage: bool = False
) -> tuple[ReadingList, ListAccess]:
    """Fetch a list on a user's behalf: 404 if they may not see it, 403 if not change it."""
    found = _list_and_facts(user, list_id)
    if found is None:
        raise NotFound(gettext("No such reading list."))
    reading_list, facts = found
    access = list_access(user, reading_list, facts=facts)
    if not access.view:
        raise NotFound(gettext("No such reading list."))
    if (for_edit and not access.edit) or (for_manage and not access.manage):
        raise Forbidden(gettext("You can see this reading list but not change it."))
    return reading_list, access


# Ids no row has (they are negative), standing for the user, the list and the course
# in the queries built once (BuiltQuery).
_STAND_INS = {"user": -917_000_001, "reading_list": -917_000_002}
_FACTS = ("member_role", "teaches", "enrolled")
# The columns of a course's lists that list_access reads, before their facts.
_COURSE_LIST_COLUMNS = ("id", "institution_id", "publication_status", "visibility")


_LISTS = ModelColumns(ReadingList)
_INSTITUTIONS = ModelColumns(Institution)


def _list_and_facts(user: AnyUser, list_id: int) -> tuple[ReadingList, _UserFacts] | None:
    """The list with its institution and the user's ties to it, in one query: every list page."""
    connection = connections[router.db_for_read(ReadingList)]
    if not fits(ReadingList._meta.pk, list_id, connection):
        return None  # an id from the address that no row can have
    rows = _LIST_QUERY.rows(connection.alias, user=user.pk or 0, reading_list=list_id)
    if not rows:
        return None
    row = rows[0]
    lists, institutions = len(_LISTS), len(_LISTS) + len(_INSTITUTIONS)
    reading_list = _LISTS.instance(connection, row[:lists])
    institution = _INSTITUTIONS.instance(connection, row[lists:institutions])
    ReadingList._meta.get_field("institution").set_cached_value(reading_list, institution)
    return reading_list, _UserFacts(user, reading_list, answers=tuple(row[institutions:]))


def _list_with_facts(using: str, *, user: int, reading_list: int) -> QuerySet:
    """``select_related("institution")`` with the facts, the columns in a known order.

    The list's and institution's columns come first, in the models' order, then
    the facts: what ``_list_and_facts`` reads back by position.
    """
    columns = [
        *(field.attname for field in _LISTS.fields),
        *(f"institution__{field.attname}" for field in _INSTITUTIONS.fields),
    ]
    lists = ReadingList.objects.using(using).filter(pk=reading_list)
    query = _with_facts(lists, User(pk=user)).values_list(*columns, *_FACTS).order_by()
    selected = list(query.query.values_select), list(query.query.annotation_select)
    if selected[0] != columns or selected[1][-len(_FACTS) :] != list(_FACTS):
        raise AssertionError("the list query no longer selects its columns in order")
    return query


_LIST_QUERY = BuiltQuery(_list_with_facts, **_STAND_INS)


def visible_lists(user: AnyUser, queryset: QuerySet[ReadingList] | None = None) -> QuerySet:
    """Filter lists to those the user may see, in one query (the same rules as list_access).

    Subqueries rather than joins, so each list appears once and callers may
    annotate counts without ``distinct()``.
    """
    queryset = ReadingList.objects.all() if queryset is None else queryset
    published = Q(publication_status=PublicationStatus.PUBLISHED)
    published_open = published & Q(visibility=Visibility.OPEN_TO_WORLD)
    if not user.is_authenticated:
        return queryset.filter(published_open)
    if user.is_superuser:
        return queryset
    own = Q(institution_id=user.institution_id)
    if _staff_access(user) is not None:
        return queryset.filter(own | published_open)
    links = ListCourse.objects.values("reading_list")
    editor = Q(pk__in=ListMember.objects.filter(user=user).values("reading_list")) | Q(
        pk__in=links.filter(_teaches(user, prefix="course__"))
    )
    reader = published & (
        Q(visibility=Visibility.INSTITUTION)
        | Q(visibility=Visibility.COURSE, pk__in=links.filter(course__enrollments__user=user))
    )
    return queryset.filter((own & (editor | reader)) | published_open)


def _staff_access(user: User) -> ListAccess | None:
    if user.is_superuser or Role.ADMINISTRATOR in user.role_set:
        return MANAGE
    if Role.LIBRARIAN in user.role_set:
        return EDIT
    return None


class _UserFacts:
    """A signed-in user's ties to one list, asked together in one query when first needed.

    list_access runs on every page that shows a list, and Django takes about
    thirty times longer to build this query (three subqueries, one with an OR
    across joins) than the database takes to answer it. So it is built once per
    process and database, with stand-in ids, and then run with each request's
    ids in their places.
    """

    def __init__(
        self, user: AnyUser, reading_list: ReadingList, answers: tuple | None = None
    ) -> None:
        self.user, self.reading_list = user, reading_list
        self._answers = answers

    def member_role(self) -> str | None:
        return self._answer()[0]

    def teaches_linked_course(self) -> bool:
        return bool(self._answer()[1])

    def enrolled_in_linked_course(self) -> bool:
        return bool(self._answer()[2])

    def _answer(self) -> tuple:
        if self._answers is None:
            using = self.reading_list._state.db or DEFAULT_DB_ALIAS
            (self._answers,) = _FACTS_QUERY.rows(
                using, user=self.user.pk, reading_list=self.reading_list.pk
            )
        return self._answers


def _with_facts(lists: QuerySet[ReadingList], user: User) -> QuerySet[ReadingList]:
    links = ListCourse.objects.filter(reading_list=OuterRef("pk"))
    member = ListMember.objects.filter(reading_list=OuterRef("pk"), user=user)
    return lists.annotate(
        member_role=Subquery(member.values("role")[:1]),
        teaches=Exists(links.filter(_teaches(user, prefix="course__"))),
        enrolled=Exists(links.filter(course__enrollments__user=user)),
    )


def _facts_of_one_list(using: str, *, user: int, reading_list: int) -> QuerySet:
    lists = ReadingList.objects.using(using).filter(pk=reading_list)
    return _with_facts(lists, User(pk=user)).values_list(*_FACTS).order_by()


_FACTS_QUERY = BuiltQuery(_facts_of_one_list, **_STAND_INS)


@functools.cache
def _course_lists_query(limit: int) -> BuiltQuery:
    def build(using: str, *, user: int, course: int) -> QuerySet:
        lists = ReadingList.objects.using(using).filter(listcourse__course_id=course)
        return (
            _with_facts(lists, User(pk=user))
            .values_list(*_COURSE_LIST_COLUMNS, *_FACTS)
            .order_by("pk")[:limit]
        )

    return BuiltQuery(build, user=_STAND_INS["user"], course=-917_000_003)


def course_lists_access(
    user: AnyUser, course_id: int, *, limit: int, rows: Sequence[tuple] | None = None
) -> list[tuple[ReadingList, ListAccess]]:
    """The course's first ``limit`` lists and the user's access to each, in one query.

    For an LTI launch's landing: the same decision as list_access, with the
    user's ties to every list asked together with the lists themselves.
    ``rows`` are those lists as ``course_lists_subquery`` read them within
    another query, for this user and course: then nothing is queried.
    """
    using = DEFAULT_DB_ALIAS
    if rows is None:
        rows = _course_lists_query(limit).rows(using, user=user.pk or 0, course=course_id)
    columns = len(_COURSE_LIST_COLUMNS)
    found = []
    for row in rows:
        reading_list = ReadingList.from_db(using, _COURSE_LIST_COLUMNS, row[:columns])
        facts = _UserFacts(user, reading_list, answers=tuple(row[columns:]))
        found.append((reading_list, list_access(user, reading_list, facts=facts)))
    return found


# What course_lists_subquery selects, per list: what course_lists_access reads back.
COURSE_LIST_WIDTH = len(_COURSE_LIST_COLUMNS) + len(_FACTS)


def course_lists_subquery(limit: int, *, user: str, course: str) -> tuple[str, list]:
    """``course_lists_access``'s query taking the user's and course's ids from columns.

    SQL and parameters for a ``LATERAL`` join in a query that reads the user
    and course itself (an LTI launch's first read): ``user`` and ``course``
    are the column references.
    """
    return _course_lists_query(limit).correlated(DEFAULT_DB_ALIAS, user=user, course=course)


def _teaches(user: User, *, prefix: str = "") -> Q:
    """Teaching a course: named as its instructor, or enrolled in it as one."""
    return Q(**{f"{prefix}instructors": user}) | Q(
        **{
            f"{prefix}enrollments__user": user,
            f"{prefix}enrollments__role": EnrollmentRole.INSTRUCTOR,
        }
    )


def _reader_admitted(user: AnyUser, reading_list: ReadingList, facts: _UserFacts) -> bool:
    if reading_list.publication_status != PublicationStatus.PUBLISHED:
        return False
    visibility = reading_list.visibility
    if visibility == Visibility.OPEN_TO_WORLD:
        return True
    if not user.is_authenticated or user.institution_id != reading_list.institution_id:
        return False
    if visibility == Visibility.INSTITUTION:
        return True
    if visibility == Visibility.COURSE:
        return facts.enrolled_in_linked_course()
    return False


def can_create_lists(user: AnyUser) -> bool:
    """Instructors and library staff of an institution start new lists."""
    if not user.is_authenticated or user.institution_id is None:
        return False
    roles = user.role_set
    return user.is_superuser or bool(roles & {Role.INSTRUCTOR, Role.LIBRARIAN, Role.ADMINISTRATOR})


def can_create_list_for_course(user: AnyUser, course: Course) -> bool:
    """Those who teach the course, and its institution's library staff."""
    if not can_create_lists(user) or course.institution_id != user.institution_id:
        return False
    if _staff_access(user) is not None:
        return True
    return Course.objects.filter(_teaches(user), pk=course.pk).exists()


def courses_for_new_list(user: User) -> QuerySet[Course]:
    """The courses offered as checkboxes when linking a list: those the user teaches.

    Library staff may link any course of the institution, by typing its code
    (see ``may_link_any_course``): thousands of checkboxes would help nobody.
    """
    taught = Course.objects.filter(_teaches(user)).values("pk")
    return Course.objects.filter(institution_id=user.institution_id, pk__in=taught).order_by(
        "code", "section", "pk"
    )


def may_link_any_course(user: AnyUser) -> bool:
    return user.is_authenticated and _staff_access(user) is not None
