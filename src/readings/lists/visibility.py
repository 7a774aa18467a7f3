"""Why a student cannot see a list, a section or a citation — in words.

Pure functions over already-loaded objects so the list page can explain every
hidden item without extra queries.
"""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from readings.citations.models import Citation, CitationStatus
from readings.lists.models import PublicationStatus, ReadingList, Section, Visibility


def list_hidden_reasons(reading_list: ReadingList, *, course_count: int | None = None) -> list[str]:
    """Why students cannot see the list; ``course_count`` (when known) adds the unlinked case."""
    reasons = []
    if reading_list.publication_status == PublicationStatus.DRAFT:
        reasons.append(_("list is a draft"))
    elif reading_list.publication_status == PublicationStatus.ARCHIVED:
        reasons.append(_("list is archived"))
    if reading_list.visibility == Visibility.PRIVATE:
        reasons.append(_("list is private to its owners and collaborators"))
    elif not reasons and reading_list.visibility == Visibility.COURSE and course_count == 0:
        # Published, yet nobody is a member of a linked course: the one thing left to fix.
        reasons.append(_("visible to course members only, and no course is linked"))
    return reasons


def list_audience_note(reading_list: ReadingList) -> str:
    """Who can see the list once published (shown beside the visibility setting)."""
    return {
        Visibility.OPEN_TO_WORLD: _("visible to anyone"),
        Visibility.INSTITUTION: _("visible to anyone at the institution"),
        Visibility.COURSE: _("visible to course members only"),
        Visibility.PRIVATE: _("visible to owners and collaborators only"),
    }[reading_list.visibility]


def section_hidden_reasons(section: Section, today: datetime.date) -> list[str]:
    if section.start_date and today < section.start_date:
        return [_("section opens on %(day)s") % {"day": date_format(section.start_date, "j M")}]
    if section.end_date and today > section.end_date:
        return [_("section closed on %(day)s") % {"day": date_format(section.end_date, "j M")}]
    return []


def citation_hidden_reasons(citation: Citation, *, require_completion: bool) -> list[str]:
    if citation.status == CitationStatus.INACTIVE:
        return [_("item is inactive")]
    if require_completion and citation.status != CitationStatus.COMPLETE:
        if citation.status == CitationStatus.DECLINED:
            return [_("the library declined this item")]
        return [_("waiting for the library")]
    return []
