"""Reads for reading lists: the list page in a bounded number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet

from readings.accounts.models import User
from readings.citations.models import Citation
from readings.courses.models import Course
from readings.lists.access import ListAccess, visible_lists
from readings.lists.models import ListMember, ReadingList, Section, Tag
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


@dataclass
class SectionView:
    section: Section
    rows: list[CitationRow]
    hidden: list[str] = field(default_factory=list)


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
    tags = Prefetch("tags", queryset=Tag.objects.only("id", "name", "code", "kind"))
    sections = list(
        Section.objects.filter(reading_list=reading_list)
        .prefetch_related(tags)
        .order_by("position")
    )
    citations = Citation.objects.filter(reading_list=reading_list).prefetch_related(tags)
    if access.reader_only:
        citations = citations.defer(*_EDITOR_ONLY_FIELDS)
    by_section: dict[int, list[CitationRow]] = {s.pk: [] for s in sections}
    for citation in citations.order_by("section_id", "position"):
        hidden = citation_hidden_reasons(citation, require_completion=require_completion)
        if access.reader_only and hidden:
            continue
        by_section[citation.section_id].append(CitationRow(citation, hidden))
    views = []
    for section in sections:
        hidden = section_hidden_reasons(section, today)
        if access.reader_only and hidden:
            continue
        views.append(SectionView(section, by_section[section.pk], hidden))
    courses = list(reading_list.courses.order_by("code", "section"))
    return ListPage(
        reading_list=reading_list,
        access=access,
        sections=views,
        courses=courses,
        hidden=list_hidden_reasons(reading_list),
        audience=list_audience_note(reading_list),
    )


def lists_of_course(*, user: User | AnonymousUser, course: Course) -> QuerySet[ReadingList]:
    return (
        visible_lists(user, ReadingList.objects.filter(courses=course))
        .annotate(citation_count=Count("citations", distinct=True))
        .order_by("name")
    )


def lists_of_user(*, user: User) -> QuerySet[ReadingList]:
    """Lists a person owns or collaborates on."""
    return (
        ReadingList.objects.filter(
            pk__in=ListMember.objects.filter(user=user).values("reading_list")
        )
        .annotate(citation_count=Count("citations", distinct=True))
        .order_by("name")
    )
