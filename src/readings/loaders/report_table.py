"""A load's report as a table: the rows the page shows, filtered, and the CSV download.

Works on the report dictionary a load stores (``Load.report``); no database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from readings.loaders.values import guard_formula

SHOW_ALL, SHOW_ERRORS, SHOW_WARNINGS = "all", "errors", "warnings"
# The column filter's value for problems with the whole file rather than one column.
WHOLE_FILE = "-"
CSV_HEADER = ("type", "line", "column", "value", "message")


@dataclass(frozen=True, slots=True)
class ProblemRow:
    kind: str  # "error" or "warning"
    line: int
    column: str
    value: str
    message: str

    def matches(self, text: str) -> bool:
        wanted = text.casefold()
        return any(wanted in part.casefold() for part in (self.message, self.value, self.column))


def problem_rows(
    report: dict[str, Any], *, show: str = SHOW_ALL, column: str = "", query: str = ""
) -> list[ProblemRow]:
    """Errors and warnings in line order (errors first on a line), narrowed by the filters."""
    rows: list[ProblemRow] = []
    if show in (SHOW_ALL, SHOW_ERRORS):
        rows.extend(_rows("error", report.get("errors", [])))
    if show in (SHOW_ALL, SHOW_WARNINGS):
        rows.extend(_rows("warning", report.get("warnings", [])))
    rows.sort(key=lambda row: row.line)  # stable: errors stay before warnings on a line
    if column == WHOLE_FILE:
        rows = [row for row in rows if not row.column]
    elif column:
        rows = [row for row in rows if row.column == column]
    query = query.strip()
    if query:
        rows = [row for row in rows if row.matches(query)]
    return rows


def problem_columns(report: dict[str, Any]) -> list[str]:
    """The columns named by the report's problems, for the column filter."""
    problems = [*report.get("errors", []), *report.get("warnings", [])]
    return sorted({str(p.get("column") or "") for p in problems} - {""})


def problems_csv(rows: Iterable[ProblemRow]) -> str:
    """CSV of the rows; text a spreadsheet would run as a formula is neutralised."""
    out = io.StringIO()
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        cells = (row.kind, str(row.line) if row.line else "", row.column, row.value, row.message)
        writer.writerow([guard_formula(cell) for cell in cells])
    return out.getvalue()


def _rows(kind: str, problems: list[dict[str, Any]]) -> Iterable[ProblemRow]:
    for problem in problems:
        yield ProblemRow(
            kind=kind,
            line=int(problem.get("line") or 0),
            column=str(problem.get("column") or ""),
            value=str(problem.get("value") or ""),
            message=str(problem.get("message") or ""),
        )
