"""Write courses and reading lists in the loader formats, so load → export → load round-trips.

Course exports follow the 34-column course-loader layout (tab-separated);
list exports the 67-column reading-list layout, tab- or comma-separated.
Every text cell that a spreadsheet would run as a formula gets an apostrophe
in front (the loaders take it off again). Tab-separated cells cannot hold
tabs or line breaks: those become spaces.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TextIO

from django.db.models import Prefetch

from readings.citations.models import Citation
from readings.citations.names import format_names
from readings.courses.models import Course
from readings.institutions.models import Institution
from readings.lists.models import ListMember, MemberRole, ReadingList, Section
from readings.loaders import course_rows, list_rows
from readings.loaders.selectors import chunked
from readings.loaders.values import guard_formula

CHUNK = 200
_SEPARATORS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


class _Writer:
    def __init__(self, stream: TextIO, delimiter: str) -> None:
        self.delimiter = delimiter
        self.stream = stream
        self.csv = csv.writer(stream, lineterminator="\n") if delimiter == "," else None

    def row(self, cells: Iterable[object]) -> None:
        texts = [guard_formula("" if c is None else str(c)) for c in cells]
        if self.csv is not None:
            self.csv.writerow(texts)
        else:
            self.stream.write("\t".join(t.translate(_SEPARATORS) for t in texts) + "\n")


def courses_export(*, institution: Institution, stream: TextIO) -> int:
    """Write the institution's courses; return how many."""
    writer = _Writer(stream, "\t")
    writer.row(course_rows.COLUMNS)
    count = 0
    ids = Course.objects.filter(institution=institution).order_by("code", "section")
    for chunk in chunked(ids.values_list("pk", flat=True).iterator(), CHUNK):
        courses = (
            Course.objects.filter(pk__in=chunk)
            .order_by("code", "section")
            .select_related("academic_department", "processing_department")
            .prefetch_related("terms", "instructors", "searchable_ids", "campuses")
        )
        for course in courses:
            writer.row(_course_cells(course))
            count += 1
    return count


def _course_cells(course: Course) -> list[object]:
    instructors = sorted(u.primary_id for u in course.instructors.all() if u.primary_id)
    searchable = [s.value for s in course.searchable_ids.all()]
    terms = sorted(t.code for t in course.terms.all())[:4]
    cells: dict[str, object] = {
        "COURSE_CODE": course.code,
        "COURSE_TITLE": course.title,
        "SECTION_ID": course.section,
        "ACAD_DEPT": course.academic_department.code if course.academic_department else "",
        "PROC_DEPT": course.processing_department.code if course.processing_department else "",
        "START_DATE": course.start_date,
        "END_DATE": course.end_date,
        "NUM_OF_PARTICIPANTS": course.participants,
        "WEEKLY_HOURS": course.weekly_hours,
        "YEAR": course.year,
        "SEARCH_ID1": searchable[0] if searchable else "",
        "SEARCH_ID2": searchable[1] if len(searchable) > 1 else "",
        "MULTI_SEARCH_ID": ",".join(searchable[2:]),
        "ALL_INSTRUCTORS": ",".join(instructors),
        "SUBMIT_LISTS_BY": course.submit_lists_by,
        "CAMPUS_AND_PARTICIPANTS": ",".join(
            c.campus if c.participants is None else f"{c.campus}|{c.participants}"
            for c in course.campuses.all()
        ),
    }
    for n, term in enumerate(terms, start=1):
        cells[f"TERM{n}"] = term
    for n, primary_id in enumerate(instructors[:10], start=1):
        cells[f"INSTR{n}"] = primary_id
    return [cells.get(column, "") for column in course_rows.COLUMNS]


def lists_export(*, institution: Institution, stream: TextIO, delimiter: str = "\t") -> int:
    """Write the institution's reading lists, one row per citation; return how many lists."""
    writer = _Writer(stream, delimiter)
    writer.row(list_rows.COLUMNS)
    count = 0
    ids = ReadingList.objects.filter(institution=institution).order_by("code")
    for chunk in chunked(ids.values_list("pk", flat=True).iterator(), CHUNK):
        for row in _list_rows(chunk):
            writer.row(row)
        count += len(chunk)
    return count


def _list_rows(list_ids: list[int]) -> Iterator[list[object]]:
    lists = (
        ReadingList.objects.filter(pk__in=list_ids)
        .order_by("code")
        .prefetch_related(
            "courses",
            Prefetch(
                "members",
                queryset=ListMember.objects.filter(role=MemberRole.OWNER)
                .select_related("user")
                .order_by("user__username"),
            ),
            Prefetch(
                "sections", queryset=Section.objects.order_by("position").prefetch_related("tags")
            ),
        )
    )
    citations: dict[int, list[Citation]] = defaultdict(list)
    for citation in (
        Citation.objects.filter(reading_list_id__in=list_ids)
        .order_by("section_id", "position")
        .prefetch_related("tags")
    ):
        citations[citation.section_id].append(citation)
    for reading_list in lists:
        head = _list_cells(reading_list)
        sections = list(reading_list.sections.all())
        if not sections:
            yield _row(head)
        for section in sections:
            cells = {**head, **_section_cells(section)}
            entries = citations.get(section.pk, [])
            if not entries:
                yield _row(cells)
            for citation in entries:
                yield _row({**cells, **_citation_cells(citation)})


def _row(cells: dict[str, object]) -> list[object]:
    return [cells.get(column, "") for column in list_rows.COLUMNS]


def _list_cells(reading_list: ReadingList) -> dict[str, object]:
    # The file names one course per list: the first by code (others are not written).
    course = min(reading_list.courses.all(), key=lambda c: (c.code, c.section), default=None)
    owners = [m.user.primary_id or m.user.username for m in reading_list.members.all()]
    return {
        "coursecode": course.code if course else "",
        "section_id": course.section if course else "",
        "reading_list_code": reading_list.code,
        "reading_list_name": reading_list.name,
        "reading_list_description": reading_list.description,
        "reading_list_subject": reading_list.subject,
        "reading_list_status": reading_list.status,
        "RLStatus": reading_list.publication_status,
        "visibility": list_rows.VISIBILITY_EXPORT.get(
            reading_list.visibility, reading_list.visibility
        ),
        "owner_user_name": ",".join(owners),
    }


def _section_cells(section: Section) -> dict[str, object]:
    return {
        "section_name": section.name,
        "section_description": section.description,
        "section_start_date": section.start_date,
        "section_end_date": section.end_date,
        "section_tags": ",".join(t.code for t in section.tags.all()),
    }


def _citation_cells(citation: Citation) -> dict[str, object]:
    cells: dict[str, object] = {}
    for column, name in list_rows.CITATION_COLUMNS.items():
        value = getattr(citation, name)
        if name in ("authors", "editors"):
            value = format_names(value or [])
        cells[column] = value
    for column, link in zip(list_rows.SOURCE_COLUMNS, citation.source_links or [], strict=False):
        cells[column] = link
    cells["citation_tags"] = ",".join(t.code for t in citation.tags.all())
    return cells
