"""The Leganto reading-list file as lists, sections and citations (no database access).

67 columns, tab- or comma-separated (the header decides), header required.
Rows are grouped by position: a row starts a new list when any of the list
columns in ``LIST_KEY`` differs from the row before, a new section when any of
``SECTION_KEY`` does. Values are case-sensitive. Citation metadata goes
through the same cleaning as a citation typed in the editor.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from readings.citations.metadata import clean_citation_fields
from readings.citations.models import CitationKind, CitationStatus
from readings.core.exceptions import InvalidInput
from readings.lists.models import ListStatus, PublicationStatus, Visibility
from readings.loaders import values
from readings.loaders.parsing import Row, TableReader
from readings.loaders.problems import Problem, Report, cell_problem, shown

COLUMNS = (
    "coursecode",
    "section_id",
    "searchable_id1",
    "searchable_id2",
    "searchable_id3",
    "reading_list_code",
    "reading_list_name",
    "reading_list_description",
    "reading_list_subject",
    "reading_list_status",
    "RLStatus",
    "visibility",
    "reading_list_assigned_to",
    "reading_list_library_note",
    "reading_list_instructor_note",
    "owner_user_name",
    "creativecommon",
    "section_name",
    "section_description",
    "section_start_date",
    "section_end_date",
    "section_tags",
    "citation_secondary_type",
    "citation_status",
    "citation_tags",
    "citation_mms_id",
    "citation_original_system_id",
    "citation_title",
    "citation_journal_title",
    "citation_author",
    "citation_publication_date",
    "citation_edition",
    "citation_isbn",
    "citation_issn",
    "citation_place_of_publication",
    "citation_publisher",
    "citation_volume",
    "citation_issue",
    "citation_pages",
    "citation_start_page",
    "citation_end_page",
    "citation_doi",
    "citation_oclc",
    "citation_lccn",
    "citation_chapter",
    "rlterms_chapter_title",
    "citation_chapter_author",
    "editor",
    "citation_source",
    *(f"citation_source{n}" for n in range(1, 11)),
    "citation_note",
    "additional_person_name",
    "file_name",
    "citation_public_note",
    "license_type",
    "citation_instructor_note",
    "citation_library_note",
    "external_system_id",
)
LIST_KEY = (
    "coursecode",
    "section_id",
    "reading_list_code",
    "reading_list_name",
    "reading_list_description",
    "reading_list_status",
    "owner_user_name",
)
SECTION_KEY = ("section_name", "section_description", "section_start_date", "section_end_date")

# Column → Citation field, for the columns Readings keeps.
CITATION_COLUMNS = {
    "citation_secondary_type": "secondary_type",
    "citation_status": "status",
    "citation_mms_id": "catalogue_record_id",
    "citation_original_system_id": "original_system_id",
    "citation_title": "title",
    "citation_journal_title": "container_title",
    "citation_author": "authors",
    "citation_publication_date": "publication_date",
    "citation_edition": "edition",
    "citation_isbn": "isbn",
    "citation_issn": "issn",
    "citation_place_of_publication": "place",
    "citation_publisher": "publisher",
    "citation_volume": "volume",
    "citation_issue": "issue",
    "citation_pages": "pages",
    "citation_start_page": "start_page",
    "citation_end_page": "end_page",
    "citation_doi": "doi",
    "citation_oclc": "oclc",
    "citation_lccn": "lccn",
    "rlterms_chapter_title": "chapter_title",
    "editor": "editors",
    "citation_source": "url",
    "citation_public_note": "public_note",
    "citation_instructor_note": "instructor_note",
    "citation_library_note": "library_note",
}
SOURCE_COLUMNS = tuple(f"citation_source{n}" for n in range(1, 11))
# The Citation fields a loaded citation fills: the columns above, and what the
# cleaning derives (citations.metadata.clean_citation_fields).
CITATION_FIELDS = (*CITATION_COLUMNS.values(), "source_links", "type", "year")
FIELD_COLUMNS = {f: c for c, f in CITATION_COLUMNS.items()} | {"source_links": "citation_source1"}
# Columns Readings has no place for: their values are reported, never silently lost.
NOT_KEPT = (
    "reading_list_assigned_to",
    "reading_list_library_note",
    "reading_list_instructor_note",
    "creativecommon",
    "citation_chapter",
    "citation_chapter_author",
    "citation_note",
    "additional_person_name",
    "file_name",
    "license_type",
    "external_system_id",
)
# Leganto's visibility codes, and Readings' own (which exports write for PRIVATE).
VISIBILITY = {
    "OPEN_TO_WORLD": Visibility.OPEN_TO_WORLD,
    "FULL": Visibility.INSTITUTION,
    "RESTRICTED": Visibility.COURSE,
    **{v: v for v in Visibility.values},
}
VISIBILITY_EXPORT = {
    Visibility.OPEN_TO_WORLD: "OPEN_TO_WORLD",
    Visibility.INSTITUTION: "FULL",
    Visibility.COURSE: "RESTRICTED",
    Visibility.PRIVATE: Visibility.PRIVATE,
}
_INDEX = {name: index for index, name in enumerate(COLUMNS)}
CODE_LENGTH = 100
NAME_LENGTH = 255
COURSE_CODE_LENGTH = 50

Key = tuple[str, str]


@dataclass(slots=True)
class CitationRow:
    line: int
    fields: dict[str, Any]
    tags: tuple[str, ...]


@dataclass
class SectionGroup:
    line: int
    name: str
    description: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    tags: tuple[str, ...]
    citations: list[CitationRow] = field(default_factory=list)


@dataclass
class ListGroup:
    line: int
    course_key: Key
    searchable_ids: tuple[str, ...]
    code: str
    name: str
    description: str
    subject: str
    status: str
    publication_status: str
    visibility: str
    owners: tuple[str, ...]
    sections: list[SectionGroup] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    empty_rows: int = 0  # rows that only carry their list and section
    ok: bool = True
    # A hash of the group's rows and of how they are read (see ListFile).
    digest: str = ""
    # Citation rows not yet cleaned: (section index, line, cells); see ListFile.finish.
    pending: list[tuple[int, int, list[str]]] = field(default_factory=list)
    # Left as the last load of the same rows wrote it (see list_load).
    unchanged: bool = False

    @property
    def last_line(self) -> int:
        return self.lines[-1] if self.lines else self.line


class ListFile:
    """Iterate the list groups of a reading-list file, reporting problems to ``report``.

    A group whose list-level cells are wrong comes back with ``ok`` False (its
    lines are all reported); a citation row with errors is left out of its section.

    Each group carries a digest of its rows, so a loader can recognise a list
    it loaded before from the same rows. Cleaning citations is most of the
    work of reading a file, so the group's citation rows are cleaned only by
    ``finish(group)``, which a loader skips for a list it recognised.
    """

    def __init__(self, stream: BinaryIO, *, report: Report, date_format: str) -> None:
        self.report = report
        self.date_format = date_format
        self.reader = TableReader(stream, columns=COLUMNS, report=report, delimiters="\t,")
        self.rows = 0
        self.index: dict[str, int] = dict(_INDEX)
        self.codes_seen: dict[str, int] = {}
        self.not_kept: set[str] = set()

    def __iter__(self) -> Iterator[ListGroup]:
        current: ListGroup | None = None
        list_key: tuple[str, ...] | None = None
        section_key: tuple[str, ...] | None = None
        digest = None
        for row in self.reader:
            if self.rows == 0 and not self._read_header():
                return
            self.rows += 1
            cells = self._cells(row)
            if cells is None:
                continue
            key = tuple(cells[self.index[c]] for c in LIST_KEY)
            if current is None or key != list_key:
                if current is not None:
                    current.digest = digest.hexdigest()
                    yield current
                current, list_key, section_key = self._start_list(row.line, cells), key, None
                digest = self._new_digest()
            current.lines.append(row.line)
            digest.update("\x1f".join(cells).encode() + b"\n")
            skey = tuple(cells[self.index[c]] for c in SECTION_KEY)
            if skey != section_key or not current.sections:
                current.sections.append(self._start_section(row.line, cells, current))
                section_key = skey
            current.pending.append((len(current.sections) - 1, row.line, cells))
        if current is not None:
            current.digest = digest.hexdigest()
            yield current
        self.rows += self.reader.unreadable_lines
        if self.rows == 0 and self.reader.header is not None and not self.report.fatal:
            if not self._read_header():
                return
            self.report.error(
                Problem(1, "", "", "the file has a header line but no citation rows."),
                fatal=True,
            )

    def finish(self, group: ListGroup) -> None:
        """Clean the group's citation rows into its sections, reporting their problems."""
        for section_index, line, cells in group.pending:
            self._citation(line, cells, group, group.sections[section_index])
        group.pending = []

    def _new_digest(self):
        # What else decides how the same rows are read: the date format and the columns.
        digest = hashlib.blake2b(digest_size=20)
        digest.update(f"{self.date_format}|{sorted(self.index.items())}\n".encode())
        return digest

    # Header and cells ------------------------------------------------------------

    def _read_header(self) -> bool:
        names = [h.strip() for h in self.reader.header or ()]
        known = {c.lower(): c for c in COLUMNS}
        found = [known.get(n.lower()) for n in names]
        if not any(found):
            self.report.error(
                Problem(
                    1,
                    "",
                    "",
                    "the first line is not a reading-list header: a reading-list file starts "
                    "with a header naming its columns (coursecode, section_id, "
                    "searchable_id1, …).",
                ),
                fatal=True,
            )
            return False
        if all(found) and len(set(found)) == len(found) and found != list(COLUMNS[: len(found)]):
            # Every column is named: read by name, whatever the order.
            self.index = {name: len(names) for name in COLUMNS}
            self.index.update({name: i for i, name in enumerate(found) if name})
        elif len(names) != len(COLUMNS):
            self.report.warning(
                Problem(
                    1,
                    "",
                    "",
                    f"the header has {len(names)} columns, not {len(COLUMNS)}; the columns are "
                    "read by position and missing ones are empty.",
                )
            )
        return True

    def _cells(self, row: Row) -> list[str] | None:
        width = max(self.index.values()) + 1
        if len(row.fields) > width and any(f.strip() for f in row.fields[width:]):
            self.report.error(
                Problem(
                    row.line,
                    "",
                    "",
                    f"the line has {len(row.fields)} columns; a reading-list file has "
                    f"{len(COLUMNS)}. Check for a separator inside a value (quote it in CSV).",
                )
            )
            return None
        cells = values.clean_cells(row.fields[: width + 1])
        cells += [""] * (width + 1 - len(cells))
        for column in NOT_KEPT:
            if column not in self.not_kept and cells[self.index[column]]:
                self.not_kept.add(column)
                self.report.warning(
                    cell_problem(
                        row.line,
                        column,
                        cells[self.index[column]],
                        "is not kept: Readings has no place for this column, so its values "
                        "in this file are not loaded.",
                    )
                )
        return cells

    # Groups --------------------------------------------------------------------------

    def _start_list(self, line: int, cells: list[str]) -> ListGroup:
        get = self._getter(cells)
        group = ListGroup(
            line=line,
            course_key=(get("coursecode"), get("section_id")),
            searchable_ids=tuple(
                v
                for v in (get("searchable_id1"), get("searchable_id2"), get("searchable_id3"))
                if v
            ),
            code=get("reading_list_code"),
            name=get("reading_list_name"),
            description=get("reading_list_description"),
            subject=get("reading_list_subject"),
            status=get("reading_list_status") or ListStatus.BEING_PREPARED,
            publication_status=get("RLStatus") or PublicationStatus.DRAFT,
            visibility=get("visibility") or Visibility.COURSE,
            owners=tuple(o.strip() for o in get("owner_user_name").split(",") if o.strip()),
        )
        errors: list[Problem] = []
        if not group.code:
            errors.append(
                Problem(
                    line,
                    "reading_list_code",
                    "",
                    "reading_list_code is empty; every list "
                    "needs a code (it is how a later load finds the list again).",
                )
            )
        if not group.name:
            errors.append(
                Problem(
                    line,
                    "reading_list_name",
                    "",
                    "reading_list_name is empty; every list needs a name.",
                )
            )
        for column, text, limit in (
            ("reading_list_code", group.code, CODE_LENGTH),
            ("reading_list_name", group.name, NAME_LENGTH),
            ("reading_list_subject", group.subject, NAME_LENGTH),
            ("coursecode", group.course_key[0], COURSE_CODE_LENGTH),
            ("section_id", group.course_key[1], COURSE_CODE_LENGTH),
        ):
            if len(text) > limit:
                errors.append(
                    cell_problem(
                        line,
                        column,
                        text,
                        f"is {len(text):,} characters long; at most {limit:,} fit.",
                    )
                )
        errors += _choice(line, "reading_list_status", group.status, ListStatus.values)
        errors += _choice(line, "RLStatus", group.publication_status, PublicationStatus.values)
        if group.visibility in VISIBILITY:
            group.visibility = VISIBILITY[group.visibility]
        else:
            errors += _choice(line, "visibility", group.visibility, list(VISIBILITY))
        first = self.codes_seen.setdefault(group.code, line) if group.code else line
        if first != line:
            errors.append(
                cell_problem(
                    line,
                    "reading_list_code",
                    group.code,
                    f"starts a new list, but the list of line {first} has this code; the rows "
                    "of this list are skipped.",
                )
            )
        for problem in errors:
            self.report.error(problem)
        group.ok = not errors
        return group

    def _start_section(self, line: int, cells: list[str], group: ListGroup) -> SectionGroup:
        get = self._getter(cells)
        name = get("section_name") or "Readings"
        start = self._date(line, "section_start_date", get("section_start_date"), group)
        end = self._date(line, "section_end_date", get("section_end_date"), group)
        if start and end and end < start:
            self._list_error(
                group,
                cell_problem(
                    line,
                    "section_end_date",
                    get("section_end_date"),
                    f"is before section_start_date {shown(get('section_start_date'))}.",
                ),
            )
        if len(name) > NAME_LENGTH:
            self._list_error(
                group,
                cell_problem(
                    line, "section_name", name, f"is longer than {NAME_LENGTH} characters."
                ),
            )
        return SectionGroup(
            line=line,
            name=name,
            description=get("section_description"),
            start_date=start,
            end_date=end,
            tags=_split(get("section_tags")),
        )

    def _citation(
        self, line: int, cells: list[str], group: ListGroup, section: SectionGroup
    ) -> None:
        get = self._getter(cells)
        raw = {f: get(c) for c, f in CITATION_COLUMNS.items()}
        sources = [get(c) for c in SOURCE_COLUMNS if get(c)]
        tags = _split(get("citation_tags"))
        if not any(raw.values()) and not sources and not tags:
            group.empty_rows += 1
            return
        raw["secondary_type"] = raw["secondary_type"] or CitationKind.BOOK
        raw["status"] = raw["status"] or CitationStatus.BEING_PREPARED
        raw["source_links"] = sources
        try:
            cleaned = clean_citation(raw)
        except InvalidInput as exc:
            for name, problems in exc.errors.items():
                column = FIELD_COLUMNS.get(name, name)
                value = ", ".join(sources) if name == "source_links" else str(raw.get(name, ""))
                for message in problems:
                    # The cleaning's messages either quote the value or speak of the field.
                    if message.startswith("'"):
                        text = f"{column} {message}"
                    else:
                        text = (
                            f"{column} {shown(value)}: {message}"
                            if value
                            else f"{column}: {message}"
                        )
                    self.report.error(Problem(line, column, value, text))
            return
        section.citations.append(CitationRow(line=line, fields=cleaned, tags=tags))

    def _date(self, line: int, column: str, text: str, group: ListGroup) -> datetime.date | None:
        if not text:
            return None
        try:
            return values.parse_date(text, self.date_format)
        except values.CellError as exc:
            self._list_error(group, cell_problem(line, column, text, str(exc)))
            return None

    def _list_error(self, group: ListGroup, problem: Problem) -> None:
        # A section belongs to its list: a broken section keeps the whole list out.
        group.ok = False
        self.report.error(problem)

    def _getter(self, cells: list[str]):
        index = self.index
        return lambda column: cells[index[column]]


# Cleaned whatever they hold: the required title, and the fields "type" and "year" come from.
_ALWAYS_CLEANED = frozenset({"title", "secondary_type", "status", "publication_date"})


def clean_citation(raw: dict[str, Any]) -> dict[str, Any]:
    """``clean_citation_fields(raw)``, cleaning only the cells that hold something.

    Most of a row's 28 citation cells are empty, and an empty cell always
    cleans to the same empty value; those values are taken once from the
    cleaning itself, so the result is the same as cleaning every cell.
    """
    given = {k: v for k, v in raw.items() if v or k in _ALWAYS_CLEANED}
    cleaned = clean_citation_fields(given)
    for name, value in _empty_citation().items():
        if name not in cleaned:
            cleaned[name] = [] if isinstance(value, list) else value
    return cleaned


@functools.cache
def _empty_citation() -> dict[str, Any]:
    empty: dict[str, Any] = dict.fromkeys(CITATION_COLUMNS.values(), "")
    empty["source_links"] = []
    cleaned = clean_citation_fields(
        {
            **empty,
            "title": "-",
            "secondary_type": CitationKind.BOOK,
            "status": CitationStatus.BEING_PREPARED,
        }
    )
    return {k: v for k, v in cleaned.items() if k not in _ALWAYS_CLEANED | {"type", "year"}}


def sniff_date_format(stream: BinaryIO) -> tuple[str, str | None]:
    sniffer = values.DateFormatSniffer()
    wanted = (_INDEX["section_start_date"], _INDEX["section_end_date"])
    reader = TableReader(stream, columns=COLUMNS, report=Report(kind="sniff"), delimiters="\t,")
    for row in reader:
        for index in wanted:
            if index < len(row.fields):
                sniffer.feed(row.fields[index].strip())
    return sniffer.decide()


def _choice(line: int, column: str, value: str, allowed: list[str]) -> list[Problem]:
    if value in allowed:
        return []
    return [cell_problem(line, column, value, f"is not known; use one of {', '.join(allowed)}.")]


def _split(text: str) -> tuple[str, ...]:
    if "," not in text:
        text = text.strip()
        return (text,) if text else ()
    return tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
