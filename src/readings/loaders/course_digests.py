"""Recognise course rows a load applied before, to a course still exactly as they describe it.

Reading and checking every cell is most of what a course load costs, and a
registrar sends the same file, or one that differs in a few rows, again and
again. When a load writes a course from a row, it keeps a digest (see
``LoadedCourse``) of the row's cells, how they were read (date format, file
layout, the fields an update may change) and the course as the row describes
it, in the file's own terms: its fields, department and term codes,
instructors' primary ids, and the searchable ids and campuses if an update
may change them. A later line with the same cells, for a course whose
current state gives the same digest, would be read into the same row and
planned as unchanged with nothing to report, so it is not read at all.
Anything else about it (another line, a course edited since, a department
renamed, an instructor's primary id changed) makes the digest differ, and
the row is read and checked as usual.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from functools import cache
from typing import NamedTuple

from django.db import connection, models

from readings.accounts.models import User
from readings.courses.models import Course, CourseCampus, SearchableId
from readings.institutions.models import AcademicDepartment, ProcessingDepartment, Term
from readings.loaders import values
from readings.loaders.course_rows import COLUMNS, CourseRow, Key, row_key, row_source
from readings.loaders.models import LoadedCourse
from readings.loaders.parsing import Row

# Part of every digest: change it when the way a row is read changes, so that
# no line is taken as read by older code.
_READING_VERSION = "course-row-1"
_LIST_NAME = COLUMNS.index("READING_LIST_NAME")


class CourseState(NamedTuple):
    """A course as a file row describes it."""

    title: str
    academic_department: str
    processing_department: str
    terms: tuple[str, ...]
    start_date: str | None  # ISO dates: plain SQL gives SQLite's as text
    end_date: str | None
    year: int | None
    participants: int | None
    weekly_hours: int | None
    searchable_ids: tuple[str, ...]
    instructors: tuple[str, ...]
    submit_lists_by: str | None
    campuses: tuple[tuple[str, int | None], ...]


def state_of_row(row: CourseRow, compared: frozenset[str]) -> CourseState:
    return CourseState(
        title=row.title,
        academic_department=row.academic_department,
        processing_department=row.processing_department,
        terms=tuple(sorted(set(row.terms))),
        start_date=_day(row.start_date),
        end_date=_day(row.end_date),
        year=row.year,
        participants=row.participants,
        weekly_hours=row.weekly_hours,
        searchable_ids=(
            tuple(sorted(set(row.searchable_ids))) if "searchable_ids" in compared else ()
        ),
        instructors=tuple(sorted(set(row.instructors))),
        submit_lists_by=_day(row.submit_lists_by),
        campuses=tuple(sorted(set(row.campuses), key=repr)) if "campuses" in compared else (),
    )


class CourseDigests:
    """Digests of rows for one load: how its file is read is part of each."""

    def __init__(
        self, *, institution_id: int, date_format: str, update_fields: Collection[str]
    ) -> None:
        self.institution_id = institution_id
        self.date_format = date_format
        # Searchable ids and campuses matter to a check only when an update may
        # change them (they are neither references nor in the dry run's
        # profile): reading them costs as much as all the rest.
        self.compared = frozenset(update_fields) & {"searchable_ids", "campuses"}
        self.seed = "\x1f".join((_READING_VERSION, date_format, *sorted(update_fields)))
        # A first load of an institution's courses need not look for any.
        self.none_kept = not LoadedCourse.objects.filter(
            course__institution_id=institution_id
        ).exists()

    def digest(self, source: str, extended: bool, state: CourseState) -> str:
        text = "\x1f".join((self.seed, str(extended), source, repr(tuple(state))))
        return hashlib.sha256(text.encode()).hexdigest()

    def digest_of_row(self, row: CourseRow) -> str:
        return self.digest(row.source, row.extended, state_of_row(row, self.compared))

    def settled(self, rows: list[Row], *, extended: bool) -> dict[int, CourseState]:
        """{line: course state} of the ``rows`` whose digest is their course's."""
        if self.none_kept:
            return {}
        keys = {row.line: row_key(row) for row in rows}
        current = current_states(
            institution_id=self.institution_id, keys=set(keys.values()), compared=self.compared
        )
        found = {}
        for row in rows:
            known = current.get(keys[row.line])
            if known is None:
                continue
            digest, state = known
            if digest == self.digest(row_source(row), extended, state):
                found[row.line] = state
        return found


def current_states(
    *, institution_id: int, keys: Collection[Key], compared: frozenset[str]
) -> dict[Key, tuple[str, CourseState]]:
    """{key: (digest kept, state now)} of the courses named that a load left a digest for.

    Searchable ids and campuses are read only if ``compared`` names them.
    """
    wanted = set(keys)
    codes = sorted({code for code, _ in wanted})
    if not codes:
        return {}
    # Plain SQL: these run for every thousand rows of every load, and building
    # the ORM's queries with a thousand parameters each cost more than running them.
    courses = {}
    with connection.cursor() as cursor:
        cursor.execute(_sql()[0].format(codes=_marks(codes)), [institution_id, *codes])
        for course_id, digest, code, section, *fields in cursor.fetchall():
            if (code, section) in wanted:
                courses[course_id] = ((code, section), digest, fields)
        if not courses:
            return {}
        ids = list(courses)
        related = {}
        for name, sql in _sql()[1].items():
            if name in ("searchable_ids", "campuses") and name not in compared:
                related[name] = {}
                continue
            cursor.execute(sql.format(ids=_marks(ids)), ids)
            related[name] = _grouped(cursor.fetchall())
    found = {}
    terms, instructors = related["terms"], related["instructors"]
    searchable, campuses = related["searchable_ids"], related["campuses"]
    for course_id, (key, digest, fields) in courses.items():
        title, academic, processing, start, end, year, participants, hours, submit = fields
        found[key] = (
            digest,
            CourseState(
                title=title,
                academic_department=academic or "",
                processing_department=processing or "",
                terms=tuple(sorted(terms.get(course_id, ()))),
                start_date=_day(start),
                end_date=_day(end),
                year=year,
                participants=participants,
                weekly_hours=hours,
                searchable_ids=tuple(sorted(searchable.get(course_id, ()))),
                instructors=tuple(sorted(instructors.get(course_id, ()))),
                submit_lists_by=_day(submit),
                campuses=tuple(sorted(campuses.get(course_id, ()), key=repr)),
            ),
        )
    return found


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _marks(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def _day(value: object) -> str | None:
    """A date as ISO text, however the driver gave it."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


@cache
def _sql() -> tuple[str, dict[str, str]]:
    course, loaded = _table(Course), _table(LoadedCourse)
    academic, processing = _table(AcademicDepartment), _table(ProcessingDepartment)
    courses = (
        "SELECT c.id, d.digest, c.code, c.section, c.title, a.code, p.code, c.start_date, "
        "c.end_date, c.year, c.participants, c.weekly_hours, c.submit_lists_by "
        f"FROM {loaded} d JOIN {course} c ON c.id = d.course_id "
        f"LEFT JOIN {academic} a ON a.id = c.academic_department_id "
        f"LEFT JOIN {processing} p ON p.id = c.processing_department_id "
        "WHERE c.institution_id = %s AND c.code IN ({codes})"
    )
    terms, instructors = Course.terms.through, Course.instructors.through
    related = {
        "terms": (
            f"SELECT x.course_id, t.code FROM {_table(terms)} x "
            f"JOIN {_table(Term)} t ON t.id = x.term_id WHERE x.course_id IN ({{ids}})"
        ),
        "instructors": (
            f"SELECT x.course_id, u.primary_id FROM {_table(instructors)} x "
            f"JOIN {_table(User)} u ON u.id = x.user_id WHERE x.course_id IN ({{ids}})"
        ),
        "searchable_ids": (
            f"SELECT course_id, value FROM {_table(SearchableId)} WHERE course_id IN ({{ids}})"
        ),
        "campuses": (
            f"SELECT course_id, campus, participants FROM {_table(CourseCampus)} "
            "WHERE course_id IN ({ids})"
        ),
    }
    return courses, related


def _grouped(rows: Iterable[tuple]) -> dict[int, set]:
    """{first column: {the rest, or the second column alone}}."""
    found: dict[int, set] = {}
    for owner, *value in rows:
        found.setdefault(owner, set()).add(value[0] if len(value) == 1 else tuple(value))
    return found


def settled_list_name(row: Row, *, extended: bool) -> str:
    """The READING_LIST_NAME of a line known unchanged, as reading it would give it."""
    fields = row.fields
    if extended and len(fields) > _LIST_NAME:
        return values.clean_cells([fields[_LIST_NAME]])[0]
    return ""
