"""Reads for reading lists: the list page in a bounded number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from readings.accounts.models import User
from readings.citations.models import Citation, CitationStatus
from readings.courses.models import Course, EnrollmentRole
from readings.discovery.links import CitationLinks, citation_links
from readings.discovery.marc import Holding
from readings.discovery.selectors import holdings_by_record_id
from readings.institutions.selectors import institution_setting
from readings.lists.access import ListAccess, visible_lists
from readings.lists.models import (
    ListCourse,
    ListInvitation,
    ListMember,
    MemberRole,
    ReadingList,
    Section,
    Tag,
    TagKind,
)
from readings.lists.visibility import (
    citation_hidden_reasons,
    list_audience_note,
    list_hidden_reasons,
    section_hidden_reasons,
)

# What a reader never needs: private notes stay in the database.
_EDITOR_ONLY_FIELDS = ("instructor_note", "library_note", "original_system_id")


@dataclass
class CitationRow:
    citation: Citation
    hidden: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    links: CitationLinks = field(default_factory=CitationLinks)
    holdings: list[Holding] = field(default_factory=list)


@dataclass
class SectionView:
    section: Section
    rows: list[CitationRow]
    hidden: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)


@dataclass
class ListPage:
    reading_list: ReadingList
    access: ListAccess
    sections: list[SectionView]
    courses: list[Course]
    hidden: list[str]
    audience: str

    @property
    def citation_count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def list_page(*, reading_list: ReadingList, access: ListAccess, today: datetime.date) -> ListPage:
    """Sections and citations as this user may see them, each hidden one with its reasons.

    Readers (students, the public) get only what they may see; editors get
    everything, annotated with why students would not see it.
    """
    require_completion = reading_list.institution.require_library_completion
    sections = list(Section.objects.filter(reading_list=reading_list).order_by("position"))
    citations = Citation.objects.filter(reading_list=reading_list)
    if access.reader_only:
        citations = citations.defer(*_EDITOR_ONLY_FIELDS)
    kinds = [TagKind.PUBLIC] if access.reader_only else TagKind.values
    citation_tags = _tags_by_owner(
        Citation.tags.through.objects.filter(citation__reading_list=reading_list),
        "citation_id",
        kinds,
    )
    by_section: dict[int, list[CitationRow]] = {s.pk: [] for s in sections}
    resolver_url = institution_setting(reading_list.institution, "link_resolver_url")
    rows = []
    for citation in citations.order_by("section_id", "position"):
        hidden = citation_hidden_reasons(citation, require_completion=require_completion)
        if access.reader_only and hidden:
            continue
        tags = citation_tags.get(citation.pk, [])
        links = citation_links(citation, resolver_url=resolver_url)
        rows.append(CitationRow(citation, hidden, tags, links))
        by_section[citation.section_id].append(rows[-1])
    _add_holdings(reading_list, rows)
    section_tags = _tags_by_owner(
        Section.tags.through.objects.filter(section__reading_list=reading_list),
        "section_id",
        kinds,
    )
    views = []
    for section in sections:
        hidden = section_hidden_reasons(section, today)
        if access.reader_only and hidden:
            continue
        tags = section_tags.get(section.pk, [])
        views.append(SectionView(section, by_section[section.pk], hidden, tags))
    courses = list(reading_list.courses.order_by("code", "section"))
    return ListPage(
        reading_list=reading_list,
        access=access,
        sections=views,
        courses=courses,
        hidden=list_hidden_reasons(reading_list, course_count=len(courses)),
        audience=list_audience_note(reading_list),
    )


def _add_holdings(reading_list: ReadingList, rows: list[CitationRow]) -> None:
    """Holdings of the citations linked to the built-in catalogue, in one query for the page."""
    holdings = holdings_by_record_id(
        institution=reading_list.institution,
        record_ids=(row.citation.catalogue_record_id for row in rows),
    )
    for row in rows:
        row.holdings = holdings.get(row.citation.catalogue_record_id, [])


def _tags_by_owner(links: QuerySet, owner: str, kinds: list[str]) -> dict[int, list[Tag]]:
    """Tags per citation (or section) from one query, one Tag object per tag.

    Prefetching would build a Tag and a related manager for every link; a
    list shows a handful of distinct tags hundreds of times.
    """
    rows = (
        links.filter(tag__kind__in=kinds)
        .order_by("tag__position", "tag__name")
        .values_list(owner, "tag_id", "tag__code", "tag__name", "tag__kind")
    )
    tags: dict[int, Tag] = {}
    result: dict[int, list[Tag]] = {}
    for owner_id, tag_id, code, name, kind in rows:
        if tag_id not in tags:
            tags[tag_id] = Tag(pk=tag_id, code=code, name=name, kind=kind)
        result.setdefault(owner_id, []).append(tags[tag_id])
    return result


@dataclass
class CourseListRow:
    reading_list: ReadingList
    item_count: int
    hidden: list[str]
    audience: str = ""


def lists_of_course(
    *, user: User | AnonymousUser, course: Course, today: datetime.date
) -> QuerySet[ReadingList]:
    """The course's lists this user may see, with two item counts.

    ``citation_count`` counts every item; ``student_item_count`` only the items
    a student would see today (the rules of lists.visibility, as a filter).
    """
    shown = ~Q(citations__status=CitationStatus.INACTIVE)
    if course.institution.require_library_completion:
        shown &= Q(citations__status=CitationStatus.COMPLETE)
    shown &= Q(citations__section__start_date__isnull=True) | Q(
        citations__section__start_date__lte=today
    )
    shown &= Q(citations__section__end_date__isnull=True) | Q(
        citations__section__end_date__gte=today
    )
    return (
        visible_lists(user, ReadingList.objects.filter(courses=course))
        .annotate(
            citation_count=Count("citations", distinct=True),
            student_item_count=Count("citations", filter=shown, distinct=True),
        )
        .order_by("name", "pk")
    )


def course_list_rows(
    *, user: User | AnonymousUser, course: Course, today: datetime.date
) -> list[CourseListRow]:
    """Rows for the course page: each list with why students cannot see it, if so.

    Only editors can see a list that students cannot, so those rows count every
    item; the others count what students see, so no hidden item is revealed.
    """
    rows = []
    for reading_list in lists_of_course(user=user, course=course, today=today):
        hidden = list_hidden_reasons(reading_list)
        count = reading_list.citation_count if hidden else reading_list.student_item_count
        rows.append(
            CourseListRow(
                reading_list=reading_list,
                item_count=count,
                hidden=hidden,
                # Only editors reach hidden lists; readers need no note on who else sees it.
                audience=list_audience_note(reading_list) if hidden else "",
            )
        )
    return rows


def lists_of_user(*, user: User) -> QuerySet[ReadingList]:
    """Lists a person owns or collaborates on."""
    return (
        ReadingList.objects.filter(
            pk__in=ListMember.objects.filter(user=user).values("reading_list")
        )
        .annotate(
            citation_count=Count("citations", distinct=True),
            course_count=Count("courses", distinct=True),
        )
        .order_by("name", "pk")
    )


@dataclass
class MyListRow:
    reading_list: ReadingList
    item_count: int
    hidden: list[str]
    audience: str


def my_list_rows(*, user: User) -> list[MyListRow]:
    """The home page's "lists I work on", each with why students cannot see it, if so."""
    return [
        MyListRow(
            reading_list=rl,
            item_count=rl.citation_count,
            hidden=list_hidden_reasons(rl, course_count=rl.course_count),
            audience=list_audience_note(rl),
        )
        for rl in lists_of_user(user=user)
    ]


def my_editable_lists(*, user: User) -> QuerySet[ReadingList]:
    """The lists "duplicate one of my lists" offers: those the user works on or teaches with.

    Library staff may edit every list of the institution, but a menu of all of
    them would be useless; they copy many lists at once through rollover.
    """
    if not user.is_authenticated or user.institution_id is None:
        return ReadingList.objects.none()
    own = ReadingList.objects.filter(institution_id=user.institution_id)
    taught = ListCourse.objects.filter(
        Q(course__instructors=user)
        | Q(course__enrollments__user=user, course__enrollments__role=EnrollmentRole.INSTRUCTOR)
    ).values("reading_list")
    mine = ListMember.objects.filter(user=user).values("reading_list")
    return own.filter(Q(pk__in=mine) | Q(pk__in=taught)).order_by("name", "pk")


def template_lists(*, user: User) -> QuerySet[ReadingList]:
    """Lists marked as templates at the user's institution: offered to everyone who creates."""
    if not user.is_authenticated or user.institution_id is None:
        return ReadingList.objects.none()
    return ReadingList.objects.filter(
        institution_id=user.institution_id, is_template=True
    ).order_by("name", "pk")


def list_members(*, reading_list: ReadingList) -> list[ListMember]:
    order = {MemberRole.OWNER: 0, MemberRole.MANAGE: 1, MemberRole.EDIT: 2}
    members = list(ListMember.objects.filter(reading_list=reading_list).select_related("user"))
    members.sort(key=lambda m: (order.get(m.role, 3), str(m.user).lower(), m.user_id))
    return members


def pending_invitations(*, reading_list: ReadingList) -> QuerySet[ListInvitation]:
    return ListInvitation.objects.filter(
        reading_list=reading_list, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("email", "pk")


SEARCH_LIMIT = 10


def collaborator_candidates(*, reading_list: ReadingList, query: str) -> list[User]:
    """People of the list's institution matching every word, who are not members yet."""
    words = query.split()[:4]
    if not words or len(query.strip()) < 2:
        return []
    users = User.objects.filter(institution_id=reading_list.institution_id, is_active=True).exclude(
        pk__in=ListMember.objects.filter(reading_list=reading_list).values("user")
    )
    for word in words:
        users = users.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    return list(users.order_by("last_name", "first_name", "username")[:SEARCH_LIMIT])


@dataclass
class ListSummary:
    """What deleting or publishing a list involves, in numbers."""

    section_count: int
    citation_count: int
    waiting_for_library: int
    require_completion: bool


def list_summary(*, reading_list: ReadingList) -> ListSummary:
    counts = Citation.objects.filter(reading_list=reading_list).aggregate(
        total=Count("pk"),
        waiting=Count(
            "pk",
            filter=~Q(status__in=[CitationStatus.COMPLETE, CitationStatus.INACTIVE]),
        ),
    )
    return ListSummary(
        section_count=Section.objects.filter(reading_list=reading_list).count(),
        citation_count=counts["total"],
        waiting_for_library=counts["waiting"],
        require_completion=reading_list.institution.require_library_completion,
    )
