"""Reading loader files without a database: lines, encodings, cells and course rows."""

from __future__ import annotations

import datetime
import io

import pytest
from loader_files import DATA, HEADER, course, course_line

from readings.loaders import values
from readings.loaders.course_rows import COLUMNS, CourseFile, sniff_date_format
from readings.loaders.parsing import TableReader
from readings.loaders.problems import Report


def read(data: bytes, *, delimiters: str = "\t", max_line_bytes: int = 1000):
    report = Report(kind="test")
    reader = TableReader(
        io.BytesIO(data),
        columns=COLUMNS,
        report=report,
        delimiters=delimiters,
        max_line_bytes=max_line_bytes,
    )
    rows = [(row.line, row.fields) for row in reader]
    return rows, report, reader


def errors(report: Report) -> list[str]:
    return [str(p) for p in report.errors]


# Lines and encodings ----------------------------------------------------------------

READABLE = [
    ("LF", b"h1\th2\na\tb\nc\td\n", [(2, ["a", "b"]), (3, ["c", "d"])]),
    ("CRLF", b"h1\th2\r\na\tb\r\nc\td\r\n", [(2, ["a", "b"]), (3, ["c", "d"])]),
    ("UTF-8 BOM", b"\xef\xbb\xbfh1\th2\na\tb\n", [(2, ["a", "b"])]),
    ("no final newline", b"h1\th2\na\tb", [(2, ["a", "b"])]),
    ("blank lines skipped", b"h1\th2\n\na\tb\n\t\t\n", [(3, ["a", "b"])]),
    ("non-ASCII UTF-8", "h\tx\nZoë\tŁódź\n".encode(), [(2, ["Zoë", "Łódź"])]),
    ("header only", b"h1\th2\n", []),
]


@pytest.mark.parametrize(("name", "data", "expected"), READABLE, ids=[c[0] for c in READABLE])
def test_readable_files_give_their_rows_with_physical_line_numbers(name, data, expected):
    rows, report, _ = read(data)
    assert rows == expected
    assert errors(report) == []


UNREADABLE = [
    (
        "empty file",
        b"",
        ["line 1, the file is empty: it has no header and no rows."],
        True,
    ),
    (
        "UTF-16 with byte-order mark",
        "h1\th2\na\tb\n".encode("utf-16"),
        ["line 1, the file is encoded as UTF-16 (or UTF-32); save it as UTF-8"],
        True,
    ),
    (
        "UTF-16 big-endian",
        b"\xfe\xff" + "h1\th2\n".encode("utf-16-be"),
        ["line 1, the file is encoded as UTF-16"],
        True,
    ),
    (
        "UTF-16 without byte-order mark",
        "h1\th2\na\tb\n".encode("utf-16-le"),
        ["line 1, the file looks like UTF-16 without a byte-order mark"],
        True,
    ),
    (
        "commas instead of tabs",
        b"code,title,section\nA,B,C\n",
        ["line 1, the columns are separated by commas, not tabs"],
        True,
    ),
    (
        "semicolons instead of tabs",
        b"code;title;section\nA;B;C\n",
        ["line 1, the columns are separated by semicolons, not tabs"],
        True,
    ),
    (
        "old Mac line endings",
        b"h1\th2\ra\tb\r",
        ["line 1, the file uses carriage returns (CR) alone as line endings"],
        True,
    ),
    (
        "NUL bytes in a line",
        b"h1\th2\na\x00\tb\nc\td\n",
        ["line 2, the line contains NUL bytes (the first at position 2)"],
        False,
    ),
    (
        "Latin-1 bytes in a UTF-8 file",
        b"h1\th2\nHIST\tCaf\xe9 culture\n",
        [
            "line 2, COURSE_TITLE 'Caf\\xe9 culture' is not valid UTF-8 (byte 0xE9 at position 4)"
            "; the file seems to be saved as Latin-1 or Windows-1252: save it as UTF-8."
        ],
        False,
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "expected", "fatal"), UNREADABLE, ids=[c[0] for c in UNREADABLE]
)
def test_unreadable_input_is_reported_with_its_line_not_raised(name, data, expected, fatal):
    rows, report, _ = read(data)
    found = errors(report)
    assert len(found) == len(expected), found
    for message, wanted in zip(found, expected, strict=True):
        assert message.startswith(wanted), message
    assert report.fatal is fatal
    if fatal:
        assert rows == []


def test_an_unreadable_line_is_skipped_and_the_next_lines_still_read():
    rows, report, reader = read(b"h1\th2\nbad\xff\tx\ngood\ty\n")
    assert rows == [(3, ["good", "y"])]
    assert reader.unreadable_lines == 1
    assert [p.line for p in report.errors] == [2]


def test_a_line_longer_than_the_limit_is_reported_without_being_held_whole():
    long_line = b"x" * 1_048_576
    rows, report, _ = read(b"h1\th2\n" + long_line + b"\nnext\tok\n", max_line_bytes=65_536)
    assert rows == [(3, ["next", "ok"])]
    assert errors(report) == [
        "line 2, the line is 1,048,577 bytes long; a line can be at most 65,536 bytes, "
        "so this line was not read."
    ]


def test_comma_separated_files_follow_csv_quoting_across_lines():
    data = b'a,b,c\n"x, y","multi\nline",z\nplain,2,3\n'
    rows, report, reader = read(data, delimiters="\t,")
    assert reader.delimiter == ","
    assert rows == [(2, ["x, y", "multi\nline", "z"]), (4, ["plain", "2", "3"])]
    assert errors(report) == []


def test_the_header_chooses_between_tab_and_comma():
    rows, _, reader = read(b"a\tb,c\tx\n1\t2,3\t4\n", delimiters="\t,")
    assert reader.delimiter == "\t"
    assert rows == [(2, ["1", "2,3", "4"])]


# Cells ------------------------------------------------------------------------------

DATES = [
    ("2017-10-01", values.ISO, datetime.date(2017, 10, 1)),
    ("2024-02-29", values.ISO, datetime.date(2024, 2, 29)),
    ("01-10-2017", values.DAY_FIRST, datetime.date(2017, 10, 1)),
    ("01/10/2017", values.DAY_FIRST, datetime.date(2017, 10, 1)),
    ("10/01/2017", values.MONTH_FIRST, datetime.date(2017, 10, 1)),
    ("2017-10-01", values.MONTH_FIRST, datetime.date(2017, 10, 1)),
]


@pytest.mark.parametrize(("text", "date_format", "expected"), DATES)
def test_dates_are_read_in_the_chosen_format_and_iso_always(text, date_format, expected):
    assert values.parse_date(text, date_format) == expected


BAD_DATES = [
    ("2026-02-30", values.ISO, "is not a real date: February 2026 has 28 days."),
    ("2023-02-29", values.ISO, "is not a real date: February 2023 has 28 days."),
    ("2026-13-01", values.ISO, "is not a real date: there is no month 13 (read as YYYY-MM-DD)."),
    ("31/12/2026", values.MONTH_FIRST, "there is no month 31"),
    ("01-10-2017", values.ISO, "is not a date in the form YYYY-MM-DD"),
    ("01/10/17", values.DAY_FIRST, "has no four-digit year"),
    ("next Monday", values.ISO, "is not a date in the form YYYY-MM-DD."),
]


@pytest.mark.parametrize(("text", "date_format", "reason"), BAD_DATES)
def test_impossible_or_malformed_dates_say_why(text, date_format, reason):
    with pytest.raises(values.CellError) as caught:
        values.parse_date(text, date_format)
    assert reason in str(caught.value)


SNIFFED = [
    (["2017-10-01", "2018-01-14"], values.ISO, False),
    (["25-12-2017", "01-02-2018"], values.DAY_FIRST, False),
    (["12/25/2017", "01/02/2018"], values.MONTH_FIRST, False),
    (["03/04/2018", "05/06/2018"], values.MONTH_FIRST, True),
    (["03-04-2018"], values.DAY_FIRST, True),
    (["25/12/2017", "12/25/2017"], values.DAY_FIRST, True),
    (["01/01/2018"], values.MONTH_FIRST, False),
]


@pytest.mark.parametrize(("dates", "expected", "warns"), SNIFFED)
def test_auto_date_format_decides_from_the_file_and_warns_when_ambiguous(dates, expected, warns):
    sniffer = values.DateFormatSniffer()
    for text in dates:
        sniffer.feed(text)
    chosen, warning = sniffer.decide()
    assert chosen == expected
    assert (warning is not None) is warns


COUNTS = [("0", 0), ("50", 50), ("007", 7)]
BAD_COUNTS = [
    ("-5", "is negative; it must be 0 or more."),
    ("fifty", "is not a whole number."),
    ("1,200", "is not a whole number."),
    ("12.5", "is not a whole number."),
    ("99999999999", "is too large"),
]


@pytest.mark.parametrize(("text", "expected"), COUNTS)
def test_counts_are_whole_numbers(text, expected):
    assert values.parse_count(text) == expected


@pytest.mark.parametrize(("text", "reason"), BAD_COUNTS)
def test_negative_or_non_numeric_counts_say_why(text, reason):
    with pytest.raises(values.CellError, match=reason.replace(".", r"\.")):
        values.parse_count(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("2017", 2017), ("2017-18", 2017), ("2017/2018", 2017)]
)
def test_academic_years_keep_their_first_year(text, expected):
    assert values.parse_year(text) == expected


@pytest.mark.parametrize("text", ["17", "twenty", "2017-18-19"])
def test_unreadable_years_are_refused(text):
    with pytest.raises(values.CellError):
        values.parse_year(text)


@pytest.mark.parametrize(
    ("text", "guarded"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("@cmd", "'@cmd"), ("Plain", "Plain")],
)
def test_formula_guard_round_trips(text, guarded):
    assert values.guard_formula(text) == guarded
    assert values.unguard_formula(guarded) == text


# Course rows ------------------------------------------------------------------------


def course_rows(text: str, date_format: str = values.ISO):
    report = Report(kind="courses")
    rows = list(CourseFile(io.BytesIO(text.encode()), report=report, date_format=date_format))
    return rows, report


def test_lancaster_sample_reports_the_end_date_before_the_start_date_by_line_and_column():
    report = Report(kind="courses")
    with (DATA / "lancaster-courses-new.tsv").open("rb") as stream:
        rows = list(CourseFile(stream, report=report, date_format=values.ISO))
    assert [e.as_dict() for e in report.errors] == [
        {
            "line": 3,
            "column": "END_DATE",
            "value": "2017-03-31",
            "message": "END_DATE '2017-03-31' is before START_DATE '2018-01-14'.",
        }
    ]
    assert (
        str(report.errors[0]) == "line 3, END_DATE '2017-03-31' is before START_DATE '2018-01-14'."
    )
    assert [r.line for r in rows] == [2, 4, 5, 6, 7, 8]
    first = rows[0]
    assert (first.code, first.section, first.operation) == ("CRS101-2017", "1", "ROLLOVER")
    assert first.old_key == ("CRS101-2016", "1")
    assert first.year == 2017
    assert first.extended is False
    assert rows[3].instructors == ("inst2", "inst3")


def test_short_rows_are_padded_and_legacy_files_are_not_extended():
    legacy_header = "\t".join(COLUMNS[:31])
    rows, report = course_rows(f"{legacy_header}\nHIST101\tHistory\t\t\tLIB\n")
    assert errors(report) == []
    assert rows[0].key == ("HIST101", "")
    assert rows[0].extended is False
    assert rows[0].start_date is None


def test_a_row_with_too_many_fields_is_refused_but_trailing_empty_cells_are_not():
    extra = course("HIST101") + "\tsurplus\tcells"
    trailing = course("HIST102") + "\t\t"
    rows, report = course_rows(f"{HEADER}\n{extra}\n{trailing}\n")
    assert [r.code for r in rows] == ["HIST102"]
    assert errors(report) == [
        "line 2, the line has 36 columns; a course file has 34 (31 in the legacy layout). "
        "Check for tabs inside a value."
    ]


def test_a_repeated_key_is_reported_at_the_later_line_and_the_first_row_wins():
    text = "\n".join(
        [
            HEADER,
            course("HIST101", COURSE_TITLE="First"),
            course("HIST102"),
            course("HIST101", COURSE_TITLE="Second"),
        ]
    )
    rows, report = course_rows(text)
    assert [(r.code, r.title) for r in rows] == [
        ("HIST101", "First"),
        ("HIST102", "Course HIST102"),
    ]
    assert errors(report) == [
        "line 4, COURSE_CODE/SECTION_ID HIST101 section 1 repeats the course of line 2; "
        "only the first row for a course is used."
    ]


def test_blank_section_is_a_key_of_its_own():
    text = "\n".join([HEADER, course("HIST101", section=""), course("HIST101", section="A")])
    rows, report = course_rows(text)
    assert [r.key for r in rows] == [("HIST101", ""), ("HIST101", "A")]
    assert errors(report) == []


BAD_CELLS = [
    ({"COURSE_CODE": ""}, "COURSE_CODE is empty; every row needs a course code."),
    ({"PROC_DEPT": ""}, "PROC_DEPT is empty; every row needs a department code."),
    ({"START_DATE": "2026-02-30"}, "START_DATE '2026-02-30' is not a real date: February 2026"),
    (
        {"START_DATE": "2018-01-14", "END_DATE": "2017-03-31"},
        "END_DATE '2017-03-31' is before START_DATE '2018-01-14'.",
    ),
    ({"NUM_OF_PARTICIPANTS": "-3"}, "NUM_OF_PARTICIPANTS '-3' is negative; it must be 0 or more."),
    ({"NUM_OF_PARTICIPANTS": "lots"}, "NUM_OF_PARTICIPANTS 'lots' is not a whole number."),
    ({"WEEKLY_HOURS": "2.5"}, "WEEKLY_HOURS '2.5' is not a whole number."),
    ({"YEAR": "next"}, "YEAR 'next' is not a year"),
    (
        {"COURSE_TITLE": "T" * 10_000},
        "is 10,000 characters long; a course title can have at most 255.",
    ),
    ({"COURSE_CODE": "C" * 51}, "a course code can have at most 50."),
    (
        {"OPERATION": "REMOVE"},
        "OPERATION 'REMOVE' is not an operation; use DELETE, ROLLOVER, or leave it empty",
    ),
    ({"OPERATION": "ROLLOVER"}, "OLD_COURSE_CODE is empty; a ROLLOVER row names the course"),
    (
        {"OPERATION": "ROLLOVER", "OLD_COURSE_CODE": "HIST101", "OLD_COURSE_SECTION": "1"},
        "is the course of the row itself",
    ),
    (
        {"CAMPUS_AND_PARTICIPANTS": "North|x"},
        "CAMPUS_AND_PARTICIPANTS 'North|x' has participants 'x' that is not a whole number.",
    ),
    ({"SUBMIT_LISTS_BY": "soon"}, "SUBMIT_LISTS_BY 'soon' is not a date"),
]


@pytest.mark.parametrize(("cells", "message"), BAD_CELLS)
def test_each_bad_cell_is_reported_by_line_column_and_value(cells, message):
    rows, report = course_rows(f"{HEADER}\n{course('HIST101', **cells)}\n")
    assert rows == []
    assert len(report.errors) == 1
    problem = report.errors[0]
    assert problem.line == 2
    assert message in problem.message
    assert (
        problem.column == next(iter(cells)) or problem.column in cells or "OLD_" in problem.column
    )


def test_every_problem_of_a_row_is_reported_not_only_the_first():
    line = course("HIST101", NUM_OF_PARTICIPANTS="-1", WEEKLY_HOURS="x", YEAR="y")
    _, report = course_rows(f"{HEADER}\n{line}\n")
    assert [p.column for p in report.errors] == ["NUM_OF_PARTICIPANTS", "WEEKLY_HOURS", "YEAR"]


def test_formulas_and_html_in_titles_are_text_kept_as_written():
    titles = ['=HYPERLINK("http://evil")', "<script>alert(1)</script>", "@SUM(1+1)", "-2+3"]
    lines = [course(f"C{n}", COURSE_TITLE=t) for n, t in enumerate(titles)]
    rows, report = course_rows("\n".join([HEADER, *lines]))
    assert [r.title for r in rows] == titles
    assert errors(report) == []


def test_an_apostrophe_that_guards_a_formula_in_an_export_is_taken_off():
    rows, _ = course_rows(f"{HEADER}\n{course('C1', COURSE_TITLE=chr(39) + '=1+1')}\n")
    assert rows[0].title == "=1+1"


def test_instructor_columns_merge_in_order_without_repeats():
    line = course("HIST101", INSTR1="p1", INSTR2="p2", INSTR10="p3", ALL_INSTRUCTORS="p2, p4,p1")
    rows, _ = course_rows(f"{HEADER}\n{line}\n")
    assert rows[0].instructors == ("p1", "p2", "p3", "p4")
    assert rows[0].instructor_columns == ("INSTR1", "INSTR2", "INSTR10", "ALL_INSTRUCTORS")


def test_searchable_ids_campuses_and_terms_are_read_from_their_columns():
    line = course(
        "HIST101",
        SEARCH_ID1="H101",
        SEARCH_ID2="LMS-9",
        MULTI_SEARCH_ID="X1, X2,H101",
        CAMPUS_AND_PARTICIPANTS="North|20, South, North|25",
        TERM1="AUTUMN",
        TERM3="SPRING",
        TERM4="AUTUMN",
    )
    rows, report = course_rows(f"{HEADER}\n{line}\n")
    assert errors(report) == []
    row = rows[0]
    assert row.searchable_ids == ("H101", "LMS-9", "X1", "X2")
    assert row.campuses == (("North", 25), ("South", None))
    assert row.terms == ("AUTUMN", "SPRING")
    assert row.extended is True


def test_operations_are_read_without_regard_to_case():
    line = course("HIST101", OPERATION="delete")
    rows, _ = course_rows(f"{HEADER}\n{line}\n")
    assert rows[0].operation == "DELETE"


def test_a_first_line_that_looks_like_a_course_is_warned_about():
    rows, report = course_rows(f"{course('HIST100')}\n{course('HIST101')}\n")
    assert [r.code for r in rows] == ["HIST101"]
    assert "looks like a course row, not a header" in report.warnings[0].message


def test_a_header_without_rows_is_an_error():
    rows, report = course_rows(f"{HEADER}\n")
    assert rows == []
    assert errors(report) == ["line 1, the file has a header line but no course rows."]


def test_day_first_dates_are_read_with_that_format():
    line = course("HIST101", START_DATE="01-09-2026", END_DATE="15-12-2026")
    text = f"{HEADER}\n{line}\n"
    date_format, warning = sniff_date_format(io.BytesIO(text.encode()))
    assert (date_format, warning) == (values.DAY_FIRST, None)
    rows, report = course_rows(text, date_format)
    assert errors(report) == []
    assert (rows[0].start_date, rows[0].end_date) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 12, 15),
    )


def test_course_line_helper_places_cells_by_position():
    line = course_line(COURSE_CODE="A", READING_LIST_NAME="Z").split("\t")
    assert (len(line), line[0], line[-1]) == (34, "A", "Z")
