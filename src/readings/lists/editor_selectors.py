"""Reads for the list editor: the page in a bounded number of queries, and move targets."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from readings.accounts.models import User
from readings.citations.models import Citation
from readings.lists.access import ListAccess, _staff_access, _teaches
from readings.lists.models import ListCourse, ListMember, ReadingList, Section, Tag, TagKind
from readings.lists.selectors import CitationRow, ListPage, SectionView, _tags_by_owner
from readings.lists.visibility import (
    citation_hidden_reasons,
    list_audience_note,
    list_hidden_reasons,
    section_hidden_reasons,
)

_NOT_SHOWN = (
    "created_at",
    "updated_at",
    "place",
    "start_page",
    "end_page",
    "isbn",
    "issn",
    "pmid",
    "oclc",
    "lccn",
    "source_links",
    "catalogue_record_id",
    "original_system_id",
    "library_note",
    "form_token",
)
# Enough for a menu; an editor rarely works on more lists at once.
TARGET_LIST_LIMIT = 50


@dataclass
class TargetList:
    reading_list: ReadingList
    sections: list[Section]


def editor_page(*, reading_list: ReadingList, access: ListAccess, today: datetime.date) -> ListPage:
    """Every section and item with why students cannot see it, in five queries.

    Like lists.selectors.list_page for an editor, without what the editor does
    not show (links, holdings, courses): a third of the time at 1,500 items.
    """
    require_completion = reading_list.institution.require_library_completion
    sections = list(Section.objects.filter(reading_list=reading_list).order_by("position"))
    citation_tags = _tags_by_owner(
        Citation.tags.through.objects.filter(citation__reading_list=reading_list),
        "citation_id",
        TagKind.values,
    )
    section_tags = _tags_by_owner(
        Section.tags.through.objects.filter(section__reading_list=reading_list),
        "section_id",
        TagKind.values,
    )
    by_section: dict[int, list[CitationRow]] = {s.pk: [] for s in sections}
    # Rows show a reference, notes and status; the rest loads with the edit form.
    citations = Citation.objects.filter(reading_list=reading_list).defer(*_NOT_SHOWN)
    for citation in citations.order_by("section_id", "position"):
        hidden = citation_hidden_reasons(citation, require_completion=require_completion)
        by_section[citation.section_id].append(
            CitationRow(citation, hidden, citation_tags.get(citation.pk, []))
        )
    views = [
        SectionView(
            s, by_section[s.pk], section_hidden_reasons(s, today), section_tags.get(s.pk, [])
        )
        for s in sections
    ]
    course_count = ListCourse.objects.filter(reading_list=reading_list).count()
    return ListPage(
        reading_list=reading_list,
        access=access,
        sections=views,
        courses=[],
        hidden=list_hidden_reasons(reading_list, course_count=course_count),
        audience=list_audience_note(reading_list),
    )


def institution_tags(reading_list: ReadingList) -> list[Tag]:
    return list(Tag.objects.filter(institution_id=reading_list.institution_id))


def other_editable_lists(*, user: User, reading_list: ReadingList) -> list[TargetList]:
    """Other lists of the institution this user may edit, with their sections (two queries).

    The same rules as lists.access.list_access, as a filter.
    """
    lists = ReadingList.objects.filter(institution_id=reading_list.institution_id).exclude(
        pk=reading_list.pk
    )
    if _staff_access(user) is None:
        lists = lists.filter(
            Q(pk__in=ListMember.objects.filter(user=user).values("reading_list"))
            | Q(
                pk__in=ListCourse.objects.filter(_teaches(user, prefix="course__")).values(
                    "reading_list"
                )
            )
        )
    chosen = list(lists.order_by("-updated_at", "pk")[:TARGET_LIST_LIMIT])
    sections: dict[int, list[Section]] = {rl.pk: [] for rl in chosen}
    for section in Section.objects.filter(reading_list__in=chosen).order_by("position"):
        sections[section.reading_list_id].append(section)
    return [TargetList(rl, sections[rl.pk]) for rl in chosen if sections[rl.pk]]


def section_citation_count(section: Section) -> int:
    return Section.objects.filter(pk=section.pk).aggregate(n=Count("citations"))["n"]
