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
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext

from readings.accounts.models import Role, User
from readings.core.exceptions import Forbidden, NotFound
from readings.courses.models import Course, EnrollmentRole
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


def list_access(user: AnyUser, reading_list: ReadingList) -> ListAccess:
    facts = _UserFacts(user, reading_list)
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
    reading_list = ReadingList.objects.select_related("institution").filter(pk=list_id).first()
    if reading_list is None:
        raise NotFound(gettext("No such reading list."))
    access = list_access(user, reading_list)
    if not access.view:
        raise NotFound(gettext("No such reading list."))
    if (for_edit and not access.edit) or (for_manage and not access.manage):
        raise Forbidden(gettext("You can see this reading list but not change it."))
    return reading_list, access


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

    def __init__(self, user: AnyUser, reading_list: ReadingList) -> None:
        self.user, self.reading_list = user, reading_list
        self._answers: tuple | None = None

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


# Ids no row has (they are negative), standing for the user and the list in the built query.
_STAND_IN_USER, _STAND_IN_LIST = -917_000_001, -917_000_002
_built_facts_queries: dict[str, tuple[str, tuple]] = {}


def _facts_query(using: str) -> tuple[str, tuple]:
    """The SQL of the facts query for this database, with the stand-in ids among its params."""
    if using not in _built_facts_queries:
        user = User(pk=_STAND_IN_USER)
        links = ListCourse.objects.filter(reading_list=OuterRef("pk"))
        member = ListMember.objects.filter(reading_list=OuterRef("pk"), user=user)
        query = (
            ReadingList.objects.using(using)
            .filter(pk=_STAND_IN_LIST)
            .annotate(
                member_role=Subquery(member.values("role")[:1]),
                teaches=Exists(links.filter(_teaches(user, prefix="course__"))),
                enrolled=Exists(links.filter(course__enrollments__user=user)),
            )
            .values_list("member_role", "teaches", "enrolled")
            .order_by()
        )
        sql, params = query.query.sql_with_params()
        if _STAND_IN_USER not in params or _STAND_IN_LIST not in params:
            raise AssertionError("the list access query no longer takes its ids as parameters")
        _built_facts_queries[using] = (sql, tuple(params))
    return _built_facts_queries[using]


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
