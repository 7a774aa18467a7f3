"""The report as a table (no database): ordering, filters and the CSV's formula guard."""

from __future__ import annotations

import csv
import io

import pytest

from readings.loaders.report_table import problem_columns, problem_rows, problems_csv

REPORT = {
    "errors": [
        {"line": 0, "column": "", "value": "", "message": "The file is empty."},
        {"line": 4, "column": "END_DATE", "value": "2026-01-01", "message": "END_DATE bad."},
        {"line": 7, "column": "COURSE_CODE", "value": "X1", "message": "X1 repeats line 4."},
    ],
    "warnings": [
        {"line": 4, "column": "TERM1", "value": "Autumn", "message": "TERM1 is new."},
        {"line": 2, "column": "ALL_INSTRUCTORS", "value": "prof9", "message": "Created."},
    ],
}


def _keys(rows) -> list[tuple[str, int, str]]:
    return [(row.kind, row.line, row.column) for row in rows]


def test_rows_come_in_line_order_with_errors_before_warnings_on_a_line():
    assert _keys(problem_rows(REPORT)) == [
        ("error", 0, ""),
        ("warning", 2, "ALL_INSTRUCTORS"),
        ("error", 4, "END_DATE"),
        ("warning", 4, "TERM1"),
        ("error", 7, "COURSE_CODE"),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            {"show": "errors"},
            [("error", 0, ""), ("error", 4, "END_DATE"), ("error", 7, "COURSE_CODE")],
        ),
        ({"show": "warnings"}, [("warning", 2, "ALL_INSTRUCTORS"), ("warning", 4, "TERM1")]),
        ({"column": "-"}, [("error", 0, "")]),
        ({"column": "TERM1"}, [("warning", 4, "TERM1")]),
        ({"query": "  PROF9 "}, [("warning", 2, "ALL_INSTRUCTORS")]),  # in the value
        ({"query": "repeats"}, [("error", 7, "COURSE_CODE")]),  # in the message
        ({"query": "end_date"}, [("error", 4, "END_DATE")]),  # in the column
        ({"show": "errors", "column": "TERM1"}, []),
        ({"show": "nonsense"}, []),
    ],
)
def test_filters_combine(filters, expected):
    assert _keys(problem_rows(REPORT, **filters)) == expected


def test_the_column_choices_are_the_named_columns_sorted():
    assert problem_columns(REPORT) == ["ALL_INSTRUCTORS", "COURSE_CODE", "END_DATE", "TERM1"]
    assert problem_columns({}) == []


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_csv_cell_a_spreadsheet_would_run_gets_an_apostrophe(start):
    report = {
        "errors": [
            {"line": 3, "column": f"{start}COL", "value": f"{start}1+1", "message": f"{start}cmd"}
        ]
    }

    rows = list(csv.reader(io.StringIO(problems_csv(problem_rows(report)).lstrip("\ufeff"))))

    assert rows[1] == ["error", "3", f"'{start}COL", f"'{start}1+1", f"'{start}cmd"]


def test_a_whole_file_problem_has_no_line_number_in_the_csv():
    rows = list(csv.reader(io.StringIO(problems_csv(problem_rows(REPORT, column="-"))[1:])))

    assert rows == [
        ["type", "line", "column", "value", "message"],
        ["error", "", "", "", "The file is empty."],
    ]
