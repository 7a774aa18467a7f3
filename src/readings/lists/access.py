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

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext

from readings.accounts.models import Role, User
from readings.core.exceptions import Forbidden, NotFound
from readings.core.rows import ModelColumns, fits
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


_LISTS = ModelColumns(ReadingList)
_INSTITUTIONS = ModelColumns(Institution)
_built_list_queries: dict[str, tuple[str, tuple]] = {}


def _list_and_facts(user: AnyUser, list_id: int) -> tuple[ReadingList, _UserFacts] | None:
    """The list with its institution and the user's ties to it, in one query: every list page."""
    connection = connections[router.db_for_read(ReadingList)]
    if not fits(ReadingList._meta.pk, list_id, connection):
        return None  # an id from the address that no row can have
    sql, params = _list_query(connection.alias)
    ids = {_STAND_IN_USER: user.pk or 0, _STAND_IN_LIST: list_id}
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids.get(p, p) if isinstance(p, int) else p for p in params])
        row = cursor.fetchone()
    if row is None:
        return None
    lists, institutions = len(_LISTS), len(_LISTS) + len(_INSTITUTIONS)
    reading_list = _LISTS.instance(connection, row[:lists])
    institution = _INSTITUTIONS.instance(connection, row[lists:institutions])
    ReadingList._meta.get_field("institution").set_cached_value(reading_list, institution)
    return reading_list, _UserFacts(user, reading_list, answers=tuple(row[institutions:]))


def _list_query(using: str) -> tuple[str, tuple]:
    """``select_related("institution")`` with the facts, built once with stand-in ids.

    The list's and institution's columns come first, in the models' order, then
    the facts: what ``_list_and_facts`` reads back by position.
    """
    if using not in _built_list_queries:
        columns = [
            *(field.attname for field in _LISTS.fields),
            *(f"institution__{field.attname}" for field in _INSTITUTIONS.fields),
        ]
        lists = ReadingList.objects.using(using).filter(pk=_STAND_IN_LIST)
        query = _with_facts(lists, User(pk=_STAND_IN_USER)).values_list(*columns, *_FACTS)
        query = query.order_by()
        if list(query.query.values_select) != columns or list(query.query.annotation_select)[
            -len(_FACTS) :
        ] != list(_FACTS):
            raise AssertionError("the list query no longer selects its columns in order")
        _built_list_queries[using] = _built(query, _STAND_IN_USER, _STAND_IN_LIST)
    return _built_list_queries[using]


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
            sql, params = _facts_query(using)
            ids = {_STAND_IN_USER: self.user.pk, _STAND_IN_LIST: self.reading_list.pk}
            with connections[using].cursor() as cursor:
                cursor.execute(sql, [ids.get(p, p) if isinstance(p, int) else p for p in params])
                self._answers = cursor.fetchone()
        return self._answers


# Ids no row has (they are negative), standing for the user and the list (or course)
# in the built queries.
_STAND_IN_USER, _STAND_IN_LIST, _STAND_IN_COURSE = -917_000_001, -917_000_002, -917_000_003
_built_facts_queries: dict[str, tuple[str, tuple]] = {}
_built_course_queries: dict[str, tuple[str, tuple]] = {}
_FACTS = ("member_role", "teaches", "enrolled")
# The columns of a course's lists that list_access reads, before their facts.
_COURSE_LIST_COLUMNS = ("id", "institution_id", "publication_status", "visibility")


def _with_facts(lists: QuerySet[ReadingList], user: User) -> QuerySet[ReadingList]:
    links = ListCourse.objects.filter(reading_list=OuterRef("pk"))
    member = ListMember.objects.filter(reading_list=OuterRef("pk"), user=user)
    return lists.annotate(
        member_role=Subquery(member.values("role")[:1]),
        teaches=Exists(links.filter(_teaches(user, prefix="course__"))),
        enrolled=Exists(links.filter(course__enrollments__user=user)),
    )


def _built(queryset: QuerySet, *stand_ins: int) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    if not all(stand_in in params for stand_in in stand_ins):
        raise AssertionError("a list access query no longer takes its ids as parameters")
    return sql, tuple(params)


def _facts_query(using: str) -> tuple[str, tuple]:
    """The SQL of the facts query for this database, with the stand-in ids among its params."""
    if using not in _built_facts_queries:
        lists = ReadingList.objects.using(using).filter(pk=_STAND_IN_LIST)
        query = _with_facts(lists, User(pk=_STAND_IN_USER)).values_list(*_FACTS).order_by()
        _built_facts_queries[using] = _built(query, _STAND_IN_USER, _STAND_IN_LIST)
    return _built_facts_queries[using]


def _course_lists_query(using: str, limit: int) -> tuple[str, tuple]:
    key = f"{using}:{limit}"
    if key not in _built_course_queries:
        lists = ReadingList.objects.using(using).filter(listcourse__course_id=_STAND_IN_COURSE)
        query = (
            _with_facts(lists, User(pk=_STAND_IN_USER))
            .values_list(*_COURSE_LIST_COLUMNS, *_FACTS)
            .order_by("pk")[:limit]
        )
        _built_course_queries[key] = _built(query, _STAND_IN_USER, _STAND_IN_COURSE)
    return _built_course_queries[key]


def course_lists_access(
    user: AnyUser, course_id: int, *, limit: int
) -> list[tuple[ReadingList, ListAccess]]:
    """The course's first ``limit`` lists and the user's access to each, in one query.

    For an LTI launch's landing: the same decision as list_access, with the
    user's ties to every list asked together with the lists themselves.
    """
    using = DEFAULT_DB_ALIAS
    sql, params = _course_lists_query(using, limit)
    ids = {_STAND_IN_USER: user.pk or 0, _STAND_IN_COURSE: course_id}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [ids.get(p, p) if isinstance(p, int) else p for p in params])
        rows = cursor.fetchall()
    found = []
    for row in rows:
        columns = len(_COURSE_LIST_COLUMNS)
        reading_list = ReadingList.from_db(using, _COURSE_LIST_COLUMNS, row[:columns])
        facts = _UserFacts(user, reading_list, answers=tuple(row[columns:]))
        found.append((reading_list, list_access(user, reading_list, facts=facts)))
    return found


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
