"""Copy reading lists with their sections, citations, tags and notes (rollover, duplicate).

Copies are written with bulk inserts so a rollover of thousands of lists
stays fast; positions in each copy are 0..n-1 in the source's order, whatever
gaps the source had. Who may edit a copy follows from the courses it is linked
to, so list members are not copied.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext

from readings.citations.models import Citation
from readings.core.exceptions import InvalidInput
from readings.courses.models import Course
from readings.lists.models import ListCourse, ListStatus, PublicationStatus, ReadingList, Section

BATCH = 1000
_CITATION_SKIP = {"id", "reading_list", "section", "position", "created_at", "updated_at"}


@dataclass
class ListCopy:
    """One copy to make: of ``source_id``, linked to ``course_ids``."""

    source_id: int
    course_ids: Sequence[int] = ()
    code: str = ""
    name: str = ""
    status: str = ListStatus.BEING_PREPARED
    publication_status: str = PublicationStatus.DRAFT
    result: ReadingList | None = field(default=None, repr=False)


def new_list_code() -> str:
    return f"RL-{secrets.token_hex(5).upper()}"


@transaction.atomic
def list_copy(
    *,
    source: ReadingList,
    code: str = "",
    courses: Iterable[Course] = (),
    status: str = ListStatus.BEING_PREPARED,
    publication_status: str = PublicationStatus.DRAFT,
    name: str = "",
) -> ReadingList:
    """Copy one list; the copy records ``rolled_from=source``."""
    courses = list(courses)
    if any(c.institution_id != source.institution_id for c in courses):
        raise InvalidInput(
            {"courses": [gettext("A list can only be linked to its institution's courses.")]}
        )
    copy = ListCopy(
        source_id=source.pk,
        course_ids=[c.pk for c in courses],
        code=code,
        name=name,
        status=status,
        publication_status=publication_status,
    )
    lists_copy(copies=[copy])
    assert copy.result is not None
    return copy.result


@transaction.atomic
def lists_copy(*, copies: Sequence[ListCopy]) -> list[ReadingList]:
    """Make every copy in bulk; set each ``copy.result`` and return the new lists.

    Codes left empty are generated; a code already in use is refused before
    anything is written.
    """
    if not copies:
        return []
    _check_choices(copies)
    sources = ReadingList.objects.in_bulk({c.source_id for c in copies})
    missing = {c.source_id for c in copies} - set(sources)
    if missing:
        raise InvalidInput(
            {"source": [gettext("No reading list with id %(id)s.") % {"id": min(missing)}]}
        )
    for copy in copies:
        copy.code = (copy.code or new_list_code()).strip()
    _check_codes_free(copies, sources)

    new_lists = [_list_from(sources[c.source_id], c) for c in copies]
    ReadingList.objects.bulk_create(new_lists, batch_size=BATCH)
    for copy, new in zip(copies, new_lists, strict=True):
        copy.result = new
    ListCourse.objects.bulk_create(
        [
            ListCourse(reading_list_id=new.pk, course_id=course_id)
            for copy, new in zip(copies, new_lists, strict=True)
            for course_id in dict.fromkeys(copy.course_ids)
        ],
        batch_size=BATCH,
    )
    copies_of: dict[int, list[ReadingList]] = defaultdict(list)
    for copy, new in zip(copies, new_lists, strict=True):
        copies_of[copy.source_id].append(new)
    section_map = _copy_sections(copies_of)
    _copy_citations(copies_of, section_map)
    return new_lists


def _check_choices(copies: Sequence[ListCopy]) -> None:
    for copy in copies:
        if copy.status not in ListStatus.values:
            allowed = ", ".join(ListStatus.values)
            raise InvalidInput(
                {
                    "status": [
                        gettext("'%(status)s' is not a list status; use %(allowed)s.")
                        % {"status": copy.status, "allowed": allowed}
                    ]
                }
            )
        if copy.publication_status not in PublicationStatus.values:
            raise InvalidInput(
                {
                    "publication_status": [
                        gettext("'%(status)s' is not a publication status.")
                        % {"status": copy.publication_status}
                    ]
                }
            )


def _check_codes_free(copies: Sequence[ListCopy], sources: dict[int, ReadingList]) -> None:
    by_institution: dict[int, list[str]] = defaultdict(list)
    for copy in copies:
        by_institution[sources[copy.source_id].institution_id].append(copy.code)
    for institution_id, codes in by_institution.items():
        clash = {code for code, n in Counter(codes).items() if n > 1}
        for start in range(0, len(codes), 500):
            clash.update(
                ReadingList.objects.filter(
                    institution_id=institution_id, code__in=codes[start : start + 500]
                ).values_list("code", flat=True)
            )
        clash = sorted(clash)
        if clash:
            raise InvalidInput(
                {"code": [gettext("A list with code '%(code)s' exists.") % {"code": clash[0]}]}
            )


def _list_from(source: ReadingList, copy: ListCopy) -> ReadingList:
    return ReadingList(
        institution_id=source.institution_id,
        code=copy.code,
        name=copy.name or source.name,
        description=source.description,
        subject=source.subject,
        status=copy.status,
        publication_status=copy.publication_status,
        visibility=source.visibility,
        syllabus=source.syllabus.name if source.syllabus else "",
        rolled_from_id=source.pk,
    )


def _copy_sections(copies_of: dict[int, list[ReadingList]]) -> dict[tuple[int, int], int]:
    """Copy every section; return {(new list id, old section id): new section id}."""
    old_sections = list(
        Section.objects.filter(reading_list_id__in=copies_of).order_by(
            "reading_list_id", "position"
        )
    )
    new_sections: list[Section] = []
    origin: list[tuple[int, int]] = []
    counters: dict[int, int] = defaultdict(int)
    for old in old_sections:
        for new_list in copies_of[old.reading_list_id]:
            position = counters[new_list.pk]
            counters[new_list.pk] += 1
            new_sections.append(
                Section(
                    reading_list_id=new_list.pk,
                    name=old.name,
                    description=old.description,
                    position=position,
                    start_date=old.start_date,
                    end_date=old.end_date,
                    locked=old.locked,
                )
            )
            origin.append((new_list.pk, old.pk))
    Section.objects.bulk_create(new_sections, batch_size=BATCH)
    section_map = {key: new.pk for key, new in zip(origin, new_sections, strict=True)}
    tags = Section.tags.through
    tag_rows = defaultdict(list)
    for section_id, tag_id in tags.objects.filter(
        section_id__in=[s.pk for s in old_sections]
    ).values_list("section_id", "tag_id"):
        tag_rows[section_id].append(tag_id)
    tags.objects.bulk_create(
        [
            tags(section_id=new_id, tag_id=tag_id)
            for (_, old_id), new_id in section_map.items()
            for tag_id in tag_rows.get(old_id, ())
        ],
        batch_size=BATCH,
    )
    return section_map


def _copy_citations(
    copies_of: dict[int, list[ReadingList]], section_map: dict[tuple[int, int], int]
) -> None:
    fields = [f.attname for f in Citation._meta.concrete_fields if f.name not in _CITATION_SKIP]
    counters: dict[int, int] = defaultdict(int)
    citations = (
        Citation.objects.filter(reading_list_id__in=copies_of)
        .order_by("section__reading_list_id", "section__position", "position")
        .values("id", "section_id", "reading_list_id", *fields)
    )
    batch: list[tuple[int, Citation]] = []
    for old in citations.iterator(chunk_size=BATCH):
        for new_list in copies_of[old["reading_list_id"]]:
            section_id = section_map[(new_list.pk, old["section_id"])]
            position = counters[section_id]
            counters[section_id] += 1
            new = Citation(
                reading_list_id=new_list.pk,
                section_id=section_id,
                position=position,
                **{name: old[name] for name in fields},
            )
            batch.append((old["id"], new))
        if len(batch) >= BATCH:
            _write_citations(batch)
            batch = []
    _write_citations(batch)


def _write_citations(batch: list[tuple[int, Citation]]) -> None:
    if not batch:
        return
    Citation.objects.bulk_create([new for _, new in batch], batch_size=BATCH)
    tags = Citation.tags.through
    tag_rows = defaultdict(list)
    for citation_id, tag_id in tags.objects.filter(
        citation_id__in={old_id for old_id, _ in batch}
    ).values_list("citation_id", "tag_id"):
        tag_rows[citation_id].append(tag_id)
    tags.objects.bulk_create(
        [
            tags(citation_id=new.pk, tag_id=tag_id)
            for old_id, new in batch
            for tag_id in tag_rows.get(old_id, ())
        ],
        batch_size=BATCH,
    )
