"""The Alma course-loader file as typed rows (no database).

34 tab-separated columns read by position (legacy files have the first 31),
header ignored, short rows padded. ``CourseFile`` yields one ``CourseRow``
per valid row and reports every problem it finds, including a repeated
course key (the first row for a key wins).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import BinaryIO

from readings.loaders import values
from readings.loaders.parsing import Row, TableReader
from readings.loaders.problems import Problem, Report, cell_problem, shown

COLUMNS = (
    "COURSE_CODE",
    "COURSE_TITLE",
    "SECTION_ID",
    "ACAD_DEPT",
    "PROC_DEPT",
    "TERM1",
    "TERM2",
    "TERM3",
    "TERM4",
    "START_DATE",
    "END_DATE",
    "NUM_OF_PARTICIPANTS",
    "WEEKLY_HOURS",
    "YEAR",
    "SEARCH_ID1",
    "SEARCH_ID2",
    "MULTI_SEARCH_ID",
    *(f"INSTR{n}" for n in range(1, 11)),
    "ALL_INSTRUCTORS",
    "OPERATION",
    "OLD_COURSE_CODE",
    "OLD_COURSE_SECTION",
    "SUBMIT_LISTS_BY",
    "CAMPUS_AND_PARTICIPANTS",
    "READING_LIST_NAME",
)
LEGACY_WIDTH = 31
_INDEX = {name: index for index, name in enumerate(COLUMNS)}
_INSTRUCTOR_COLUMNS = (*(c for c in COLUMNS if c.startswith("INSTR")), "ALL_INSTRUCTORS")
# (column, position) of the cells a row reads in loops: every row of a big file reads them.
_INSTRUCTOR_INDEXES = tuple((c, _INDEX[c]) for c in _INSTRUCTOR_COLUMNS)
_TERM_INDEXES = tuple((c, _INDEX[c]) for c in ("TERM1", "TERM2", "TERM3", "TERM4"))
_SEARCH_INDEXES = tuple((c, _INDEX[c]) for c in ("SEARCH_ID1", "SEARCH_ID2", "MULTI_SEARCH_ID"))

UPSERT = ""
DELETE = "DELETE"
ROLLOVER = "ROLLOVER"
OPERATIONS = (UPSERT, DELETE, ROLLOVER)

# Limits of the model fields each column is stored in (courses.models).
CODE_LENGTH = 50
TITLE_LENGTH = 255
ID_LENGTH = 255
CAMPUS_LENGTH = 100
LIST_NAME_LENGTH = 255

Key = tuple[str, str]
_BATCH = 1000  # rows offered to ``settled`` at a time


def _chunked(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass(slots=True)
class CourseRow:
    line: int
    code: str
    section: str
    title: str
    academic_department: str
    processing_department: str
    terms: tuple[str, ...]
    term_columns: tuple[str, ...]
    start_date: datetime.date | None
    end_date: datetime.date | None
    participants: int | None
    weekly_hours: int | None
    year: int | None
    searchable_ids: tuple[str, ...]
    instructors: tuple[str, ...]
    instructor_columns: tuple[str, ...]
    operation: str
    old_code: str
    old_section: str
    submit_lists_by: datetime.date | None
    campuses: tuple[tuple[str, int | None], ...]
    reading_list_name: str
    # False for legacy 31-column files: columns 32-34 are then not given at
    # all, and an update leaves what they hold alone.
    extended: bool
    # A digest of the line's cells as read, to recognise the same line in a later file.
    source: str = ""

    @property
    def key(self) -> Key:
        return (self.code, self.section)

    @property
    def old_key(self) -> Key:
        return (self.old_code, self.old_section)


def describe_key(key: Key) -> str:
    code, section = key
    return f"{code} section {section}" if section else f"{code} (no section)"


class CourseFile:
    """Iterate the valid rows of a course file, reporting problems to ``report``.

    ``date_format`` is one of values.DATE_FORMATS; with AUTO the caller first
    runs ``sniff_date_format`` over the same file.
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        report: Report,
        date_format: str,
        settled: Callable[[list[Row]], Collection[int]] | None = None,
    ) -> None:
        self.report = report
        self.date_format = date_format
        self.reader = TableReader(stream, columns=COLUMNS, report=report)
        self.first_line: dict[Key, int] = {}
        self.rows = 0
        self.duplicates = 0
        self.settled = settled
        self.settled_rows: list[tuple[Key, Row]] = []

    def __iter__(self) -> Iterator[CourseRow]:
        """The valid rows, except those ``settled`` says need no reading.

        ``settled`` is given the file's rows a batch at a time and answers the
        lines known to need no reading: those are set aside, unread, in
        ``settled_rows`` (a first row for its course only; a repeated key is
        read and reported as usual).
        """
        for batch in _chunked(iter(self.reader), _BATCH):
            settled = self.settled(batch) if self.settled else ()
            for row in batch:
                course = self._read(row, settled)
                if course is not None:
                    yield course
        self.rows += self.reader.unreadable_lines
        if not self.report.fatal and self.rows == 0:
            self.report.error(
                Problem(1, "", "", "the file has a header line but no course rows."), fatal=True
            )

    def _read(self, row: Row, settled: Collection[int]) -> CourseRow | None:
        if self.rows == 0:
            self._check_header(row.line)
        self.rows += 1
        if row.line in settled:
            key = row_key(row)
            if key not in self.first_line:
                self.first_line[key] = row.line
                self.settled_rows.append((key, row))
                return None
        course = read_course_row(row, self.report, self.date_format, self.extended)
        if course is None:
            return None
        first = self.first_line.setdefault(course.key, course.line)
        if first != course.line:
            self.duplicates += 1
            self.report.error(
                Problem(
                    course.line,
                    "COURSE_CODE",
                    course.code,
                    f"COURSE_CODE/SECTION_ID {describe_key(course.key)} repeats the course "
                    f"of line {first}; only the first row for a course is used.",
                )
            )
            return None
        course.source = row_source(row)
        return course

    @property
    def extended(self) -> bool:
        return len(self.reader.header or ()) > LEGACY_WIDTH

    def _check_header(self, data_line: int) -> None:
        header = [cell.strip() for cell in self.reader.header or ()]
        start = header[_INDEX["START_DATE"]] if len(header) > _INDEX["START_DATE"] else ""
        try:
            values.parse_date(start, values.ISO)
        except values.CellError:
            return
        self.report.warning(
            Problem(
                1,
                "",
                "",
                "the first line looks like a course row, not a header: the first line of a "
                "course file is always skipped, so add a header line if this course should "
                "be loaded.",
            )
        )


def row_key(row: Row) -> Key:
    """The (code, section) a row names, cleaned as when it is read."""
    fields = row.fields
    code, section = fields[0].strip(), fields[2].strip() if len(fields) > 2 else ""
    if code[:1] == "'" or section[:1] == "'":
        code, section = values.clean_cells([code, section])
    return (code, section)


def row_source(row: Row) -> str:
    """A digest of the row's cells as the file has them."""
    return hashlib.blake2b("\t".join(row.fields).encode(), digest_size=16).hexdigest()


def sniff_date_format(stream: BinaryIO) -> tuple[str, str | None]:
    """Read the file's date cells and decide their format (see DateFormatSniffer)."""
    sniffer = values.DateFormatSniffer()
    columns = (_INDEX["START_DATE"], _INDEX["END_DATE"], _INDEX["SUBMIT_LISTS_BY"])
    for row in TableReader(stream, columns=COLUMNS, report=Report(kind="sniff")):
        for index in columns:
            if index < len(row.fields):
                sniffer.feed(row.fields[index].strip())
    return sniffer.decide()


def read_course_row(row: Row, report: Report, date_format: str, extended: bool) -> CourseRow | None:
    """The typed row, or None after reporting every problem it has."""
    return _RowReader(row, report, date_format).read(extended)


class _RowReader:
    def __init__(self, row: Row, report: Report, date_format: str) -> None:
        self.line = row.line
        self.fields = row.fields
        cells = values.clean_cells(row.fields[: len(COLUMNS)])
        self.cells = cells + [""] * (len(COLUMNS) - len(cells))
        self.report = report
        self.date_format = date_format
        self.ok = True

    def read(self, extended: bool) -> CourseRow | None:
        if len(self.fields) > len(COLUMNS) and any(f.strip() for f in self.fields[len(COLUMNS) :]):
            self._error(
                Problem(
                    self.line,
                    "",
                    "",
                    f"the line has {len(self.fields)} columns; a course file has "
                    f"{len(COLUMNS)} ({LEGACY_WIDTH} in the legacy layout). Check for tabs "
                    "inside a value.",
                )
            )
        code = self._text("COURSE_CODE", CODE_LENGTH, "a course code", required=True)
        section = self._text("SECTION_ID", CODE_LENGTH, "a section id")
        title = self._text("COURSE_TITLE", TITLE_LENGTH, "a course title")
        start = self._date("START_DATE")
        end = self._date("END_DATE")
        if start and end and end < start:
            self._error(
                cell_problem(
                    self.line,
                    "END_DATE",
                    self._cell("END_DATE"),
                    f"is before START_DATE {shown(self._cell('START_DATE'))}.",
                )
            )
        operation = self._operation()
        old_code = self._text("OLD_COURSE_CODE", CODE_LENGTH, "a course code")
        old_section = self._text("OLD_COURSE_SECTION", CODE_LENGTH, "a section id")
        self._check_rollover(operation, (code, section), old_code, old_section)
        instructors, instructor_columns = self._instructors()
        terms, term_columns = self._terms()
        row = CourseRow(
            line=self.line,
            code=code,
            section=section,
            title=title,
            academic_department=self._text("ACAD_DEPT", CODE_LENGTH, "a department code"),
            processing_department=self._text(
                "PROC_DEPT", CODE_LENGTH, "a department code", required=True
            ),
            terms=terms,
            term_columns=term_columns,
            start_date=start,
            end_date=end,
            participants=self._count("NUM_OF_PARTICIPANTS"),
            weekly_hours=self._count("WEEKLY_HOURS"),
            year=self._year(),
            searchable_ids=self._searchable_ids(),
            instructors=instructors,
            instructor_columns=instructor_columns,
            operation=operation,
            old_code=old_code,
            old_section=old_section,
            submit_lists_by=self._date("SUBMIT_LISTS_BY"),
            campuses=self._campuses(),
            reading_list_name=self._text(
                "READING_LIST_NAME", LIST_NAME_LENGTH, "a reading list name"
            ),
            extended=extended,
        )
        return row if self.ok else None

    # Cells ------------------------------------------------------------------

    def _cell(self, column: str) -> str:
        return self.cells[_INDEX[column]]

    def _text(self, column: str, limit: int, what: str, *, required: bool = False) -> str:
        text = self._cell(column)
        if required and not text:
            self._error(
                Problem(self.line, column, "", f"{column} is empty; every row needs {what}.")
            )
        self._length(column, text, limit, what)
        return text

    def _length(self, column: str, text: str, limit: int, what: str) -> bool:
        if len(text) <= limit:
            return True
        try:
            values.check_length(text, limit, what)
        except values.CellError as exc:
            self._error(cell_problem(self.line, column, text, str(exc)))
            return False
        return True

    def _date(self, column: str) -> datetime.date | None:
        text = self._cell(column)
        if not text:
            return None
        try:
            return values.parse_date(text, self.date_format)
        except values.CellError as exc:
            self._error(cell_problem(self.line, column, text, str(exc)))
            return None

    def _count(self, column: str) -> int | None:
        text = self._cell(column)
        if not text:
            return None
        try:
            return values.parse_count(text)
        except values.CellError as exc:
            self._error(cell_problem(self.line, column, text, str(exc)))
            return None

    def _year(self) -> int | None:
        text = self._cell("YEAR")
        if not text:
            return None
        try:
            return values.parse_year(text)
        except values.CellError as exc:
            self._error(cell_problem(self.line, "YEAR", text, str(exc)))
            return None

    def _operation(self) -> str:
        text = self._cell("OPERATION")
        if text.upper() in OPERATIONS:
            return text.upper()
        self._error(
            cell_problem(
                self.line,
                "OPERATION",
                text,
                "is not an operation; use DELETE, ROLLOVER, or leave it empty to create or "
                "update the course.",
            )
        )
        return text

    def _check_rollover(self, operation: str, key: Key, old_code: str, old_section: str) -> None:
        if operation == ROLLOVER and not old_code:
            self._error(
                Problem(
                    self.line,
                    "OLD_COURSE_CODE",
                    "",
                    "OLD_COURSE_CODE is empty; a ROLLOVER row names the course it rolls over "
                    "from in OLD_COURSE_CODE and OLD_COURSE_SECTION.",
                )
            )
        elif operation == ROLLOVER and (old_code, old_section) == key:
            self._error(
                cell_problem(
                    self.line,
                    "OLD_COURSE_CODE",
                    old_code,
                    "is the course of the row itself; a course cannot roll over from itself.",
                )
            )
        elif operation == UPSERT and old_code:
            self.report.warning(
                cell_problem(
                    self.line,
                    "OLD_COURSE_CODE",
                    old_code,
                    "is ignored: only a ROLLOVER row uses OLD_COURSE_CODE (is OPERATION missing?).",
                )
            )

    def _terms(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        found: dict[str, str] = {}
        cells = self.cells
        for column, index in _TERM_INDEXES:
            text = cells[index]
            if text and self._length(column, text, CODE_LENGTH, "a term code"):
                found.setdefault(text, column)
        return tuple(found), tuple(found.values())

    def _searchable_ids(self) -> tuple[str, ...]:
        found: list[str] = []
        cells = self.cells
        for column, index in _SEARCH_INDEXES:
            if not cells[index]:
                continue
            for text in _split(cells[index]):
                if self._length(column, text, ID_LENGTH, "a searchable id"):
                    found.append(text)
        return tuple(dict.fromkeys(found))

    def _instructors(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        found: dict[str, str] = {}
        cells = self.cells
        for column, index in _INSTRUCTOR_INDEXES:
            if not cells[index]:
                continue
            for text in _split(cells[index]):
                if self._length(column, text, ID_LENGTH, "a primary id"):
                    found.setdefault(text, column)
        return tuple(found), tuple(found.values())

    def _campuses(self) -> tuple[tuple[str, int | None], ...]:
        column = "CAMPUS_AND_PARTICIPANTS"
        found: dict[str, int | None] = {}
        for entry in _split(self._cell(column)):
            campus, _, count = (part.strip() for part in entry.partition("|"))
            if not campus:
                self._error(
                    cell_problem(self.line, column, entry, "has no campus name before '|'.")
                )
                continue
            if not self._length(column, campus, CAMPUS_LENGTH, "a campus name"):
                continue
            participants = None
            if count:
                try:
                    participants = values.parse_count(count)
                except values.CellError as exc:
                    self._error(
                        cell_problem(
                            self.line, column, entry, f"has participants {shown(count)} that {exc}"
                        )
                    )
                    continue
            # As courses.services: a campus named twice keeps its last count.
            found[campus] = participants
        return tuple(found.items())

    def _error(self, problem: Problem) -> None:
        self.ok = False
        self.report.error(problem)


def _split(text: str) -> list[str]:
    if "," not in text:
        text = text.strip()
        return [text] if text else []
    return [part.strip() for part in text.split(",") if part.strip()]
