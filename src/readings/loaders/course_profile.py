"""What a dry run tells about a course file: its operations, departments, terms, dates."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TYPE_CHECKING

from readings.loaders.course_rows import CourseFile, CourseRow, Key

if TYPE_CHECKING:
    from readings.loaders.course_digests import CourseState
    from readings.loaders.course_phases import PassState


class CourseProfile:
    """The dry run's picture of a file: what it holds, per department and term."""

    def __init__(self) -> None:
        self.operations: Counter[str] = Counter()
        self.academic: Counter[str] = Counter()
        self.processing: Counter[str] = Counter()
        self.terms: Counter[str] = Counter()
        self.years: Counter[int] = Counter()
        self.instructors: set[str] = set()
        self.dates: dict[str, list[datetime.date]] = {}
        self.layout = ""

    def add(self, row: CourseRow) -> None:
        self.operations[row.operation or "create or update"] += 1
        self.academic[row.academic_department or "(none)"] += 1
        self.processing[row.processing_department] += 1
        self.terms.update(row.terms or ["(none)"])
        if row.year:
            self.years[row.year] += 1
        self.instructors.update(row.instructors)
        for name in ("start_date", "end_date", "submit_lists_by"):
            day = getattr(row, name)
            if day is not None:
                span = self.dates.setdefault(name, [day, day])
                span[0], span[1] = min(span[0], day), max(span[1], day)
        self.layout = "34 columns" if row.extended else "31 columns (legacy layout)"

    def add_settled(self, state: CourseState, *, extended: bool) -> None:
        """Count a row known unchanged, unread, from the course it describes (course_digests)."""
        self.operations["create or update"] += 1
        self.academic[state.academic_department or "(none)"] += 1
        self.processing[state.processing_department] += 1
        self.terms.update(state.terms or ["(none)"])
        if state.year:
            self.years[state.year] += 1
        self.instructors.update(state.instructors)
        for name, text in (
            ("start_date", state.start_date),
            ("end_date", state.end_date),
            ("submit_lists_by", state.submit_lists_by),
        ):
            if text is not None:
                day = datetime.date.fromisoformat(text)
                span = self.dates.setdefault(name, [day, day])
                span[0], span[1] = min(span[0], day), max(span[1], day)
        self.layout = "34 columns" if extended else "31 columns (legacy layout)"

    def as_dict(self, first_line: dict[Key, int], state: PassState, rows: CourseFile) -> dict:
        unknown = sorted(state.new_users)
        return {
            "layout": self.layout,
            "courses_in_file": len(first_line),
            "duplicate_rows": rows.duplicates,
            "operations": dict(self.operations),
            "academic_departments": dict(sorted(self.academic.items())),
            "processing_departments": dict(sorted(self.processing.items())),
            "terms": dict(sorted(self.terms.items())),
            "years": {str(y): n for y, n in sorted(self.years.items())},
            "date_ranges": {
                name: {"first": str(span[0]), "last": str(span[1])}
                for name, span in self.dates.items()
            },
            "instructors_named": len(self.instructors),
            "instructors_unknown": len(unknown),
            "instructors_unknown_sample": unknown[:100],
            "new_academic_departments": sorted(state.new_academic),
            "new_terms": sorted(state.new_terms),
        }
